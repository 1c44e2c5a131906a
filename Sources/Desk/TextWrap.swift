/// Plain-text wrapping for the mails we write: RFC 3676 suggests at most 78 characters, and 72 leaves room for the
/// "> " of a reply. Lines break only at spaces, so a URL, a reference or a command is never split; a word longer
/// than the width gets a line of its own.
///
/// It works on UTF-8 bytes and counts scalars (lead bytes): splitting by characters and appending substrings made
/// wrapping cost more than the rest of deciding a mail. A scalar count is never below the character count, so no
/// line comes out too long.
public enum TextWrap {
    public static let width = 72

    /// Each line of `text` wrapped to `width` characters. A continuation keeps the line's indent; in a "Label:  value"
    /// line and a list item ("1. ", "- ") it lines up under the value. Quoted lines ("> ") are left as they are.
    public static func wrap(_ text: String, width: Int = TextWrap.width) -> String {
        var contiguous = text
        let wrapped = contiguous.withUTF8 { bytes -> String? in
            var longest = 0, run = 0
            for b in bytes {
                if b == newline { longest = max(longest, run); run = 0 } else { run += 1 }
            }
            guard max(longest, run) > width else { return nil }   // nothing to do: the text as it is
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 32)
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, bytes[end] != newline { end += 1 }
                appendLine(bytes, start, end, width: width, to: &out)
                if end < bytes.count { out.append(newline) }
                start = end + 1
            }
            return String(decoding: out, as: UTF8.self)
        }
        return wrapped ?? text
    }

    static let newline: UInt8 = 10, space: UInt8 = 32, quote: UInt8 = 62

    static func scalars(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var n = 0
        for i in start..<end where bytes[i] & 0xC0 != 0x80 { n += 1 }
        return n
    }

    static func appendLine(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, width: Int,
                           to out: inout [UInt8]) {
        guard end - start > width, bytes[start] != quote, scalars(bytes, start, end) > width else {
            out.append(contentsOf: bytes[start..<end])
            return
        }
        let headEnd = hangingIndentEnd(bytes, start, end)
        out.append(contentsOf: bytes[start..<headEnd])
        let indent = scalars(bytes, start, headEnd)
        var column = indent
        var onLine = 0   // words on the current line
        var i = headEnd
        while i < end {
            guard bytes[i] != space else { i += 1; continue }
            var j = i
            while j < end, bytes[j] != space { j += 1 }
            let w = scalars(bytes, i, j)
            if onLine > 0, column + 1 + w > width {
                out.append(newline)
                out.append(contentsOf: repeatElement(space, count: indent))
                column = indent
                onLine = 0
            }
            if onLine > 0 { out.append(space); column += 1 }
            out.append(contentsOf: bytes[i..<j])
            column += w
            onLine += 1
            i = j
        }
    }

    /// Where the text a continuation lines up under begins: after the leading blanks, a list marker, or a short label
    /// and the spaces that pad it ("Staff told:   ").
    static func hangingIndentEnd(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        func has(_ prefix: [UInt8], at i: Int) -> Bool {
            i + prefix.count <= end && (0..<prefix.count).allSatisfy { bytes[i + $0] == prefix[$0] }
        }
        var i = start
        while i < end, bytes[i] == space { i += 1 }
        for marker in markers where has(marker, at: i) { return i + marker.count }
        var j = i
        while j < end, (48...57).contains(bytes[j]) { j += 1 }
        if j > i, has([46, space], at: j) { return j + 2 }   // "1. "
        // A label: letters (any non-ASCII byte counts as one), spaces and hyphens, then ":" and at least two spaces;
        // a sentence with a colon ("Please note: …") has one space and is not a label.
        var k = i
        while k < end, k - i < 24 {
            let b = bytes[k]
            guard b == 58 else {
                let letter = b >= 0x80 || (65...90).contains(b) || (97...122).contains(b)
                guard letter || b == space || b == 45 else { break }
                k += 1
                continue
            }
            var v = k + 1
            while v < end, bytes[v] == space { v += 1 }
            return v - k > 2 ? v : i
        }
        return i
    }

    static let markers: [[UInt8]] = [Array("- ".utf8), Array("* ".utf8), Array("• ".utf8)]
}
