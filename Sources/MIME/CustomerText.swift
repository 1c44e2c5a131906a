/// Text a customer wrote, made safe to put into mail we send or lines we print (issue 15). Works on scalars, not
/// Characters: Swift reads "\r\n" as one Character, which a Character test for "\r" or "\n" misses.
///
/// Removed everywhere: C0 and C1 controls (tab and newline kept in `block` text), DEL, terminal escape sequences
/// (ESC or CSI with what follows them), bidirectional overrides, embeddings, isolates and marks, the BOM.
public enum CustomerText {
    /// A one-line field (display name, subject, file name): every line break, tab and other blank becomes one space,
    /// runs of them one space, none at the ends; at most `limit` characters (cut on a character boundary).
    public static func line(_ text: String, limit: Int = .max) -> String {
        if isPlainLine(text.utf8) { return limit == .max ? text : head(text, characters: limit) }
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        forEachKept(text, lineBreak: " ") { scalar in
            let blank = scalar == " " || scalar == "\t" || scalar == "\n"
            if blank || scalar.properties.generalCategory == .spaceSeparator {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            }
        }
        let cleaned = String(out)
        return limit == .max ? cleaned : head(cleaned, characters: limit)
    }

    /// Text of several lines (a body shown by `postdesk show` or quoted in a notice): line breaks of every kind
    /// (CR LF, CR, NEL, U+2028/2029, VT, FF) become "\n"; tabs stay; nothing else changes.
    public static func block(_ text: String) -> String {
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x0A || $0 == 0x09 }) { return text }
        var out = String.UnicodeScalarView()
        forEachKept(text, lineBreak: "\n") { out.append($0) }
        return String(out)
    }

    /// The first `characters` characters of `text`, and at most 4 bytes per character (a single character can be
    /// a cluster of any length), cut on a scalar boundary. Walks no further than that.
    public static func head(_ text: String, characters: Int) -> String {
        let cut = text.index(text.startIndex, offsetBy: characters, limitedBy: text.endIndex)
        let head = cut.map { String(text[..<$0]) } ?? text
        let maxBytes = 4 * characters
        guard head.utf8.count > maxBytes else { return head }
        let bytes = Array(head.utf8.prefix(maxBytes + 1))
        var end = maxBytes
        while end > 0, bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// Printable ASCII with single inner spaces and none at the ends: what `line` returns unchanged.
    static func isPlainLine(_ bytes: String.UTF8View) -> Bool {
        var previous: UInt8 = 0x20
        for b in bytes {
            guard b >= 0x20 && b < 0x7F, !(b == 0x20 && previous == 0x20) else { return false }
            previous = b
        }
        return previous != 0x20
    }

    /// Calls `body` with each scalar that stays: line breaks of every kind as `lineBreak` (CR LF as one), tabs as
    /// they are, controls, escape sequences and invisible direction changes dropped.
    static func forEachKept(_ text: String, lineBreak: Unicode.Scalar, _ body: (Unicode.Scalar) -> Void) {
        let scalars = Array(text.unicodeScalars)
        let n = scalars.count
        var i = 0
        while i < n {
            let s = scalars[i], v = s.value
            i += 1
            switch v {
            case 0x09: body(s)
            case 0x0D:
                if i < n, scalars[i] == "\n" { i += 1 }
                body(lineBreak)
            case 0x0A, 0x0B, 0x0C, 0x85, 0x2028, 0x2029: body(lineBreak)
            case 0x1B: i = endOfEscape(scalars, afterESC: i)
            case 0x9B: i = endOfControlSequence(scalars, from: i)
            case 0x00..<0x20, 0x7F..<0xA0: break
            case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: break
            default: body(s)
            }
        }
    }

    /// Where the text goes on after an escape sequence whose ESC came right before `i`: CSI (`ESC [` … final byte),
    /// OSC (`ESC ]` … BEL or `ESC \`, only when terminated), or a two-character escape.
    static func endOfEscape(_ s: [Unicode.Scalar], afterESC i: Int) -> Int {
        guard i < s.count else { return i }
        switch s[i].value {
        case 0x5B: return endOfControlSequence(s, from: i + 1)
        case 0x5D:
            var j = i + 1
            while j < s.count, j - i < 4096 {
                if s[j].value == 0x07 { return j + 1 }
                if s[j].value == 0x1B, j + 1 < s.count, s[j + 1] == "\\" { return j + 2 }
                j += 1
            }
            return i + 1   // unterminated: only "ESC ]" goes
        case 0x20...0x7E: return i + 1
        default: return i
        }
    }

    /// After a CSI: parameter and intermediate bytes, then one final byte.
    static func endOfControlSequence(_ s: [Unicode.Scalar], from i: Int) -> Int {
        var j = i
        while j < s.count, (0x20...0x3F).contains(s[j].value) { j += 1 }
        if j < s.count, (0x40...0x7E).contains(s[j].value) { j += 1 }
        return j
    }
}
