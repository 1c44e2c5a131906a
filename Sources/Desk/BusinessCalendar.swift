import Foundation
import MIME

/// Opening hours in one time zone, closed on holidays. Minute precision, DST-correct.
///
/// Each open local day has one interval [opensAt, closesAt) of local wall-clock time, converted to instants with the
/// zone's offset *on that day*, so a day next to a DST change is neither an hour short nor long unless its opening
/// hours actually straddle the change. Business time is the real time elapsed inside those intervals.
public struct BusinessCalendar: Sendable, Equatable {
    public var timeZone: TimeZone
    /// Weekdays open, `Calendar` numbering: 1 = Sunday … 7 = Saturday.
    public var weekdays: Set<Int>
    /// Minutes after local midnight (0…1440).
    public var opensAt: Int
    public var closesAt: Int
    public var holidays: DanishHolidays

    /// How far ahead `adding` looks for an opening before it gives up (a calendar that is never open).
    static let searchDays = 366 * 10

    public init(timeZone: TimeZone, weekdays: Set<Int>, opensAt: Int, closesAt: Int, holidays: DanishHolidays) {
        self.timeZone = timeZone
        self.weekdays = weekdays
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.holidays = holidays
    }

    // MARK: Days

    /// The local calendar date of an instant in this calendar's zone.
    public func localDate(of instant: Date) -> CivilDate {
        let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return CivilDate(dayNumber: Int((local / 86400).rounded(.down)))
    }

    /// The local wall-clock time `minute` minutes after midnight of `date` as an instant. A time that does not exist
    /// (spring-forward gap) moves forward by the gap; an ambiguous time (fall-back) is its first occurrence.
    public func instant(of date: CivilDate, minute: Int) -> Date {
        let wall = Double(date.dayNumber) * 86400 + Double(minute) * 60
        let before = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wall - 14 * 3600 - 86400))
        let after = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wall + 14 * 3600 + 86400))
        var valid: [Int] = []
        for offset in Set([before, after]) {
            let t = Date(timeIntervalSince1970: wall - Double(offset))
            if timeZone.secondsFromGMT(for: t) == offset { valid.append(offset) }
        }
        if let offset = valid.max() { return Date(timeIntervalSince1970: wall - Double(offset)) }
        return Date(timeIntervalSince1970: wall - Double(before))
    }

    /// Whether the whole local date is a working day (open weekday, not a holiday or closure).
    public func isWorkingDay(_ date: CivilDate) -> Bool {
        weekdays.contains(date.weekday) && !holidays.isClosed(year: date.year, month: date.month, day: date.day)
    }

    /// The open interval of a local date, nil when closed all day.
    public func openInterval(on date: CivilDate) -> DateInterval? {
        guard isWorkingDay(date) else { return nil }
        let open = instant(of: date, minute: max(0, min(opensAt, 1440)))
        let close = instant(of: date, minute: max(0, min(closesAt, 1440)))
        return close > open ? DateInterval(start: open, end: close) : nil
    }

    // MARK: Business time

    /// The instant `minutes` business minutes after `start`. If `start` is outside opening hours, counting begins at
    /// the next opening; `adding(minutes: 0, …)` is therefore `start` when open, else the next opening. A count that
    /// runs out exactly at closing time gives the closing instant. Negative counts act as 0.
    /// `Date.distantFuture` if the calendar never opens.
    public func adding(minutes: Int, to start: Date) -> Date {
        var remaining = Double(max(0, minutes)) * 60
        var day = localDate(of: start)
        for _ in 0..<BusinessCalendar.searchDays {
            if let interval = openInterval(on: day), interval.end > start {
                let from = max(interval.start, start)
                let available = interval.end.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            day = day.adding(days: 1)
        }
        return .distantFuture
    }

    /// Business minutes between two instants (0 when `end` ≤ `start`), rounded down to whole minutes.
    public func businessMinutes(from start: Date, to end: Date) -> Int {
        Int((businessSeconds(from: start, to: end) / 60 + 1e-6).rounded(.down))
    }

    /// Business seconds between two instants (0 when `end` ≤ `start`).
    public func businessSeconds(from start: Date, to end: Date) -> Double {
        guard end > start else { return 0 }
        var total = 0.0
        var day = localDate(of: start)
        let last = localDate(of: end)
        while day <= last {
            if let interval = openInterval(on: day) {
                let from = max(interval.start, start), to = min(interval.end, end)
                if to > from { total += to.timeIntervalSince(from) }
            }
            day = day.adding(days: 1)
        }
        return total
    }

    public func isOpen(at instant: Date) -> Bool {
        guard let interval = openInterval(on: localDate(of: instant)) else { return false }
        return instant >= interval.start && instant < interval.end
    }

    /// `instant` itself when open, else the next opening (`Date.distantFuture` if none).
    public func nextOpening(after instant: Date) -> Date { adding(minutes: 0, to: instant) }

    // MARK: Presets

    public static let copenhagen = TimeZone(identifier: "Europe/Copenhagen")!
    public static let mondayToFriday: Set<Int> = [2, 3, 4, 5, 6]

    /// Standard plan: Mon–Fri 09:00–17:00 Europe/Copenhagen, Danish holidays closed.
    public static func standard(holidays: DanishHolidays = DanishHolidays()) -> BusinessCalendar {
        BusinessCalendar(timeZone: copenhagen, weekdays: mondayToFriday, opensAt: 9 * 60, closesAt: 17 * 60,
            holidays: holidays)
    }

    /// Extended plan: Mon–Fri 08:00–22:00 Europe/Copenhagen, Danish holidays closed.
    public static func extended(holidays: DanishHolidays = DanishHolidays()) -> BusinessCalendar {
        BusinessCalendar(timeZone: copenhagen, weekdays: mondayToFriday, opensAt: 8 * 60, closesAt: 22 * 60,
            holidays: holidays)
    }
}
