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

    /// Byte ranges of the lines of `bytes`, split at LF, CRLF or CR.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        lines.reserveCapacity(bytes.count / 32 + 1)
        bytes.withUnsafeBufferPointer { p in   // every byte of every body passes here: no bounds checks
            var start = 0, i = 0
            let n = p.count
            while i < n {
                let b = p[i]
                if b > 13 || (b != 10 && b != 13) { i += 1; continue }
                lines.append(start..<i)
                i += b == 13 && i + 1 < n && p[i + 1] == 10 ? 2 : 1
                start = i
            }
            lines.append(start..<n)
        }
        return lines
    }

    /// Works on UTF-8 bytes: every line of every mail passes here, and per-line Strings were most of its cost.
    public static func newText(_ body: String) -> String {
        let bytes = Array(body.utf8)
        let lines = lineRanges(bytes)
        let norm = NormalizedLines(bytes, lines)
        let cut = cutIndex(bytes, lines, norm)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var first = true
        for i in 0..<cut where norm.first(i) != 0x3E {   // ">"
            if !first { out.append(10) }
            first = false
            out.append(contentsOf: bytes[lines[i]])
        }
        return String(decoding: out, as: UTF8.self).trimmingBlanks()
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

    /// Every line `normalized`, in one buffer: ASCII lines on bytes, others through `normalized`.
    struct NormalizedLines {
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []

        init(_ bytes: [UInt8], _ lines: [Range<Int>]) {
            ranges.reserveCapacity(lines.count)
            var out = [UInt8](repeating: 0, count: bytes.count)
            var used = 0
            var others: [(line: Int, text: [UInt8])] = []   // non-ASCII lines, normalized by the String path
            bytes.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    for line in lines {
                        let start = used
                        // ASCII lines (nearly all) are trimmed and lower-cased here, byte by byte; a line that turns
                        // out to hold other bytes is undone and takes the String path.
                        func blank(_ x: UInt8) -> Bool { x == 0x20 || (x >= 0x09 && x <= 0x0D) }
                        var lo = line.lowerBound, hi = line.upperBound
                        while lo < hi, blank(b[lo]) { lo += 1 }
                        while hi > lo, blank(b[hi - 1]) { hi -= 1 }
                        while lo < hi, b[lo] == 0x2A { lo += 1 }   // "*"
                        var high: UInt8 = 0
                        var i = lo
                        while i < hi {
                            let x = b[i]
                            high |= x
                            o[used] = x &+ (x &- 0x41 < 26 ? 0x20 : 0)
                            used += 1
                            i += 1
                        }
                        if high >= 0x80 {   // (what was trimmed off is ASCII: blanks and "*")
                            used = start
                            others.append((ranges.count, Array(normalized(String(decoding: UnsafeBufferPointer(rebasing: b[line]), as: UTF8.self)).utf8)))
                        }
                        ranges.append(start..<used)
                    }
                }
            }
            out.removeSubrange(used...)
            // Non-ASCII lines (rare) go at the end of the buffer; lower-casing can change their length.
            for (line, text) in others {
                ranges[line] = out.count..<(out.count + text.count)
                out += text
            }
            buffer = out
        }

        var count: Int { ranges.count }
        func isEmpty(_ i: Int) -> Bool { ranges[i].isEmpty }
        subscript(i: Int) -> ArraySlice<UInt8> { buffer[ranges[i]] }
        func string(_ i: Int) -> String { String(decoding: self[i], as: UTF8.self) }
        func first(_ i: Int) -> UInt8? { ranges[i].isEmpty ? nil : buffer[ranges[i].lowerBound] }
        func hasPrefix(_ i: Int, _ prefix: Prefix) -> Bool {
            let r = ranges[i]
            guard r.count >= prefix.bytes.count else { return false }
            return buffer.withUnsafeBufferPointer { b in
                var k = 0
                while k < prefix.bytes.count, b[r.lowerBound + k] == prefix.bytes[k] { k += 1 }
                return k == prefix.bytes.count
            }
        }
        func hasPrefix(_ i: Int, anyOf prefixes: Prefixes) -> Bool {
            guard let first = first(i), prefixes.mayStart(with: first) else { return false }
            return prefixes.list.contains { hasPrefix(i, $0) }
        }
        func endsWithColon(_ i: Int) -> Bool { self[i].last == 0x3A }
    }

    /// A line start to look for, as bytes.
    struct Prefix {
        let bytes: [UInt8]
        init(_ text: String) { bytes = Array(text.utf8) }
    }

    /// Line starts to look for, with their first bytes for a quick no.
    struct Prefixes {
        let list: [Prefix]
        /// Indexed by a line's first byte: asked for every line several times, so no hashing.
        private let firstBytes: [Bool]
        init(_ texts: [String]) {
            list = texts.map(Prefix.init)
            var table = [Bool](repeating: false, count: 256)
            for b in list.compactMap(\.bytes.first) { table[Int(b)] = true }
            firstBytes = table
        }
        func mayStart(with b: UInt8) -> Bool { firstBytes[Int(b)] }
    }

    static let separatorStarts = Prefixes(["--", "__", "=="])
    static let underscores = Prefix("__")
    static let fromStarts = Prefixes(fromLabels)
    static let sentStarts = Prefixes(sentLabels)
    static let dateStarts = Prefixes(["sent:", "sendt:", "gesendet:", "verzonden:", "date:", "dato:", "datum:"])
    static let deviceStarts = Prefixes(deviceSignatures)

    /// Index of the first line that belongs to the quoted history or the signature.
    static func cutIndex(_ bytes: [UInt8], _ lines: [Range<Int>], _ norm: NormalizedLines) -> Int {
        for i in 0..<norm.count {
            let raw = bytes[lines[i]]
            // Signature delimiter "-- " (also "--" after trailing-blank stripping).
            if raw.count <= 4, raw.elementsEqual("-- ".utf8) || raw.elementsEqual("--".utf8) || raw.elementsEqual("-- \r".utf8) { return i }
            if norm.isEmpty(i) { continue }
            // -----Original Message----- and friends.
            if norm.hasPrefix(i, anyOf: separatorStarts) {
                let core = norm.string(i).trimming(chars: "-_= ")
                if separators.contains(where: { core.hasPrefix($0) }) { return i }
                // Outlook's underscore rule right before a header block.
                if core.isEmpty, norm.hasPrefix(i, underscores), i + 1 < norm.count, isHeaderBlock(norm, i + 1) { return i }
                continue
            }
            if isHeaderBlock(norm, i) { return i }
            if isAttribution(norm, i) { return i }
            if norm.first(i) == 0x3E, i + 1 < norm.count {
                // A quoted block that starts the history: everything below is quote or interleaved reply; keep going.
                continue
            }
            if norm.hasPrefix(i, anyOf: deviceStarts) && norm.string(i).count < 80 { return i }
        }
        return norm.count
    }

    /// `From: …` followed within four lines by `Sent: …` (or Date/To/Subject in the client's language).
    static func isHeaderBlock(_ norm: NormalizedLines, _ i: Int) -> Bool {
        guard norm.hasPrefix(i, anyOf: fromStarts) else { return false }
        let next = (i + 1)..<min(norm.count, i + 6)
        let hits = next.filter { norm.hasPrefix($0, anyOf: sentStarts) }.count
        return hits >= 1 && (hits >= 2 || next.contains { norm.hasPrefix($0, anyOf: dateStarts) })
    }

    /// `On … wrote:` (possibly wrapped over up to three lines), `Den … skrev:`, `Am … schrieb …:`, `Op … schreef …:`,
    /// or any short line ending in such a verb and followed by a `>` quote.
    static func isAttribution(_ norm: NormalizedLines, _ i: Int) -> Bool {
        // Every attribution ends in ":" within its three lines; most lines are not followed by one.
        guard (i..<min(norm.count, i + 3)).contains(where: norm.endsWithColon) else { return false }
        var joined = ""
        for j in i..<min(norm.count, i + 3) {
            if norm.isEmpty(j) { break }
            joined += (joined.isEmpty ? "" : " ") + norm.string(j)
            guard joined.hasSuffix(":") else { continue }
            for (lead, verb) in attributions where joined.hasPrefix(lead) && joined.contains(verb) {
                return true
            }
            if verbs.contains(where: { joined.hasSuffix($0) }) && joined.count < 200 {
                var k = j + 1
                while k < norm.count, norm.isEmpty(k) { k += 1 }
                if k < norm.count, norm.first(k) == 0x3E { return true }
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
