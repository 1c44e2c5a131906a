import Foundation

/// RFC 5322 (and obsolete RFC 822) dates, hand-written: `[Day,] d Mon yyyy hh:mm[:ss] zone [(comment)]`.
public enum RFC5322Date {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    public static func parse(_ text: String) -> Date? {
        // Tokens: words and numbers; ',' and comments dropped.
        var tokens: [String] = []
        var cur = ""
        var depth = 0
        for ch in text {
            if ch == "(" { depth += 1; if !cur.isEmpty { tokens.append(cur); cur = "" }; continue }
            if ch == ")" { depth = max(0, depth - 1); continue }
            if depth > 0 { continue }
            if ch == " " || ch == "\t" || ch == "," || ch == "\r" || ch == "\n" {
                if !cur.isEmpty { tokens.append(cur); cur = "" }
            } else {
                cur.append(ch)
            }
        }
        if !cur.isEmpty { tokens.append(cur) }
        var day: Int?, month: Int?, year: Int?, hour = 0, minute = 0, second = 0
        var offset: Int? = nil
        var sawTime = false
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            let lower = t.lowercased()
            i += 1
            if t.contains(":"), !sawTime {
                let parts = t.split(separator: ":", omittingEmptySubsequences: false)
                guard parts.count >= 2, let h = Int(parts[0]), let m = Int(parts[1]) else { continue }
                hour = h; minute = m
                if parts.count >= 3 { second = Int(parts[2].prefix(2)) ?? 0 }
                sawTime = true
                continue
            }
            if month == nil, lower.count >= 3, let m = months.firstIndex(of: String(lower.prefix(3))),
                lower.allSatisfy({ $0.isLetter || $0 == "." }) {
                month = m + 1
                continue
            }
            if let v = Int(t), t.allSatisfy({ $0.isNumber }) {
                if day == nil, t.count <= 2, month == nil || year == nil { day = v; continue }
                if year == nil {
                    year = t.count <= 2 ? (v < 50 ? 2000 + v : 1900 + v) : (t.count == 3 ? 1900 + v : v)
                    continue
                }
                continue
            }
            if sawTime, offset == nil {
                if (t.hasPrefix("+") || t.hasPrefix("-")), t.count >= 5, let v = Int(t.dropFirst().prefix(4)) {
                    let sign = t.hasPrefix("-") ? -1 : 1
                    offset = sign * ((v / 100) * 3600 + (v % 100) * 60)
                    continue
                }
                let zones: [String: Int] = ["ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6,
                    "cdt": -5,
                                            "mst": -7, "mdt": -6, "pst": -8, "pdt": -7, "cet": 1, "cest": 2, "bst": 1]
                if let z = zones[lower] { offset = z * 3600; continue }
            }
        }
        guard let d = day, let m = month, let y = year, (1...31).contains(d), (0...23).contains(hour),
              (0...59).contains(minute), (0...60).contains(second), y >= 1000, y < 10000 else { return nil }
        let days = CivilDate(year: y, month: m, day: d).dayNumber
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - (offset ?? 0)
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
