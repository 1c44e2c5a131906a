import Foundation

/// Deadlines as people read them: weekday, date and time in the plan's zone, in the mail's language.
public enum LocalTime {
    static let locales = ["da": "da_DK", "en": "en_GB", "de": "de_DE", "nl": "nl_NL"]
    static let patterns = [
        "da": "EEEE 'den' d. MMMM yyyy 'kl.' HH:mm",
        "en": "EEEE d MMMM yyyy 'at' HH:mm",
        "de": "EEEE, d. MMMM yyyy 'um' HH:mm 'Uhr'",
        "nl": "EEEE d MMMM yyyy 'om' HH:mm",
    ]

    public static func format(_ date: Date, in zone: TimeZone, language: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: locales[language] ?? "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = patterns[language] ?? patterns["en"]!
        return formatter.string(from: date) + " (\(zone.abbreviation(for: date) ?? zone.identifier))"
    }

    /// ISO 8601 with the zone's offset, e.g. 2026-03-30T09:00:00+02:00.
    public static func iso(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// "2 h 15 min" style durations for staff notices.
    public static func duration(minutes: Int) -> String {
        let m = abs(minutes)
        if m < 60 { return "\(m) min" }
        return m % 60 == 0 ? "\(m / 60) h" : "\(m / 60) h \(m % 60) min"
    }
}
