/// HTML → readable plain text: block elements become line breaks, entities are decoded, script/style/head
/// metadata dropped, links shown as `text <url>`, whitespace collapsed (except in `<pre>`). Linear, never fails.
public enum HTMLText {
    static let blockTags: Set<String> = [
        "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre",
        "hr", "section", "article", "header", "footer", "dd", "dt", "dl", "address", "center", "form", "fieldset",
        "tbody", "thead", "tfoot", "caption", "figure", "figcaption", "main", "nav", "aside", "body", "html", "option",
    ]
    static let paragraphTags: Set<String> = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul",
        "ol", "pre", "hr"]
    static let skipTags: Set<String> = ["script", "style", "title", "template", "xml", "object", "svg", "math", "head"]

    public static func render(_ html: String) -> String {
        var src = html
        return src.withUTF8 { render(bytes: $0) }
    }

    struct Output {
        var bytes: [UInt8] = []
        var pendingSpace = false
        var newlines = 2 // at start: treat as after a paragraph (no leading breaks)
        /// Open `<blockquote>`s: their lines start with `> ` per level, so quoted history reads as quoted.
        var quoteDepth = 0
        var ruleEnd = -1

        @inline(__always) mutating func quotePrefix() {
            guard quoteDepth > 0, bytes.last == nil || bytes.last == 10 else { return }
            for _ in 0..<quoteDepth { bytes.append(62) }
            bytes.append(32)
        }

        mutating func text(_ b: UInt8, pre: Bool) {
            if pre {
                if b == 13 { return }
                if b != 10 { quotePrefix() }
                bytes.append(b)
                newlines = b == 10 ? newlines + 1 : 0
                pendingSpace = false
                return
            }
            if b == 32 || b == 9 || b == 10 || b == 13 || b == 12 {
                if newlines == 0 { pendingSpace = true }
                return
            }
            if pendingSpace { bytes.append(32); pendingSpace = false }
            quotePrefix()
            bytes.append(b)
            newlines = 0
        }

        /// Outlook's rule above the quoted header block, for `<hr>` and the reply-header divs.
        mutating func rule() {
            guard bytes.count != ruleEnd else { return }   // <hr> inside Outlook's header div: one rule
            breakLine(1)
            bytes.append(contentsOf: Array(repeating: 95, count: 32))
            newlines = 0
            breakLine(1)
            ruleEnd = bytes.count
        }

        mutating func scalar(_ v: UInt32, pre: Bool) {
            if v == 0xA0 { text(32, pre: pre); return }
            guard let u = Unicode.Scalar(v), v != 0 else { appendString("\u{FFFD}", pre: pre); return }
            if v < 0x80 { text(UInt8(v), pre: pre); return }
            appendString(String(Character(u)), pre: pre)
        }

        mutating func appendString(_ s: String, pre: Bool) {
            for b in s.utf8 { text(b, pre: pre) }
        }

        mutating func breakLine(_ count: Int) {
            pendingSpace = false
            while newlines < count {
                bytes.append(10)
                newlines += 1
            }
        }
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { (c >= 65 && c <= 90) ? c + 32 : c }
    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }

    static func render(bytes s: UnsafeBufferPointer<UInt8>) -> String {
        let n = s.count
        var out = Output()
        out.bytes.reserveCapacity(n / 2)
        var i = 0
        var preDepth = 0
        var linkHref: String? = nil
        var linkTextStart = 0
        var listDepth = 0
        var unclosed = Set<String>()
        while i < n {
            let c = s[i]
            if c == UInt8(ascii: "<"), i + 1 < n {
                let d = s[i + 1]
                if d == UInt8(ascii: "!") {
                    // Comment or doctype / CDATA.
                    if i + 3 < n, s[i + 2] == UInt8(ascii: "-"), s[i + 3] == UInt8(ascii: "-") {
                        var j = i + 4
                        while j + 2 < n, !(s[j] == UInt8(ascii: "-") && s[j + 1] == UInt8(ascii: "-") &&
                            s[j + 2] == UInt8(ascii: ">")) { j += 1 }
                        i = min(n, j + 3)
                    } else {
                        var j = i + 2
                        while j < n, s[j] != UInt8(ascii: ">") { j += 1 }
                        i = min(n, j + 1)
                    }
                    continue
                }
                if d == UInt8(ascii: "?") {
                    var j = i + 2
                    while j < n, s[j] != UInt8(ascii: ">") { j += 1 }
                    i = min(n, j + 1)
                    continue
                }
                let closing = d == UInt8(ascii: "/")
                let nameStart = closing ? i + 2 : i + 1
                guard nameStart < n, isAlpha(s[nameStart]) else {
                    out.text(c, pre: preDepth > 0)
                    i += 1
                    continue
                }
                var j = nameStart
                var nameBytes: [UInt8] = []
                while j < n, s[j] > 32, s[j] != UInt8(ascii: ">"), s[j] != UInt8(ascii: "/") {
                    if nameBytes.count < 16 { nameBytes.append(lower(s[j])) }
                    j += 1
                }
                // Attributes up to '>' (quotes respected).
                let attrStart = j
                var quote: UInt8 = 0
                while j < n {
                    let e = s[j]
                    if quote != 0 { if e == quote { quote = 0 } } else if e == UInt8(ascii: "\"") ||
                        e == UInt8(ascii: "'") {
                        // A quote only opens right after '='.
                        var k = j - 1
                        while k > attrStart, s[k] == 32 { k -= 1 }
                        if s[k] == UInt8(ascii: "=") { quote = e }
                    } else if e == UInt8(ascii: ">") { break }
                    j += 1
                }
                let attrEnd = j
                i = min(n, j + 1)
                let name = String(decoding: nameBytes, as: UTF8.self)
                if !closing, skipTags.contains(name), !unclosed.contains(name) {
                    // Skip to the matching close tag.
                    var k = i
                    var found = false
                    while k + 1 < n {
                        if s[k] == UInt8(ascii: "<"), s[k + 1] == UInt8(ascii: "/") {
                            var m = k + 2
                            var idx = 0
                            while idx < nameBytes.count, m < n, lower(s[m]) == nameBytes[idx] { m += 1; idx += 1 }
                            if idx == nameBytes.count, m < n, s[m] == UInt8(ascii: ">") || s[m] <= 32 {
                                while m < n, s[m] != UInt8(ascii: ">") { m += 1 }
                                i = min(n, m + 1)
                                found = true
                                break
                            }
                        }
                        k += 1
                    }
                    if !found {
                        // head without </head>: keep reading; others drop to the end. Never search twice.
                        unclosed.insert(name)
                        if name != "head" { i = n }
                    }
                    continue
                }
                switch name {
                case "br":
                    out.breakLine(out.newlines + 1 > 2 ? out.newlines : out.newlines + 1)
                case "pre":
                    out.breakLine(2)
                    preDepth += closing ? (preDepth > 0 ? -1 : 0) : 1
                case "li":
                    if !closing {
                        out.breakLine(1)
                        out.appendString(String(repeating: "  ", count: max(0, listDepth - 1)) + "- ", pre: false)
                    } else { out.breakLine(1) }
                case "ul", "ol":
                    listDepth += closing ? (listDepth > 0 ? -1 : 0) : 1
                    out.breakLine(listDepth > 1 ? 1 : 2)
                case "blockquote":
                    out.breakLine(2)
                    out.quoteDepth = closing ? max(0, out.quoteDepth - 1) : min(out.quoteDepth + 1, 20)
                case "hr":
                    out.rule()
                case "div" where !closing && startsReplyHeader(s, attrStart, attrEnd):
                    out.rule()
                case "td", "th":
                    if !closing, out.newlines == 0 { out.pendingSpace = true; out.text(UInt8(ascii: " "), pre: false) }
                case "a":
                    if closing {
                        if let href = linkHref {
                            let shown = String(decoding: out.bytes[min(linkTextStart, out.bytes.count)...],
                                as: UTF8.self)
                            var target = href
                            if target.lowercased().hasPrefix("mailto:") { target = String(target.dropFirst(7)) }
                            if !target.isEmpty, !target.hasPrefix("#"), !target.lowercased().hasPrefix("javascript:"),
                               shown.trimmingBlanks() != target, shown.trimmingBlanks() != href {
                                out.appendString(" <" + target + ">", pre: false)
                            }
                        }
                        linkHref = nil
                    } else {
                        linkHref = attribute("href", s, attrStart, attrEnd).map { decodeEntities($0) }
                        if out.pendingSpace { out.bytes.append(32); out.pendingSpace = false; out.newlines = 0 }
                        linkTextStart = out.bytes.count
                    }
                case "img":
                    if let alt = attribute("alt", s, attrStart, attrEnd), !alt.isEmpty, alt.count < 200 {
                        out.appendString(decodeEntities(alt), pre: false)
                    }
                default:
                    if blockTags.contains(name) { out.breakLine(paragraphTags.contains(name) ? 2 : 1) }
                }
                continue
            }
            if c == UInt8(ascii: "&") {
                let (scalar, len) = entity(s, i)
                if let scalar {
                    out.scalar(scalar, pre: preDepth > 0)
                    i += len
                    continue
                }
            }
            out.text(c, pre: preDepth > 0)
            i += 1
        }
        while let last = out.bytes.last, last == 10 || last == 32 { out.bytes.removeLast() }
        return String(decoding: out.bytes, as: UTF8.self)
    }

    /// Outlook's `divRplyFwdMsg` and `appendonsend` divs and its `border-top` header box start the quoted history.
    static func startsReplyHeader(_ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        guard end > start else { return false }
        if let id = attribute("id", s, start, end)?.lowercased(),
           id == "divrplyfwdmsg" || id == "appendonsend" || id == "appendonly" { return true }
        guard let style = attribute("style", s, start, end)?.lowercased(), style.contains("border-top") else {
            return false
        }
        let compact = style.filter { $0 != " " }
        return compact.contains("border:none;border-top:solid") || compact.hasPrefix("border-top:solid")
    }

    /// The value of attribute `name` in `s[start..<end]`.
    static func attribute(_ name: String, _ s: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String? {
        let want = Array(name.utf8)
        var j = start
        while j < end {
            while j < end, s[j] <= 32 || s[j] == UInt8(ascii: "/") { j += 1 }
            let ns = j
            while j < end, s[j] > 32, s[j] != UInt8(ascii: "="), s[j] != UInt8(ascii: ">") { j += 1 }
            let matches = j - ns == want.count && (0..<want.count).allSatisfy { lower(s[ns + $0]) == want[$0] }
            while j < end, s[j] <= 32 { j += 1 }
            guard j < end, s[j] == UInt8(ascii: "=") else {
                if j == ns { j += 1 } // a stray '>' or similar: always make progress
                continue
            }
            j += 1
            while j < end, s[j] <= 32 { j += 1 }
            var vs = j, ve = j
            if j < end, s[j] == UInt8(ascii: "\"") || s[j] == UInt8(ascii: "'") {
                let q = s[j]
                j += 1
                vs = j
                while j < end, s[j] != q { j += 1 }
                ve = j
                j += 1
            } else {
                while j < end, s[j] > 32 { j += 1 }
                ve = j
            }
            if matches { return String(decoding: UnsafeBufferPointer(rebasing: s[vs..<min(ve, end)]), as: UTF8.self) }
        }
        return nil
    }

    /// `&name;`, `&#123;`, `&#x1F600;` at `i` → (scalar, length). Common names also without ';'.
    static func entity(_ s: UnsafeBufferPointer<UInt8>, _ i: Int) -> (UInt32?, Int) {
        let n = s.count
        var j = i + 1
        if j < n, s[j] == UInt8(ascii: "#") {
            j += 1
            var hex = false
            if j < n, s[j] | 0x20 == UInt8(ascii: "x") { hex = true; j += 1 }
            var v: UInt32 = 0
            let st = j
            while j < n, j - st < 8 {
                if let d = TransferEncoding.hexValue(s[j]), hex || d < 10, !(!hex && s[j] > 57) {
                    v = v * (hex ? 16 : 10) + UInt32(d)
                    j += 1
                } else { break }
            }
            guard j > st else { return (nil, 0) }
            if j < n, s[j] == UInt8(ascii: ";") { j += 1 }
            if v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { return (0xFFFD, j - i) }
            if v >= 0x80 && v < 0xA0 { return (Charset.cp1252High[Int(v) - 0x80], j - i) }
            return (v, j - i)
        }
        let st = j
        while j < n, j - st < 10, isAlpha(s[j]) || (s[j] >= 48 && s[j] <= 57) { j += 1 }
        guard j > st else { return (nil, 0) }
        let name = String(decoding: UnsafeBufferPointer(rebasing: s[st..<j]), as: UTF8.self)
        if j < n, s[j] == UInt8(ascii: ";") {
            if let v = HTMLEntities.table[name] ?? HTMLEntities.table[name.lowercased()] { return (v, j + 1 - i) }
            return (nil, 0)
        }
        switch name {
        case "nbsp": return (0xA0, j - i)
        case "amp": return (38, j - i)
        case "lt": return (60, j - i)
        case "gt": return (62, j - i)
        case "quot": return (34, j - i)
        default: return (nil, 0)
        }
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var src = text
        return src.withUTF8 { s in
            var out = [UInt8]()
            var i = 0
            while i < s.count {
                if s[i] == UInt8(ascii: "&") {
                    let (v, len) = entity(s, i)
                    if let v, let u = Unicode.Scalar(v) {
                        out.append(contentsOf: String(Character(u)).utf8)
                        i += len
                        continue
                    }
                }
                out.append(s[i])
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

extension String {
    /// Without leading and trailing white space (scalar-wise, without Foundation).
    public func trimmingBlanks() -> String {
        let scalars = unicodeScalars
        var lo = scalars.startIndex, hi = scalars.endIndex
        while lo < hi, scalars[lo].properties.isWhitespace { lo = scalars.index(after: lo) }
        while hi > lo, scalars[scalars.index(before: hi)].properties.isWhitespace { hi = scalars.index(before: hi) }
        return String(scalars[lo..<hi])
    }
}
