import Foundation
import MIME

/// An ISO 8601 week ("2026-W49"): Monday to Sunday, week 1 holds the year's first Thursday. The on-call rota
/// changes hands at Monday 00:00 in the desk's zone, so the week of an instant is read on the local calendar date.
public struct ISOWeek: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Weeks since the one of Monday 29 December 1969: consecutive weeks are consecutive numbers.
    public var index: Int

    public init(index: Int) { self.index = index }

    /// The week of a local calendar date.
    public init(_ date: CivilDate) {
        // Day 0 (1970-01-01) is a Thursday, so Mondays are the days ≡ 4 (mod 7), and day −3 starts week 0.
        index = Int((Double(date.dayNumber + 3) / 7).rounded(.down))
    }

    /// The week of an instant in `zone` (its local date there).
    public init(_ instant: Date, in zone: TimeZone) {
        let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        self.init(CivilDate(dayNumber: Int((local / 86400).rounded(.down))))
    }

    /// "2026-W49"; nil when that year has no such week (only some years have a week 53).
    public init?(_ text: String) {
        let parts = text.uppercased().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), parts[1].count == 3,
              parts[1].hasPrefix("W"), parts[1].dropFirst().allSatisfy(\.isNumber),
              let week = Int(parts[1].dropFirst()),
              (1...53).contains(week), (1971...9998).contains(year) else { return nil }
        let first = ISOWeek(CivilDate(year: year, month: 1, day: 4))
        let candidate = ISOWeek(index: first.index + week - 1)
        guard candidate.year == year else { return nil }
        self = candidate
    }

    /// The Monday the week starts.
    public var monday: CivilDate { CivilDate(dayNumber: index * 7 - 3) }

    /// The ISO year: the year of the week's Thursday.
    public var year: Int { monday.adding(days: 3).year }

    /// 1…53.
    public var number: Int { index - ISOWeek(CivilDate(year: year, month: 1, day: 4)).index + 1 }

    public var description: String { "\(year)-W" + (number < 10 ? "0" : "") + "\(number)" }

    public static func < (a: ISOWeek, b: ISOWeek) -> Bool { a.index < b.index }
}
