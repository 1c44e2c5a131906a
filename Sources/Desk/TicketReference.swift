import Foundation
import MIME

/// `PD-2026-000123`: configurable prefix, year of opening, a sequence that is never reused.
public struct TicketReference: Hashable, Sendable, CustomStringConvertible {
    public var prefix: String
    public var year: Int
    public var number: Int

    public init(prefix: String, year: Int, number: Int) {
        self.prefix = prefix
        self.year = year
        self.number = number
    }

    /// Built by hand: it is formatted several times per mail, and `String(format:)` is slow on Linux.
    public var description: String { "\(prefix)-\(String(year).leftPadded(to: 4))-\(String(number).leftPadded(to: 6))" }

    /// As shown in subjects.
    public var tag: String { "[\(description)]" }

    /// Parses `PD-2026-000123` exactly.
    public init?(_ text: String, prefix: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].caseInsensitiveCompare(prefix) == .orderedSame,
              parts[1].count == 4, let year = Int(parts[1]), parts[2].count >= 6, let number = Int(parts[2]),
              parts[2].allSatisfy(\.isASCII)
        else { return nil }
        self.init(prefix: prefix, year: year, number: number)
    }

    /// Every `[PREFIX-YYYY-NNNNNN]` tag in a subject, in order.
    public static func all(in subject: String, prefix: String) -> [TicketReference] {
        var found: [TicketReference] = []
        var rest = Substring(subject)
        while let open = rest.firstIndex(of: "[") {
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "]") else { break }
            if let ref = TicketReference(String(rest[afterOpen..<close]).trimmingCharacters(in: .whitespaces),
                prefix: prefix) {
                found.append(ref)
            }
            rest = rest[afterOpen...]
        }
        return found
    }
}

/// Subject handling for display and outgoing mail.
public enum SubjectLine {
    /// Reply/forward prefixes of English, Danish, German and Dutch clients.
    static let prefixes = ["re", "fwd", "fw", "sv", "vs", "aw", "wg", "antw", "doorst", "tr", "vl"]

    /// Removes leading `Re:`, `SV:`, `AW: `, `Fwd[2]:` … and any `[PREFIX-…]` tag; the customer's text is cleaned of
    /// controls and cut to 250 characters first, since it reaches staff notices, escalations and our subjects.
    public static func clean(_ subject: String, prefix: String) -> String {
        let subject = CustomerText.line(subject, limit: 250)
        // ASCII with neither ':' nor '[' has no prefix or tag to strip: only blanks are tidied (most subjects).
        if subject.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x3A && $0 != 0x5B }) {
            let words = subject.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
            return words.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
        }
        var s = Substring(subject.trimmingCharacters(in: .whitespaces))
        var changed = true
        while changed {
            changed = false
            s = s.drop { $0 == " " || $0 == "\t" }
            if s.hasPrefix("["), let close = s.firstIndex(of: "]"),
               TicketReference(String(s[s.index(after: s.startIndex)..<close]), prefix: prefix) != nil {
                s = s[s.index(after: close)...]
                changed = true
                continue
            }
            guard let colon = s.firstIndex(of: ":") else { break }
            var word = s[..<colon].lowercased().trimmingCharacters(in: .whitespaces)
            if let bracket = word.firstIndex(of: "[") { word = String(word[..<bracket]) }   // Re[2]:
            if prefixes.contains(word) {
                s = s[s.index(after: colon)...]
                changed = true
            }
        }
        // A tag elsewhere in the subject is ours too, not the customer's words.
        var out = String(s)
        for ref in TicketReference.all(in: out, prefix: prefix) {
            out = out.replacingOccurrences(of: ref.tag, with: "")
        }
        return out.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// `[PD-2026-000123] subject`, the form every outgoing mail of a ticket carries.
    public static func tagged(_ subject: String, reference: TicketReference) -> String {
        let cleaned = clean(subject, prefix: reference.prefix)
        return cleaned.isEmpty ? reference.tag : "\(reference.tag) \(cleaned)"
    }
}
