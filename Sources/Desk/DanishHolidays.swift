import Foundation
import MIME

/// Danish public holidays, computed per year (Easter-based ones by the anonymous Gregorian computus).
///
/// Always closed: Nytårsdag, Skærtorsdag, Langfredag, Påskedag, 2. påskedag, Store bededag (years before 2024 only;
/// abolished from 2024), Kristi himmelfartsdag, Pinsedag, 2. pinsedag, 1. and 2. juledag.
/// Closed by default but switchable: Grundlovsdag (5 Jun), Juleaftensdag (24 Dec), Nytårsaftensdag (31 Dec).
/// Plus any extra closure dates ("YYYY-MM-DD").
public struct DanishHolidays: Sendable, Equatable {
    public var grundlovsdag: Bool
    public var juleaftensdag: Bool
    public var nytaarsaftensdag: Bool
    /// Extra closure dates, "YYYY-MM-DD".
    public var extraClosures: Set<String>

    /// The first year without Store bededag (the law abolishing it took effect in 2024).
    public static let storeBededagAbolishedFrom = 2024

    public init(grundlovsdag: Bool = true, juleaftensdag: Bool = true, nytaarsaftensdag: Bool = true,
        extraClosures: Set<String> = []) {
        self.grundlovsdag = grundlovsdag
        self.juleaftensdag = juleaftensdag
        self.nytaarsaftensdag = nytaarsaftensdag
        self.extraClosures = Set(extraClosures.map { $0.trimmingCharacters(in: .whitespaces) })
    }

    /// Whether that local calendar date is closed (a public holiday, an enabled optional day, or an extra closure).
    /// Weekends are not this type's business: see `BusinessCalendar.weekdays`.
    public func isClosed(year: Int, month: Int, day: Int) -> Bool {
        if holidayName(year: year, month: month, day: day) != nil { return true }
        return !extraClosures.isEmpty && extraClosures.contains(CivilDate(year: year, month: month, day: day).iso)
    }

    /// The Danish name of the holiday on that date, if it is one (extra closures excluded).
    public func holidayName(year: Int, month: Int, day: Int) -> String? {
        switch (month, day) {
        case (1, 1): return "Nytårsdag"
        // Not a plain `return nil` when switched off: Whit Monday falls on 5 June in some years (2028).
        case (6, 5) where grundlovsdag: return "Grundlovsdag"
        case (12, 24): return juleaftensdag ? "Juleaftensdag" : nil
        case (12, 25): return "1. juledag"
        case (12, 26): return "2. juledag"
        case (12, 31): return nytaarsaftensdag ? "Nytårsaftensdag" : nil
        default: break
        }
        guard (3...6).contains(month) else { return nil }
        let offset = CivilDate(year: year, month: month, day: day).dayNumber - DanishHolidays.easterSunday(
            year).dayNumber
        switch offset {
        case -3: return "Skærtorsdag"
        case -2: return "Langfredag"
        case 0: return "Påskedag"
        case 1: return "2. påskedag"
        case 26: return year < DanishHolidays.storeBededagAbolishedFrom ? "Store bededag" : nil
        case 39: return "Kristi himmelfartsdag"
        case 49: return "Pinsedag"
        case 50: return "2. pinsedag"
        default: return nil
        }
    }

    /// The named holidays of a year, ("YYYY-MM-DD", Danish name), in date order; extra closures of that year
    /// are listed as "Ekstra lukkedag".
    public func holidays(in year: Int) -> [(date: String, name: String)] {
        var days: [(CivilDate, String)] = []
        func add(_ d: CivilDate, _ name: String) { days.append((d, name)) }
        let easter = DanishHolidays.easterSunday(year)
        add(CivilDate(year: year, month: 1, day: 1), "Nytårsdag")
        add(easter.adding(days: -3), "Skærtorsdag")
        add(easter.adding(days: -2), "Langfredag")
        add(easter, "Påskedag")
        add(easter.adding(days: 1), "2. påskedag")
        if year < DanishHolidays.storeBededagAbolishedFrom { add(easter.adding(days: 26), "Store bededag") }
        add(easter.adding(days: 39), "Kristi himmelfartsdag")
        add(easter.adding(days: 49), "Pinsedag")
        add(easter.adding(days: 50), "2. pinsedag")
        if grundlovsdag { add(CivilDate(year: year, month: 6, day: 5), "Grundlovsdag") }
        if juleaftensdag { add(CivilDate(year: year, month: 12, day: 24), "Juleaftensdag") }
        add(CivilDate(year: year, month: 12, day: 25), "1. juledag")
        add(CivilDate(year: year, month: 12, day: 26), "2. juledag")
        if nytaarsaftensdag { add(CivilDate(year: year, month: 12, day: 31), "Nytårsaftensdag") }
        let named = Set(days.map { $0.0.iso })
        for text in extraClosures {
            if let d = CivilDate(iso: text), d.year == year, !named.contains(d.iso) { add(d, "Ekstra lukkedag") }
        }
        return days.sorted { $0.0.dayNumber < $1.0.dayNumber }.map { (date: $0.0.iso, name: $0.1) }
    }

    /// Easter Sunday of a Gregorian year (anonymous Gregorian / Meeus–Jones–Butcher algorithm).
    public static func easterSunday(_ y: Int) -> CivilDate {
        let a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = (a + 11 * h + 22 * l) / 451
        let n = h + l - 7 * m + 114
        return CivilDate(year: y, month: n / 31, day: n % 31 + 1)
    }
}
