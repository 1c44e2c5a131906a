/// Content-Transfer-Encoding decoders. Lenient, linear, never fail; problems are reported as defects.
public enum TransferEncoding {
    static let base64Table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        // URL-safe alphabet, seen from some generators.
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// Base64: skips line breaks, whitespace and junk; tolerates missing padding and padding in the middle.
    public static func decodeBase64(_ input: [UInt8]) -> (data: [UInt8], defects: [String]) {
        input.withUnsafeBufferPointer { decodeBase64($0) }
    }

    static func decodeBase64(_ input: UnsafeBufferPointer<UInt8>) -> (data: [UInt8], defects: [String]) {
        var junk = false
        var leftover = false
        // Not zero-filled first: every byte counted is written (an 18 MB attachment paid a memset and its faults).
        let out = [UInt8](unsafeUninitializedCapacity: input.count / 4 * 3 + 3) { dst, count in
            count = base64Table.withUnsafeBufferPointer { table in
                decodeBase64(input, table: table.baseAddress!, into: dst.baseAddress!, junk: &junk, leftover: &leftover)
            }
        }
        var defects: [String] = []
        if junk { defects.append("invalid characters in base64") }
        if leftover { defects.append("truncated base64") }
        return (out, defects)
    }

    /// The decoding loop on raw pointers, its state in locals: a run of whole quanta (a line's worth) goes four
    /// characters at a time; line breaks, junk and padding one character at a time. Returns the bytes written.
    private static func decodeBase64(_ input: UnsafeBufferPointer<UInt8>, table: UnsafePointer<UInt8>,
                                     into out: UnsafeMutablePointer<UInt8>, junk: inout Bool,
                                     leftover: inout Bool) -> Int {
        guard var src = input.baseAddress else { return 0 }
        let end = src + input.count
        var dst = out
        var acc: UInt32 = 0
        var k = 0
        while src < end {
            if k == 0 {
                while end - src >= 4 {
                    let a = table[Int(src[0])], b = table[Int(src[1])], c = table[Int(src[2])], d = table[Int(src[3])]
                    guard (a | b | c | d) & 0x80 == 0 else { break }
                    let v = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    dst[0] = UInt8(truncatingIfNeeded: v >> 16)
                    dst[1] = UInt8(truncatingIfNeeded: v >> 8)
                    dst[2] = UInt8(truncatingIfNeeded: v)
                    dst += 3
                    src += 4
                }
                if src == end { break }
            }
            let ch = src.pointee
            src += 1
            let v = table[Int(ch)]
            if v == 0xFF {
                if ch == UInt8(ascii: "=") {
                    // Padding ends a quantum: flush what it holds.
                    flushPartial(acc, k, &dst, &leftover)
                    acc = 0
                    k = 0
                } else if ch != 10 && ch != 13 && ch != 32 && ch != 9 {
                    junk = true
                }
                continue
            }
            acc = acc << 6 | UInt32(v)
            k += 1
            if k == 4 {
                dst[0] = UInt8(truncatingIfNeeded: acc >> 16)
                dst[1] = UInt8(truncatingIfNeeded: acc >> 8)
                dst[2] = UInt8(truncatingIfNeeded: acc)
                dst += 3
                acc = 0
                k = 0
            }
        }
        flushPartial(acc, k, &dst, &leftover)
        return out.distance(to: dst)
    }

    /// The bytes of a quantum cut short after `k` characters: two or three characters hold one or two bytes, one
    /// holds none (truncated).
    private static func flushPartial(_ acc: UInt32, _ k: Int, _ dst: inout UnsafeMutablePointer<UInt8>,
                                     _ leftover: inout Bool) {
        if k == 2 { dst[0] = UInt8(truncatingIfNeeded: acc >> 4); dst += 1 }
        if k == 3 {
            dst[0] = UInt8(truncatingIfNeeded: acc >> 10)
            dst[1] = UInt8(truncatingIfNeeded: acc >> 2)
            dst += 2
        }
        if k == 1 { leftover = true }
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }

    /// Quoted-printable: `=XX` in either case, soft breaks (`=` + optional blanks + line end), trailing blanks
    /// before a hard line end removed, a malformed `=` kept literally. Hard line ends are kept as in the input.
    public static func decodeQuotedPrintable(_ input: [UInt8]) -> (data: [UInt8], defects: [String]) {
        input.withUnsafeBufferPointer { decodeQuotedPrintable($0) }
    }

