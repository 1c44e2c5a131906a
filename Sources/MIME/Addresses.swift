/// RFC 5322 address lists: display names (quoted, RFC 2047-encoded, unquoted obsolete), groups, comments,
/// routes, and the usual damage (missing brackets, stray quotes).
public enum AddressList {
    enum Token: Equatable {
        case atom(String)      // run of atext and dots
        case quoted(String)    // quoted-string, unescaped
        case comment(String)   // (comment), unescaped, nesting flattened
        case special(UInt8)    // < > , ; : @
    }

    static func tokenize(_ value: String) -> [Token] {
        let s = Array(value.utf8)
        let n = s.count
        var tokens: [Token] = []
        var i = 0
        while i < n {
            let c = s[i]
            switch c {
            case 32, 9, 13, 10:
                i += 1
            case UInt8(ascii: "\""):
                i += 1
                var v: [UInt8] = []
                while i < n, s[i] != UInt8(ascii: "\"") {
                    if s[i] == UInt8(ascii: "\\"), i + 1 < n { i += 1 }
                    if s[i] != 13 && s[i] != 10 { v.append(s[i]) }
                    i += 1
                }
                i += 1
                tokens.append(.quoted(String(decoding: v, as: UTF8.self)))
            case UInt8(ascii: "("):
                var depth = 0
                var v: [UInt8] = []
                while i < n {
                    let d = s[i]
                    if d == UInt8(ascii: "\\"), i + 1 < n { v.append(s[i + 1]); i += 2; continue }
                    if d == UInt8(ascii: "(") { depth += 1; if depth > 1 { v.append(d) } } else if d == UInt8(
                        ascii: ")") {
                        depth -= 1
                        if depth == 0 { i += 1; break }
                        v.append(d)
                    } else { v.append(d) }
                    i += 1
                }
                tokens.append(.comment(String(decoding: v, as: UTF8.self)))
            case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"),
                UInt8(ascii: "@"):
                tokens.append(.special(c))
                i += 1
            default:
                let st = i
                while i < n {
                    let d = s[i]
                    if d == 32 || d == 9 || d == 13 || d == 10 || d == UInt8(ascii: "\"") || d == UInt8(ascii: "(") ||
                        d == UInt8(ascii: "<")
                        || d == UInt8(ascii: ">") || d == UInt8(ascii: ",") || d == UInt8(ascii: ";") ||
                            d == UInt8(ascii: ":")
                        || d == UInt8(ascii: "@") { break }
                    i += 1
                }
                // An encoded word may contain specials inside (`=?utf-8?Q?a:b?=`): keep it whole.
                if i - st >= 2, s[st] == UInt8(ascii: "="), s[st + 1] == UInt8(ascii: "?"),
                    let w = EncodedWords.parseWord(s, at: st), w.end > i {
                    i = w.end
                }
                tokens.append(.atom(String(decoding: s[st..<i], as: UTF8.self)))
            }
        }
        return tokens
    }

    /// Every mailbox in the list, group members included (group names dropped).
    public static func parse(_ value: String) -> [Address] {
        let tokens = tokenize(value)
        var result: [Address] = []
        var current: [Token] = []
        var angle = false
        var inGroup = false
        var currentHasAt = false
        func flush() {
            if let a = mailbox(current) { result.append(a) }
            current.removeAll()
            currentHasAt = false
        }
        var idx = 0
        while idx < tokens.count {
            let t = tokens[idx]
            idx += 1
            if t == .special(UInt8(ascii: "@")) { currentHasAt = true }
            switch t {
            case .special(UInt8(ascii: "<")):
                angle = true
                current.append(t)
            case .special(UInt8(ascii: ">")):
                angle = false
                current.append(t)
            case .special(UInt8(ascii: ",")) where !angle:
                flush()
            case .special(UInt8(ascii: ";")) where !angle:
                flush()
                inGroup = false
            case .special(UInt8(ascii: ":")) where !angle:
                // Group name ends here, unless the part before looks like an address already.
                if !inGroup && !currentHasAt {
                    current.removeAll()
                    currentHasAt = false
                    inGroup = true
                } else {
                    current.append(t)
                }
            default:
                current.append(t)
            }
        }
        flush()
        return result
    }

