import Foundation
import MIME

/// Text forms of instants in a calendar's zone, without DateFormatter (fixed tables, no locale data needed).
public enum BusinessTimeFormat {
    /// "Mon 2026-03-30 09:00 CEST (+02:00)".
    public static func stamp(_ instant: Date, in zone: TimeZone) -> String {
        let (date, minute) = local(instant, zone)
        let offset = zone.secondsFromGMT(for: instant)
        return "\(englishShort[date.weekday - 1]) \(date.iso) \(hhmm(minute)) "
            + "\(abbreviation(instant, zone)) (\(offsetText(offset)))"
    }

    /// ISO 8601 with the local offset: "2026-03-30T09:00:00+02:00".
    public static func iso(_ instant: Date, in zone: TimeZone) -> String {
        let (date, minute) = local(instant, zone)
        let seconds = Int((instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant)))
            .truncatingRemainder(dividingBy: 60).rounded(.down))
        let s = (seconds + 60) % 60
        return "\(date.iso)T\(hhmm(minute)):\(s < 10 ? "0" : "")\(s)\(offsetText(zone.secondsFromGMT(for: instant)))"
    }

    /// A deadline with weekday, as staff notices and the CLI show it; "da", "de", "nl", else English:
    /// da "mandag den 30. marts 2026 kl. 09:00", en "Monday 30 March 2026 at 09:00 CEST",
    /// de "Montag, 30. März 2026, 09:00 Uhr", nl "maandag 30 maart 2026 om 09:00".
    public static func deadline(_ instant: Date, in zone: TimeZone, language: String) -> String {
        let day = day(instant, in: zone, language: language), t = clock(instant, in: zone)
        switch language.lowercased().prefix(2) {
        case "da": return "\(day) kl. \(t)"
        case "de": return "\(day), \(t) Uhr"
        case "nl": return "\(day) om \(t)"
        default: return "\(day) at \(t) \(abbreviation(instant, zone))"
        }
    }

    /// The day of an instant as a sentence names it: da "torsdag den 3. december 2026", de "Mittwoch, 2. Dezember
    /// 2026", nl "dinsdag 1 december 2026", else English "Thursday 3 December 2026".
    public static func day(_ instant: Date, in zone: TimeZone, language: String) -> String {
        let (d, _) = local(instant, zone)
        let lang = String(language.lowercased().prefix(2))
        let key = weekdayNames[lang] == nil ? "en" : lang
        let weekday = weekdayNames[key]![d.weekday - 1], month = monthNames[key]![d.month - 1]
        switch key {
        case "da": return "\(weekday) den \(d.day). \(month) \(d.year)"
        case "de": return "\(weekday), \(d.day). \(month) \(d.year)"
        default: return "\(weekday) \(d.day) \(month) \(d.year)"
        }
    }

    /// "13:00": the local time of day, 24-hour clock (all four languages).
    public static func clock(_ instant: Date, in zone: TimeZone) -> String {
        hhmm(local(instant, zone).1)
    }

    /// "Mon 16 Nov 10:05": short, for the lines of a staff notice's history.
    public static func short(_ instant: Date, in zone: TimeZone) -> String {
        let (d, minute) = local(instant, zone)
        return "\(englishShort[d.weekday - 1]) \(d.day) \(monthNames["en"]![d.month - 1].prefix(3)) \(hhmm(minute))"
    }

    /// Opening hours as a customer reads them: da "mandag–fredag kl. 09:00–17:00", en "Monday–Friday
    /// 09:00–17:00", de "Montag–Freitag, 09:00–17:00 Uhr", nl "maandag–vrijdag 09:00–17:00 uur" (the open weekdays
    /// as a range when contiguous).
    public static func openingHours(_ calendar: BusinessCalendar, language: String) -> String {
        let lang = weekdayNames[String(language.lowercased().prefix(2))] != nil ? String(
            language.lowercased().prefix(2)) : "en"
        let names = weekdayNames[lang]!
        let order = [2, 3, 4, 5, 6, 7, 1].filter { calendar.weekdays.contains($0) } // Monday first
        let positions = order.map { $0 == 1 ? 6 : $0 - 2 }
        let days: String
        if order.isEmpty { days = "" }
        else if order.count > 2, positions.last! - positions.first! == order.count - 1 {
            days = "\(names[order.first! - 1])–\(names[order.last! - 1])"
        } else { days = order.map { names[$0 - 1] }.joined(separator: ", ") }
        let hours = "\(hhmm(calendar.opensAt))–\(hhmm(calendar.closesAt))"
        // A no-break space keeps "kl." and "Uhr" with the time when a mail is wrapped.
        switch lang {
        case "da": return "\(days) kl.\u{A0}\(hours)"
        case "de": return "\(days), \(hours)\u{A0}Uhr"
        case "nl": return "\(days) \(hours)\u{A0}uur"
        default: return "\(days) \(hours)"
        }
    }

    /// "2 h 15 min" style durations for staff notices.
    public static func duration(minutes: Int) -> String {
        let m = abs(minutes)
        if m < 60 { return "\(m) min" }
        return m % 60 == 0 ? "\(m / 60) h" : "\(m / 60) h \(m % 60) min"
    }

    // MARK: Helpers

    static func local(_ instant: Date, _ zone: TimeZone) -> (CivilDate, Int) {
        let local = instant.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: instant))
        let day = Int((local / 86400).rounded(.down))
        let minute = Int(((local - Double(day) * 86400) / 60).rounded(.down))
        return (CivilDate(dayNumber: day), minute)
    }

    static func hhmm(_ minute: Int) -> String {
        let h = minute / 60, m = minute % 60
        return "\(h < 10 ? "0" : "")\(h):\(m < 10 ? "0" : "")\(m)"
    }

    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+", a = abs(seconds) / 60
        return sign + hhmm(a)
    }

    /// "CET"/"CEST" for Central European zones (Foundation on Linux says "GMT+1"), else Foundation's name, else
    /// "+hh:mm".
    static func abbreviation(_ instant: Date, _ zone: TimeZone) -> String {
        let offset = zone.secondsFromGMT(for: instant), dst = zone.isDaylightSavingTime(for: instant)
        if offset == 3600 && !dst { return "CET" }
        if offset == 7200 && dst { return "CEST" }
        if let a = zone.abbreviation(for: instant), !a.hasPrefix("GMT+"), !a.hasPrefix("GMT-") { return a }
        return "UTC" + offsetText(offset)
    }

    static let englishShort = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let weekdayNames: [String: [String]] = [
        "en": ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
        "da": ["søndag", "mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag"],
        "de": ["Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"],
        "nl": ["zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"],
    ]
    static let monthNames: [String: [String]] = [
        "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December"],
        "da": ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
        "november", "december"],
        "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
        "November", "Dezember"],
        "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
        "november", "december"],
    ]
}
