import Glibc

/// RFC 2047 encoded words in header text.
public enum EncodedWords {
    /// Decodes every well-formed encoded word (B or Q, any charset); whitespace between adjacent encoded
    /// words is dropped; adjacent words in one charset are joined as bytes before charset decoding (so a
    /// character split across two words survives). Malformed words stay as text.
    public static func decode(_ text: String) -> String {
        guard text.utf8.count >= 8, text.utf8.contains(UInt8(ascii: "?")) else { return text }
        let s = Array(text.utf8)
        let n = s.count
        var out = [UInt8]()
        out.reserveCapacity(n)
        var pendingBytes = [UInt8]()
        var pendingCharset: String? = nil
        var literalStart = 0
        var lastWasWord = false
        var i = 0
        func flush() {
            if let cs = pendingCharset {
                out.append(contentsOf: Charset.decode(pendingBytes, label: cs).text.utf8)
                pendingBytes.removeAll(keepingCapacity: true)
                pendingCharset = nil
            }
        }
        while i + 1 < n {
            if s[i] == UInt8(ascii: "="), s[i + 1] == UInt8(ascii: "?"), let word = parseWord(s, at: i) {
                let between = s[literalStart..<i]
                let onlySpace = between.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 || $0 == 10 }
                if !(lastWasWord && onlySpace) {
                    flush()
                    out.append(contentsOf: between)
                }
                let normalized = Charset.normalize(word.charset)
                if pendingCharset != nil, pendingCharset != normalized { flush() }
                pendingCharset = normalized
                pendingBytes.append(contentsOf: word.bytes)
                i = word.end
                literalStart = i
                lastWasWord = true
                continue
            }
            i += 1
        }
        flush()
        if literalStart < n { out.append(contentsOf: s[literalStart..<n]) }
        return String(decoding: out, as: UTF8.self)
    }

    struct Word {
        var charset: String
        var bytes: [UInt8]
        var end: Int
    }

    /// `=?charset?B|Q?text?=` at `start`.
    static func parseWord(_ s: [UInt8], at start: Int) -> Word? {
        let n = s.count
        var i = start + 2
        let csStart = i
        while i < n, s[i] != UInt8(ascii: "?") {
            let c = s[i]
            if c <= 32 || c >= 127 { return nil }
            i += 1
            if i - csStart > 64 { return nil }
        }
        guard i < n, i > csStart, i + 2 < n, s[i + 2] == UInt8(ascii: "?") else { return nil }
        let charset = String(decoding: s[csStart..<i], as: UTF8.self)
        let enc = s[i + 1] | 0x20
        guard enc == UInt8(ascii: "b") || enc == UInt8(ascii: "q") else { return nil }
        let textStart = i + 3
        var j = textStart
        // Encoded words are at most 75 characters; allow generous slack but bound the scan (linear decoding).
        let limit = min(n, textStart + 1024)
        while j + 1 < limit {
            if s[j] == UInt8(ascii: "?"), s[j + 1] == UInt8(ascii: "=") { break }
            if s[j] == 32 || s[j] == 9 || s[j] == 13 || s[j] == 10 {
                // Q text with a raw space (broken generators): allowed only if the word still closes on this run.
                if enc == UInt8(ascii: "b") { return nil }
            }
            j += 1
        }
        guard j + 1 < limit else { return nil }
        let text = s[textStart..<j]
        let bytes: [UInt8]
        if enc == UInt8(ascii: "b") {
            bytes = Array(text).withUnsafeBufferPointer { TransferEncoding.decodeBase64($0).data }
        } else {
            bytes = TransferEncoding.decodeQ(text)
        }
        return Word(charset: charset, bytes: bytes, end: j + 2)
    }
}

/// Header-block reading (RFC 5322 with the obsolete syntax and real-world damage).
enum HeaderReader {
    struct Block {
        var fields: [HeaderField]
        var bodyStart: Int
        var defects: [String]
        /// Raw bytes of the values that are 8-bit but not UTF-8 (read as windows-1252 for now), by field index:
        /// the parser tries the charsets the message declares elsewhere on them.
        var nonUTF8: [(field: Int, bytes: [UInt8])] = []
    }

    /// Header names a continuation without leading white space may be followed by: a broken fold, not the body.
    static let knownNames: Set<String> = [
        "from", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references", "reply-to", "sender",
        "mime-version", "content-type", "content-transfer-encoding", "content-disposition", "received", "return-path",
    ]

