import Foundation
import MIME

/// When the CSMs' monthly reports go out: at the start of the first working day of each month, about the month
/// before. The working days are the desk's: the plan that opens earliest (its weekdays, the Danish holidays and
/// closures), in the desk's zone. Pure: the clock is passed in.
public enum MonthlySchedule {
    /// The month the reports are due for at `now` ("2026-11" from the first working day of December on), with its
    /// first and last-plus-one instants; nil before the first working day of the month has started.
    public static func due(at now: Date, calendar: BusinessCalendar) -> (label: String, from: Date, to: Date)? {
        let today = calendar.localDate(of: now)
        guard now >= start(year: today.year, month: today.month, calendar: calendar) else { return nil }
        let first = CivilDate(year: today.year, month: today.month, day: 1)
        let previous = first.adding(days: -1)
        return (String(format: "%04d-%02d", previous.year, previous.month),
                calendar.instant(of: CivilDate(year: previous.year, month: previous.month, day: 1), minute: 0),
                calendar.instant(of: first, minute: 0))
    }

    /// The opening instant of the month's first working day (a month has one within its first 15 days).
    public static func start(year: Int, month: Int, calendar: BusinessCalendar) -> Date {
        var day = CivilDate(year: year, month: month, day: 1)
        for _ in 0..<31 where !calendar.isWorkingDay(day) { day = day.adding(days: 1) }
        return calendar.instant(of: day, minute: calendar.opensAt)
    }
}

extension Policy {
    /// The desk's working days for things that are not about one customer (the monthly report): the plan that
    /// opens earliest (by name on a tie), in the desk's zone.
    public var deskCalendar: BusinessCalendar {
        let plan = plans.values.min { ($0.calendar.opensAt, $0.name) < ($1.calendar.opensAt, $1.name) }
        var calendar = plan?.calendar ?? .standard()
        calendar.timeZone = timeZone
        return calendar
    }
}
