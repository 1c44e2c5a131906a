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

    /// Every line lower-cased, trimmed (NBSP counts as a blank and inside becomes a space) and without the markdown
    /// bold stars at its start, in one buffer, on bytes. Lower-casing covers ASCII and Latin-1 letters (Ü, Ø, Å):
    /// the lines are only compared with the markers of ReplyMarkers, which are written in those.
    struct NormalizedLines {
        var buffer: [UInt8] = []
        var ranges: [Range<Int>] = []

        init(_ bytes: [UInt8], _ lines: [Range<Int>]) {
            ranges.reserveCapacity(lines.count)
            var out = [UInt8](repeating: 0, count: bytes.count)
            var used = 0
            bytes.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    func blank(_ x: UInt8) -> Bool { x == 0x20 || (x >= 0x09 && x <= 0x0D) }
                    func nonASCII(_ line: Range<Int>) {
                        var lo = line.lowerBound, hi = line.upperBound
                        while lo < hi {
                            if blank(b[lo]) { lo += 1 } else if b[lo] == 0xC2, lo + 1 < hi, b[lo + 1] == 0xA0 {
                                lo += 2
                            } else { break }
                        }
                        while hi > lo {
                            if blank(b[hi - 1]) { hi -= 1 } else if hi - lo >= 2, b[hi - 2] == 0xC2, b[hi - 1] == 0xA0 {
                                hi -= 2
                            } else { break }
                        }
                        while lo < hi, b[lo] == 0x2A { lo += 1 }   // "*"
                        var i = lo
                        while i < hi {
                            let x = b[i]
                            if x < 0x80 {
                                o[used] = x &+ (x &- 0x41 < 26 ? 0x20 : 0)
                            } else if x == 0xC2, i + 1 < hi, b[i + 1] == 0xA0 {
                                o[used] = 0x20   // NBSP
                                i += 1
                            } else if x == 0xC3, i + 1 < hi, b[i + 1] >= 0x80, b[i + 1] <= 0x9E, b[i + 1] != 0x97 {
                                o[used] = 0xC3   // À…Þ (not ×) → à…þ
                                used += 1
                                i += 1
                                o[used] = b[i] + 0x20
                            } else {
                                o[used] = x
                            }
                            used += 1
                            i += 1
                        }
                    }
                    for line in lines {
                        let start = used
                        // ASCII lines (nearly all) in one tight loop; a line that turns out to hold other bytes is
                        // done again by the careful one.
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
                        if high >= 0x80 { used = start; nonASCII(line) }
                        ranges.append(start..<used)
                    }
                }
            }
            out.removeSubrange(used...)
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
        func endsWithColon(_ i: Int) -> Bool {
            let r = ranges[i]
            return !r.isEmpty && buffer.withUnsafeBufferPointer { $0[r.upperBound - 1] } == 0x3A
        }
        func hasColon(_ i: Int, within n: Int) -> Bool {
            let r = ranges[i]
            return buffer.withUnsafeBufferPointer { b in
                var k = r.lowerBound
                let end = min(r.upperBound, r.lowerBound + n)
                while k < end { if b[k] == 0x3A { return true }; k += 1 }
                return false
            }
        }
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