    /// Whether a header line with a known name follows before the next blank line (a few lines ahead at most).
    static func knownHeaderFollows(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, end: Int) -> Bool {
        var pos = start
        for _ in 0..<8 {
            guard pos < end else { return false }
            var e = pos
            while e < end, buf[e] != 10 { e += 1 }
            var ce = e
            while ce > pos, buf[ce - 1] == 13 { ce -= 1 }
            if ce == pos { return false }
            var i = pos
            while i < ce, i - pos < 40, buf[i] != UInt8(ascii: ":"), buf[i] > 32, buf[i] < 127 { i += 1 }
            if i < ce, buf[i] == UInt8(ascii: ":"), i > pos {
                let name = String(decoding: UnsafeBufferPointer(rebasing: buf[pos..<i]), as: UTF8.self).lowercased()
                if knownNames.contains(name) { return true }
            }
            pos = e + 1
        }
        return false
    }

    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 32 || c == 9 }

    /// Reads header fields from `start` up to the blank line (or the first line that cannot be a header).
    static func read(_ buf: UnsafeBufferPointer<UInt8>, start: Int, end: Int, topLevel: Bool) -> Block {
        var fields: [HeaderField] = []
        var defects: [String] = []
        var pos = start
        var currentName: String? = nil
        var currentValue: [UInt8] = []
        var first = true
        var nonUTF8: [(field: Int, bytes: [UInt8])] = []

        func finish() {
            if let name = currentName {
                let (value, raw) = valueAndRaw(currentValue)
                if let raw { nonUTF8.append((fields.count, raw)) }
                fields.append(HeaderField(name: name, value: value))
            }
            currentName = nil
            currentValue.removeAll(keepingCapacity: true)
        }

        while pos < end {
            var lineEnd = pos
            if let base = buf.baseAddress, let p = memchr(base + pos, 10, end - pos) {
                lineEnd = UnsafePointer<UInt8>(p.assumingMemoryBound(to: UInt8.self)) - base
            } else {
                lineEnd = end
            }
            let next = lineEnd < end ? lineEnd + 1 : end
            var contentEnd = lineEnd
            while contentEnd > pos, buf[contentEnd - 1] == 13 { contentEnd -= 1 }
            if contentEnd == pos {
                // Blank line: end of header block.
                finish()
                return Block(fields: fields, bodyStart: next, defects: defects, nonUTF8: nonUTF8)
            }
            let c0 = buf[pos]
            if isBlank(c0) {
                if currentName != nil {
                    currentValue.append(contentsOf: UnsafeBufferPointer(rebasing: buf[pos..<contentEnd]))
                    pos = next
                    first = false
                    continue
                }
                // Continuation with nothing to continue.
                if first || fields.isEmpty {
                    defects.append("header block starts with a continuation line")
                    pos = next
                    first = false
                    continue
                }
            }
            if first, topLevel, contentEnd - pos >= 5, buf[pos] == UInt8(ascii: "F"), buf[pos + 1] == UInt8(ascii: "r"),
               buf[pos + 2] == UInt8(ascii: "o"), buf[pos + 3] == UInt8(ascii: "m"), buf[pos + 4] == 32 {
                // mbox "From " line.
                pos = next
                first = false
                continue
            }
            if first, topLevel, buf[pos] == UInt8(ascii: ">"), contentEnd - pos >= 6 {
                pos = next
                first = false
                continue
            }
            first = false
            // name ":" value, allowing blanks before the colon.
            var i = pos
            while i < contentEnd, buf[i] != UInt8(ascii: ":"), buf[i] > 32, buf[i] < 127 { i += 1 }
            let nameEnd = i
            while i < contentEnd, isBlank(buf[i]) { i += 1 }
            guard i < contentEnd, buf[i] == UInt8(ascii: ":"), nameEnd > pos else {
                // A value continued without leading white space (a broken fold) when known headers follow: join it.
                if currentName != nil, knownHeaderFollows(buf, from: next, end: end) {
                    currentValue.append(32)
                    currentValue.append(contentsOf: UnsafeBufferPointer(rebasing: buf[pos..<contentEnd]))
                    defects.append("header continuation without leading white space")
                    pos = next
                    continue
                }
                // Not a header: the body starts here.
                finish()
                defects.append("missing blank line between header and body")
                return Block(fields: fields, bodyStart: pos, defects: defects, nonUTF8: nonUTF8)
            }
            finish()
            currentName = String(decoding: UnsafeBufferPointer(rebasing: buf[pos..<nameEnd]), as: UTF8.self)
            var v = i + 1
            while v < contentEnd, isBlank(buf[v]) { v += 1 }
            currentValue.append(contentsOf: UnsafeBufferPointer(rebasing: buf[v..<contentEnd]))
            pos = next
        }
        finish()
        return Block(fields: fields, bodyStart: end, defects: defects, nonUTF8: nonUTF8)
    }

    /// Header bytes → text: UTF-8 when valid (RFC 6532), else windows-1252; CR/LF dropped; trimmed.
    static func valueString(_ bytes: [UInt8]) -> String { valueAndRaw(bytes).value }

    /// The value, and its trimmed bytes when they are 8-bit but not UTF-8.
    static func valueAndRaw(_ bytes: [UInt8]) -> (value: String, raw: [UInt8]?) {
        var b = bytes
        if b.contains(13) || b.contains(10) { b.removeAll { $0 == 13 || $0 == 10 } }
        var lo = 0, hi = b.count
        while lo < hi, isBlank(b[lo]) { lo += 1 }
        while hi > lo, isBlank(b[hi - 1]) || b[hi - 1] == 0 { hi -= 1 }
        return b[lo..<hi].withUnsafeBufferPointer { p in
            if Charset.isASCII(p) { return (String(decoding: p, as: UTF8.self), nil) }
            if let s = String(validating: Charset.stripBOM(p), as: UTF8.self) { return (s, nil) }
            return (Charset.windows1252(p), Array(p))
        }
    }
}

