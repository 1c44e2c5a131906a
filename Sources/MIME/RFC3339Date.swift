import Foundation

/// RFC 3339 instants (`2026-03-27T21:00:00+01:00`, `…Z`, fractions allowed) and `YYYY-MM` months, read strictly:
/// a date that does not exist, trailing text, an offset beyond ±23:59 or a year outside 1970…9999 is no instant
/// (Foundation's ISO 8601 formatter rolls 30 February over into March and accepts two-digit years).
public enum RFC3339Date {
    /// The years accepted: after the Unix epoch, and four digits.
    public static let years = 1970...9999

    public static func parse(_ text: String) -> Date? {
        var s = Scanner(Array(text.utf8))
        guard let date = s.date(), s.take("T") || s.take("t"),
              let hour = s.digits(2), s.take(":"), let minute = s.digits(2), s.take(":"), let second = s.digits(2),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        var fraction = 0.0
        if s.take(".") {
            var scale = 0.1, any = false
            while let d = s.digits(1) { fraction += Double(d) * scale; scale /= 10; any = true }
            guard any else { return nil }
        }
        let offset: Int
        if s.take("Z") || s.take("z") {
            offset = 0
        } else {
            let sign = s.take("+") ? 1 : s.take("-") ? -1 : 0
            guard sign != 0, let h = s.digits(2), s.take(":"), let m = s.digits(2), h <= 23, m <= 59 else { return nil }
            offset = sign * (h * 3600 + m * 60)
        }
        // 23:59:60 (a leap second) counts as the next day's 00:00:00, which is what the arithmetic gives.
        guard s.atEnd, second < 60 || (hour == 23 && minute == 59) else { return nil }
        let seconds = date.dayNumber * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: TimeInterval(seconds) + fraction)
    }

    /// `2026-12-02T08:00:00Z`: the instant in UTC, whole seconds (rounded down), as `ISO8601DateFormatter` gives it
    /// for the years mail dates take, without loading ICU's calendar (millions of instructions at start-up).
    public static func utc(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let inDay = seconds - days * 86400
        let day = CivilDate(dayNumber: days)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : String(n) }
        let year = String(day.year)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + two(day.month) + "-"
            + two(day.day) + "T" + two(inDay / 3600) + ":" + two(inDay / 60 % 60) + ":" + two(inDay % 60) + "Z"
    }

    /// "2026-11" → 2026-11-01.
    public static func month(_ text: String) -> CivilDate? {
        var s = Scanner(Array(text.utf8))
        guard let year = s.digits(4), s.take("-"), let month = s.digits(2), s.atEnd,
              years.contains(year), (1...12).contains(month) else { return nil }
        return CivilDate(year: year, month: month, day: 1)
    }

    private struct Scanner {
        let bytes: [UInt8]
        var at = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { at == bytes.count }

        mutating func take(_ c: Unicode.Scalar) -> Bool {
            guard at < bytes.count, bytes[at] == UInt8(ascii: c) else { return false }
            at += 1
            return true
        }

        /// Exactly `count` ASCII digits.
        mutating func digits(_ count: Int) -> Int? {
            guard at + count <= bytes.count else { return nil }
            var n = 0
            for b in bytes[at..<at + count] {
                guard (0x30...0x39).contains(b) else { return nil }
                n = n * 10 + Int(b - 0x30)
            }
            at += count
            return n
        }

        /// `YYYY-MM-DD`, a real date in `years`.
        mutating func date() -> CivilDate? {
            guard let y = digits(4), take("-"), let m = digits(2), take("-"), let d = digits(2),
                  years.contains(y) else { return nil }
            return CivilDate(checkedYear: y, month: m, day: d)
        }
    }
}
