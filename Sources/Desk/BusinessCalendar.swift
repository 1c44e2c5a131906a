import Foundation

/// Opening hours in one time zone, closed on holidays. All math in whole minutes, DST-correct.
public struct BusinessCalendar: Sendable {
    public var timeZone: TimeZone
    /// Weekdays open, `Calendar` numbering: 1 = Sunday … 7 = Saturday.
    public var weekdays: Set<Int>
    /// Minutes after local midnight.
    public var opensAt: Int
    public var closesAt: Int
    public var holidays: DanishHolidays

    public init(timeZone: TimeZone, weekdays: Set<Int>, opensAt: Int, closesAt: Int, holidays: DanishHolidays) {
        self.timeZone = timeZone
        self.weekdays = weekdays
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.holidays = holidays
    }

    /// The instant `minutes` business minutes after `start`. (First cut: wall-clock.)
    public func adding(minutes: Int, to start: Date) -> Date {
        start.addingTimeInterval(Double(minutes) * 60)
    }

    /// Business minutes between two instants (0 when `end` ≤ `start`). (First cut: wall-clock.)
    public func businessMinutes(from start: Date, to end: Date) -> Int {
        max(0, Int(end.timeIntervalSince(start) / 60))
    }

    public func isOpen(at instant: Date) -> Bool { true }
}