/// `type/subtype; name=value; …` (Content-Type, Content-Disposition) with RFC 2231 and lenient syntax.
public struct ContentHeader: Sendable, Equatable {
    /// Lower-cased main value (`text/plain`, `attachment`).
    public var value: String
    /// Decoded parameters, names lower-cased.
    public var parameters: [String: String]

    public init(value: String, parameters: [String: String]) {
        self.value = value
        self.parameters = parameters
    }

    public static func parse(_ text: String) -> ContentHeader {
        let s = Array(text.utf8)
        let n = s.count
        var i = 0
        func skipCFWS() {
            while i < n {
                if s[i] == 32 || s[i] == 9 || s[i] == 13 || s[i] == 10 { i += 1; continue }
                if s[i] == UInt8(ascii: "(") {
                    i = endOfComment(s, at: i)
                    continue
                }
                break
            }
        }
        skipCFWS()
        let vStart = i
        while i < n, s[i] != UInt8(ascii: ";"), s[i] != 32, s[i] != 9, s[i] != UInt8(ascii: "(") { i += 1 }
        var value = String(decoding: s[vStart..<min(i, n)], as: UTF8.self).lowercased()
        // "text / plain" (obsolete blanks around the slash)
        if value.hasSuffix("/") || (!value.contains("/") && i < n) {
            var j = i
            while j < n, s[j] == 32 || s[j] == 9 { j += 1 }
            if j < n, s[j] == UInt8(ascii: "/") || value.hasSuffix("/") {
                if s[j] == UInt8(ascii: "/") { j += 1 }
                while j < n, s[j] == 32 || s[j] == 9 { j += 1 }
                let st = j
                while j < n, s[j] != UInt8(ascii: ";"), s[j] != 32, s[j] != 9, s[j] != UInt8(ascii: "(") { j += 1 }
                value = (value.hasSuffix("/") ? value : value + "/") + String(
                    decoding: s[st..<j], as: UTF8.self).lowercased()
                i = j
            }
        }
        if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(
            value.dropFirst().dropLast()) }