    static func text(_ t: Token) -> String {
        switch t {
        case let .atom(s), let .quoted(s): return s
        case let .comment(s): return "(" + s + ")"
        case let .special(c): return String(UnicodeScalar(c))
        }
    }

    /// Phrase tokens → display name (words joined by one space, encoded words decoded).
    static func phrase(_ tokens: [Token]) -> String? {
        var words: [String] = []
        for t in tokens {
            switch t {
            case let .atom(s): words.append(s)
            case let .quoted(s): words.append(s)
            case .special(let c) where c == UInt8(ascii: "@") ||
                c == UInt8(ascii: ":"): words.append(String(UnicodeScalar(c)))
            default: break
            }
        }
        let name = displayName(words.joined(separator: " "))
        return name.isEmpty ? nil : name
    }

    /// Display names are this many characters at most: longer ones are noise or an attack on our templates.
    public static let nameLimit = 100

    /// A raw display name (encoded words allowed) as it may enter a header or a template: decoded, then one line
    /// without controls, escapes or direction overrides (CR LF in an encoded word once reached our mail bodies).
    static func displayName(_ raw: String) -> String {
        CustomerText.line(EncodedWords.decode(raw), limit: nameLimit)
    }

    /// An address we can store, answer and show alike: no controls, no direction overrides (a NUL cut the stored
    /// address but not the header), and no longer than SMTP allows.
    static func isUsable(_ email: String) -> Bool {
        email.utf8.count <= 254 && !email.unicodeScalars.contains { s in
            let v = s.value
            return v < 0x20 || (v >= 0x7F && v < 0xA0) || v == 0x061C || v == 0x200E || v == 0x200F
                || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0xFEFF
        }
    }

    /// addr-spec tokens → `local@domain` without comments or blanks.
    static func addrSpec(_ tokens: [Token]) -> String {
        var out = ""
        for t in tokens {
            switch t {
            case let .atom(s): out += s
            case let .quoted(s):
                let needsQuotes = s.isEmpty || s.contains(where: { " \"(),:;<>@[\\]".contains($0) })
                out += needsQuotes ? "\"" + s + "\"" : s
            case let .special(c) where c == UInt8(ascii: "@"): out += "@"
            default: break
            }
        }
        return out
    }

