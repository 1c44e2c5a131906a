/// Plain-text wrapping for the mails we write: RFC 3676 suggests at most 78 characters, and 72 leaves room for the
/// "> " of a reply. Lines break only at spaces, so a URL, a reference or a command is never split; a word longer
/// than the width gets a line of its own.
public enum TextWrap {
    public static let width = 72

    /// Each line of `text` wrapped to `width` characters. A continuation keeps the line's indent; in a "Label:  value"
    /// line and a list item ("1. ", "- ") it lines up under the value. Quoted lines ("> ") are left as they are.
    public static func wrap(_ text: String, width: Int = TextWrap.width) -> String {
        var out: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.count > width, !line.hasPrefix(">") else { out.append(line); continue }
            out += wrapLine(line, width: width)
        }
        return out.joined(separator: "\n")
    }

    static func wrapLine(_ line: Substring, width: Int) -> [Substring] {
        let headEnd = hangingIndentEnd(line)
        let head = line[..<headEnd]
        let indent = Substring(String(repeating: " ", count: head.count))
        var lines: [Substring] = []
        var current = String(head)
        var currentCount = head.count
        var onLine = 0   // words on the current line
        for word in line[headEnd...].split(separator: " ") {
            if onLine > 0, currentCount + 1 + word.count > width {
                lines.append(Substring(current))
                current = String(indent)
                currentCount = indent.count
                onLine = 0
            }
            if onLine > 0 { current += " "; currentCount += 1 }
            current += word
            currentCount += word.count
            onLine += 1
        }
        lines.append(Substring(current))
        return lines
    }

    /// Where the text a continuation lines up under begins: after the leading blanks, a list marker, or a short label
    /// and the spaces that pad it ("Staff told:   ").
    static func hangingIndentEnd(_ line: Substring) -> Substring.Index {
        var i = line.startIndex
        while i < line.endIndex, line[i] == " " { i = line.index(after: i) }
        let rest = line[i...]
        if let marker = ["- ", "* ", "• "].first(where: { rest.hasPrefix($0) }) {
            return line.index(i, offsetBy: marker.count)
        }
        var j = i
        while j < line.endIndex, line[j].isNumber { j = line.index(after: j) }
        if j > i, line[j...].hasPrefix(". ") { return line.index(j, offsetBy: 2) }
        if let colon = rest.prefix(24).firstIndex(of: ":"),
           rest[..<colon].allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" }), line[colon...].hasPrefix(": ") {
            var k = line.index(after: colon)
            while k < line.endIndex, line[k] == " " { k = line.index(after: k) }
            // A label is padded to line values up; a sentence with a colon ("Please note: …") is not.
            if line.distance(from: colon, to: k) > 2 { return k }
        }
        return i
    }
}