        var raw: [(String, [UInt8], Bool)] = [] // name, value bytes, was quoted
        while i < n {
            skipCFWS()
            while i < n, s[i] == UInt8(ascii: ";") || s[i] == 32 || s[i] == 9 { i += 1 }
            skipCFWS()
            guard i < n else { break }
            let nStart = i
            while i < n, s[i] != UInt8(ascii: "="), s[i] != UInt8(ascii: ";"), s[i] > 32 { i += 1 }
            let name = String(decoding: s[nStart..<i], as: UTF8.self).lowercased()
            while i < n, s[i] == 32 || s[i] == 9 { i += 1 }
            guard i < n, s[i] == UInt8(ascii: "=") else {
                // Attribute without value: skip to the next ';'.
                while i < n, s[i] != UInt8(ascii: ";") { i += 1 }
                if name.isEmpty, i == nStart { i += 1 }
                continue
            }
            i += 1
            while i < n, s[i] == 32 || s[i] == 9 { i += 1 }
            if i < n, s[i] == UInt8(ascii: "\"") {
                i += 1
                var v: [UInt8] = []
                while i < n, s[i] != UInt8(ascii: "\"") {
                    if s[i] == UInt8(ascii: "\\"), i + 1 < n { i += 1 }
                    v.append(s[i])
                    i += 1
                }
                i += 1
                // Junk glued after the closing quote up to ';' is dropped.
                if !name.isEmpty { raw.append((name, v, true)) }
            } else {
                let st = i
                while i < n, s[i] != UInt8(ascii: ";") { i += 1 }
                var v = Array(s[st..<i])
                // A following "name=" after blanks means a missing ';'.
                var k = 0
                while k < v.count {
                    if v[k] == 32 || v[k] == 9 {
                        var m = k + 1
                        while m < v.count, v[m] == 32 || v[m] == 9 { m += 1 }
                        var e = m
                        while e < v.count, v[e] > 32, v[e] != UInt8(ascii: "="), v[e] != UInt8(ascii: "(") { e += 1 }
                        if e > m, e < v.count, v[e] == UInt8(ascii: "=") {
                            i = st + m
                            v = Array(v[0..<k])
                            break
                        }
                        if m < v.count, v[m] == UInt8(ascii: "(") {
                            v = Array(v[0..<k])
                            break
                        }
                        k = max(k, e - 1) // each byte is looked at once: linear
                    }
                    k += 1
                }
                while let last = v.last, last == 32 || last == 9 { v.removeLast() }
                if !name.isEmpty { raw.append((name, v, false)) }
            }
        }
        return ContentHeader(value: value, parameters: combine(raw))
    }

    /// RFC 2231 continuations and charsets; RFC 2047 words inside plain values.
    static func combine(_ raw: [(String, [UInt8], Bool)]) -> [String: String] {
        var plain: [String: String] = [:]
        struct Ext { var sections: [Int: ([UInt8], Bool)] = [:] }
        var ext: [String: Ext] = [:]
        var order: [String] = []
        for (name, bytes, _) in raw {
            if let star = name.firstIndex(of: "*") {
                let base = String(name[..<star])
                var rest = name[name.index(after: star)...]
                var encoded = false
                var section = 0
                if rest.isEmpty {
                    encoded = true
                } else {
                    if rest.hasSuffix("*") { encoded = true; rest = rest.dropLast() }
                    guard let num = Int(rest), num >= 0, num < 10_000 else { continue }
                    section = num
                }
                if ext[base] == nil { ext[base] = Ext(); order.append(base) }
                if ext[base]!.sections[section] == nil { ext[base]!.sections[section] = (bytes, encoded) }
            } else if plain[name] == nil {
                // A quoted boundary keeps its blanks: the parser matches it as declared first.
                plain[name] = name == "boundary" && bytes.last == 32
                    ? String(decoding: bytes, as: UTF8.self) : HeaderReader.valueString(bytes)
            }
        }
        var result: [String: String] = [:]
        for (k, v) in plain { result[k] = EncodedWords.decode(v) }
        for base in order {
            guard let e = ext[base] else { continue }
            var charset: String? = nil
            var out: [UInt8] = []
            for key in e.sections.keys.sorted() {
                var (bytes, encoded) = e.sections[key]!
                if encoded {
                    if key == 0 {
                        // charset'language'value
                        if let q1 = bytes.firstIndex(of: UInt8(ascii: "'")),
                           let q2 = bytes[(q1 + 1)...].firstIndex(of: UInt8(ascii: "'")) {
                            charset = String(decoding: bytes[..<q1], as: UTF8.self)
                            bytes = Array(bytes[(q2 + 1)...])
                        }
                    }
                    out.append(contentsOf: percentDecode(bytes))
                } else {
                    out.append(contentsOf: bytes)
                }
            }
            let text = (charset?.isEmpty == false) ? Charset.decode(out, label: charset).text
                : out.withUnsafeBufferPointer { Charset.utf8OrWindows1252($0) }
            result[base] = text
        }
        return result
    }

    static func percentDecode(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let h = TransferEncoding.hexValue(bytes[i + 1]), let l = TransferEncoding.hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return out
    }
}

/// The index just past the RFC 5322 comment that starts at `start` (an "("), nested comments and quoted pairs
/// included; the end of `s` when the comment is not closed.
func endOfComment(_ s: [UInt8], at start: Int) -> Int {
    var i = start
    var depth = 0
    while i < s.count {
        if s[i] == UInt8(ascii: "\\") { i += 2; continue }
        if s[i] == UInt8(ascii: "(") { depth += 1 }
        if s[i] == UInt8(ascii: ")") { depth -= 1; if depth == 0 { return i + 1 } }
        i += 1
    }
    return s.count
}