    static func mailbox(_ tokens: [Token]) -> Address? {
        guard !tokens.isEmpty else { return nil }
        if let lt = tokens.firstIndex(of: .special(UInt8(ascii: "<"))) {
            let gt = tokens[(lt + 1)...].firstIndex(of: .special(UInt8(ascii: ">"))) ?? tokens.count
            var inner = Array(tokens[(lt + 1)..<gt])
            // Obsolete route: <@a,@b:user@domain>
            if let colon = inner.lastIndex(of: .special(UInt8(ascii: ":"))) { inner = Array(inner[(colon + 1)...]) }
            var email = addrSpec(inner)
            let before = Array(tokens[..<lt])
            var name = phrase(before)
            if name == nil {
                // "addr (Name)" style comment as the name when there is no phrase.
                for t in tokens { if case let .comment(c) = t, !c.isEmpty { name = displayName(c); break } }
            }
            if email.isEmpty {
                // `Name <>` or garbage: take an address-looking word from the phrase.
                if let word = before.compactMap({ t -> String? in if case let .atom(s) = t,
                    s.contains("@") { return s }; return nil }).last {
                    email = word
                }
                if email.isEmpty { return nil }
            }
            guard isUsable(email) else { return nil }
            return Address(name: name.flatMap { $0.isEmpty ? nil : $0 }, email: email)
        }
        // No angle brackets: `addr`, `addr (Name)`, or `Name addr@x` (broken).
        let hasAt = tokens.contains(.special(UInt8(ascii: "@")))
        let nonComment = tokens.filter { if case .comment = $0 { return false }; return true }
        var comment: String? = nil
        for t in tokens { if case let .comment(c) = t { let d = displayName(c); if !d.isEmpty { comment = d; break } } }
        if hasAt, let at = nonComment.firstIndex(of: .special(UInt8(ascii: "@"))) {
            // Local part: the word right before '@'; words before it (broken `Name addr@x`) are a name.
            var localStart = at
            if at > 0 { if case .special = nonComment[at - 1] {} else { localStart = at - 1 } }
            var domainEnd = at + 1
            // Domain: atoms, joined across obsolete blanks around dots (`test . example`).
            while domainEnd < nonComment.count, case let .atom(a) = nonComment[domainEnd] {
                domainEnd += 1
                let endsWithDot = a.hasSuffix(".")
                if domainEnd < nonComment.count, case let .atom(b) = nonComment[domainEnd], endsWithDot ||
                    b.hasPrefix(".") { continue }
                break
            }
            let email = addrSpec(Array(nonComment[localStart..<domainEnd]))
            guard isUsable(email) else { return nil }
            let name = localStart > 0 ? phrase(Array(nonComment[..<localStart])) : comment
            return Address(name: name ?? comment, email: email)
        }
        // A bare word (local-only address such as `root`) or an encoded name without address: keep words only.
        let words = nonComment.compactMap { t -> String? in
            switch t { case let .atom(s): return s; case let .quoted(s): return s; default: return nil }
        }
        guard words.count == 1, let w = words.first, !w.hasPrefix("=?"), isUsable(w) else { return nil }
        return Address(name: comment, email: w)
    }
}

/// `<a@b> <c@d>` → ["a@b", "c@d"], without angle brackets, comments or folding blanks.
public enum MessageIDList {
    public static func parse(_ value: String) -> [String] {
        let s = Array(value.utf8)
        let n = s.count
        var ids: [String] = []
        var i = 0
        var bare: [[UInt8]] = []
        var current: [UInt8] = []
        while i < n {
            let c = s[i]
            if c == UInt8(ascii: "(") {
                i = endOfComment(s, at: i)
                if !current.isEmpty { bare.append(current); current = [] }
                continue
            }
            if c == UInt8(ascii: "<") {
                if !current.isEmpty { bare.append(current); current = [] }
                var id: [UInt8] = []
                i += 1
                var inQuote = false
                while i < n, s[i] != UInt8(ascii: ">") || inQuote {
                    let d = s[i]
                    if d == UInt8(ascii: "\"") { inQuote.toggle(); id.append(d); i += 1; continue }
                    if d == UInt8(ascii: "(") && !inQuote {
                        i = endOfComment(s, at: i)
                        continue
                    }
                    if d == UInt8(ascii: "<") && !inQuote { id.removeAll() ; i += 1; continue }
                    if inQuote || (d != 32 && d != 9 && d != 13 && d != 10) { id.append(d) }
                    i += 1
                }
                i += 1
                if !id.isEmpty { ids.append(String(decoding: id, as: UTF8.self)) }
                continue
            }
            if c == 32 || c == 9 || c == 13 || c == 10 || c == UInt8(ascii: ",") {
                if !current.isEmpty { bare.append(current); current = [] }
            } else {
                current.append(c)
            }
            i += 1
        }
        if !current.isEmpty { bare.append(current) }
        if ids.isEmpty {
            // No brackets at all: bare ids that look like one (contain '@'), else a single word.
            let withAt = bare.filter { $0.contains(UInt8(ascii: "@")) }
            if !withAt.isEmpty { return withAt.map { String(decoding: $0, as: UTF8.self) } }
            if bare.count == 1 { return [String(decoding: bare[0], as: UTF8.self)] }
        }
        return ids
    }
}
