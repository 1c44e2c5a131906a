/// The new text of a reply, without quoted history and signature, for the conventions of English, Danish,
/// German and Dutch mail clients (Outlook, Gmail, Apple Mail, Thunderbird, phones).
public enum ReplyExtractor {
    /// Separator lines such as `-----Original Message-----` (compared lower-cased, dashes/blanks trimmed).
    static let separators: [String] = [
        "original message", "oprindelig meddelelse", "ursprüngliche nachricht", "oorspronkelijk bericht",
        "original meddelelse", "originalnachricht", "ursprungliche nachricht", "oorspronkelijke bericht",
        "original-nachricht", "originalmeddelelse", "forwarded message", "videresendt meddelelse",
        "weitergeleitete nachricht", "doorgestuurd bericht",
    ]
    /// First line of an Outlook header block.
    static let fromLabels = ["from:", "fra:", "von:", "van:", "afsender:", "absender:"]
    /// Lines that follow it within a few lines.
    static let sentLabels = ["sent:", "sendt:", "gesendet:", "verzonden:", "date:", "dato:", "datum:", "to:", "til:", "an:", "aan:",
                             "subject:", "emne:", "betreff:", "onderwerp:"]
    /// `On … wrote:` and its siblings: (lead word, verb).
    static let attributions: [(String, String)] = [
        ("on ", "wrote"), ("den ", "skrev"), ("d. ", "skrev"), ("am ", "schrieb"), ("op ", "schreef"),
    ]
    static let verbs = ["wrote:", "skrev:", "schrieb:", "schreef:", "writes:", "skriver:", "schreibt:", "schrijft:"]
    static let deviceSignatures = [
        "sent from my ", "sendt fra min ", "sendt fra mit ", "von meinem ", "gesendet von meinem ", "verzonden vanaf mijn ",
        "verstuurd vanaf mijn ", "get outlook for ", "hent outlook til ", "outlook für ", "download outlook voor ",
    ]

    /// Lines split at LF, CRLF or CR, scanning bytes (grapheme-wise splitting was a tenth of intake time).
    static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var i = start
        while i != utf8.endIndex {
            let b = utf8[i]
            if b == 10 || b == 13 {
                lines.append(String(text[start..<i]))
                var next = utf8.index(after: i)
                if b == 13, next != utf8.endIndex, utf8[next] == 10 { next = utf8.index(after: next) }
                start = next
                i = next
            } else {
                i = utf8.index(after: i)
            }
        }
        lines.append(String(text[start..<utf8.endIndex]))
        return lines
    }

    public static func newText(_ body: String) -> String {
        let lines = splitLines(body)
        let cut = cutIndex(lines)
        var kept: [String] = []
        for line in lines[..<cut] {
            let t = normalized(line)
            if t.hasPrefix(">") { continue }
            kept.append(line)
        }
        // Drop a trailing quote attribution that was left without its quote.
        return kept.joined(separator: "\n").trimmingBlanks()
    }

    /// Lower-cased, trimmed, NBSP → space, markdown bold stars removed at the start.
    static func normalized(_ line: String) -> String {
        // Foundation's replacingOccurrences is slow on Linux; most lines have no NBSP at all.
        var s = (line.unicodeScalars.contains("\u{00A0}")
            ? String(String.UnicodeScalarView(line.unicodeScalars.map { $0 == "\u{00A0}" ? " " : $0 }))
            : line).trimmingBlanks()
        while s.hasPrefix("*") { s.removeFirst() }
        return s.lowercased()
    }

    /// Index of the first line that belongs to the quoted history or the signature.
    static func cutIndex(_ lines: [String]) -> Int {
        let norm = lines.map(normalized)
        for (i, t) in norm.enumerated() {
            let raw = lines[i]
            // Signature delimiter "-- " (also "--" after trailing-blank stripping).
            if raw == "-- " || raw == "--" || raw == "-- \r" { return i }
            if t.isEmpty { continue }
            // -----Original Message----- and friends.
            if t.hasPrefix("--") || t.hasPrefix("__") || t.hasPrefix("==") {
                let core = t.trimming(chars: "-_= ")
                if separators.contains(where: { core.hasPrefix($0) }) { return i }
                // Outlook's underscore rule right before a header block.
                if core.isEmpty, t.hasPrefix("__"), i + 1 < norm.count, isHeaderBlock(norm, i + 1) { return i }
                continue
            }
            if isHeaderBlock(norm, i) { return i }
            if isAttribution(norm, i) { return i }
            if t.hasPrefix(">"), i + 1 < norm.count {
                // A quoted block that starts the history: everything below is quote or interleaved reply; keep going.
                continue
            }
            if deviceSignatures.contains(where: { t.hasPrefix($0) }) && t.count < 80 { return i }
        }
        return lines.count
    }

    /// `From: …` followed within four lines by `Sent: …` (or Date/To/Subject in the client's language).
    static func isHeaderBlock(_ norm: [String], _ i: Int) -> Bool {
        guard fromLabels.contains(where: { norm[i].hasPrefix($0) }) else { return false }
        var hits = 0
        for j in (i + 1)..<min(norm.count, i + 6) {
            if sentLabels.contains(where: { norm[j].hasPrefix($0) }) { hits += 1 }
        }
        return hits >= 1 && (hits >= 2 || norm[(i + 1)..<min(norm.count, i + 6)].contains { l in
            ["sent:", "sendt:", "gesendet:", "verzonden:", "date:", "dato:", "datum:"].contains { l.hasPrefix($0) }
        })
    }

    /// `On … wrote:` (possibly wrapped over up to three lines), `Den … skrev:`, `Am … schrieb …:`, `Op … schreef …:`,
    /// or any short line ending in such a verb and followed by a `>` quote.
    static func isAttribution(_ norm: [String], _ i: Int) -> Bool {
        var joined = ""
        for j in i..<min(norm.count, i + 3) {
            if norm[j].isEmpty { break }
            joined += (joined.isEmpty ? "" : " ") + norm[j]
            guard joined.hasSuffix(":") else { continue }
            for (lead, verb) in attributions where joined.hasPrefix(lead) && joined.contains(verb) {
                return true
            }
            if verbs.contains(where: { joined.hasSuffix($0) }) && joined.count < 200 {
                var k = j + 1
                while k < norm.count, norm[k].isEmpty { k += 1 }
                if k < norm.count, norm[k].hasPrefix(">") { return true }
                if k >= norm.count { return true }
            }
        }
        return false
    }
}

extension String {
    func trimming(chars set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
