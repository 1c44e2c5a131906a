/// The lines of a mail body as byte ranges, and each line normalized for comparison, in one buffer.
extension ReplyExtractor {
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

}