    static func decodeQuotedPrintable(_ input: UnsafeBufferPointer<UInt8>) -> (data: [UInt8], defects: [String]) {
        let n = input.count
        var out = [UInt8]()
        out.reserveCapacity(n)
        var bad = false
        var i = 0
        var pendingBlanks = 0 // count of blanks emitted since the last non-blank (for trailing-blank removal)
        while i < n {
            let c = input[i]
            if c == UInt8(ascii: "=") {
                if i + 2 < n, let h = hexValue(input[i + 1]), let l = hexValue(input[i + 2]) {
                    out.append(h << 4 | l)
                    pendingBlanks = 0
                    i += 3
                    continue
                }
                // Soft line break: '=' then blanks then CRLF/LF (or end of input).
                var j = i + 1
                while j < n, input[j] == 32 || input[j] == 9 { j += 1 }
                if j == n { i = n; continue }
                if input[j] == 10 { i = j + 1; pendingBlanks = 0; continue }
                if input[j] == 13 {
                    i = (j + 1 < n && input[j + 1] == 10) ? j + 2 : j + 1
                    pendingBlanks = 0
                    continue
                }
                bad = true
                out.append(c)
                pendingBlanks = 0
                i += 1
                continue
            }
            if c == 10 || (c == 13 && i + 1 < n && input[i + 1] == 10) {
                if pendingBlanks > 0 { out.removeLast(pendingBlanks) }
                pendingBlanks = 0
                if c == 13 { out.append(13); out.append(10); i += 2 } else { out.append(10); i += 1 }
                continue
            }
            out.append(c)
            pendingBlanks = (c == 32 || c == 9) ? pendingBlanks + 1 : 0
            i += 1
        }
        return (out, bad ? ["invalid quoted-printable escape"] : [])
    }

    /// Q encoding of RFC 2047 (underscore = space).
    static func decodeQ<S: Sequence>(_ text: S) -> [UInt8] where S.Element == UInt8 {
        let bytes = Array(text)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "_") {
                out.append(32)
            } else if c == UInt8(ascii: "="), i + 2 < bytes.count, let h = hexValue(bytes[i + 1]),
                let l = hexValue(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(c)
            }
            i += 1
        }
        return out
    }

    /// uuencode (`begin 644 name` … `end`): decodes the first block found; nil when there is none. Without
    /// `requireBegin` (some senders leave the `begin` line out) the lines are decoded from the start when every
    /// one up to `end` is a well-formed uuencoded line, nil otherwise.
    static func decodeUU(_ input: UnsafeBufferPointer<UInt8>, requireBegin: Bool = true) -> [UInt8]? {
        let n = input.count
        var i = 0, lines = 0
        var started = !requireBegin
        var out = [UInt8]()
        while i < n {
            var e = i
            while e < n, input[e] != 10 { e += 1 }
            var le = e
            if le > i, input[le - 1] == 13 { le -= 1 }
            let line = UnsafeBufferPointer(rebasing: input[i..<le])
            i = e + 1
            if !started {
                if line.count >= 6, line.starts(with: Array("begin ".utf8)) { started = true }
                continue
            }
            if line.count >= 3, line.starts(with: Array("end".utf8)) { return out }
            if requireBegin {
                if let first = line.first, first > 32, first < 97 { appendUULine(line, to: &out) }
                continue
            }
            guard let first = line.first else { continue }
            let count = Int((first &- 32) & 63)
            // (Trailing blanks, which stand for zero bits, may have been stripped in transit.)
            guard first >= 32, first <= 96, line.count + 2 >= (count + 2) / 3 * 4,
                  line.allSatisfy({ $0 >= 32 && $0 <= 96 }) else { return nil }
            appendUULine(line, to: &out)
            lines += 1
        }
        return requireBegin ? (started ? out : nil) : (lines > 0 ? out : nil)
    }

    /// One uuencoded line: a length character, then groups of four characters for three bytes.
    static func appendUULine(_ line: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let count = Int((line[0] &- 32) & 63)
        var bytes: [UInt8] = []
        var j = 1
        @inline(__always) func six(_ k: Int) -> UInt8 { k < line.count ? (line[k] &- 32) & 63 : 0 }   // stripped blanks
        while j < line.count, bytes.count < count {
            let a = six(j), b = six(j + 1), c = six(j + 2), d = six(j + 3)
            bytes.append(a << 2 | b >> 4)
            bytes.append((b & 15) << 4 | c >> 2)
            bytes.append((c & 3) << 6 | d)
            j += 4
        }
        out.append(contentsOf: bytes.prefix(count))
    }
}
