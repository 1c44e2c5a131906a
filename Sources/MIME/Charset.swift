import Glibc

/// Charset labels as mail clients use them → text, through iconv (Glibc). Bad bytes become U+FFFD.
public enum Charset {
    /// How a label is decoded.
    enum Target: Equatable {
        /// UTF-8; invalid sequences become U+FFFD.
        case utf8
        /// UTF-8 when the bytes are valid UTF-8, else windows-1252 (unlabelled, us-ascii, latin-1).
        case utf8OrWindows1252
        /// An iconv name. `asciiSafe` is false for stateful or wide encodings (UTF-7/16/32, ISO-2022-*).
        case iconv(String, asciiSafe: Bool)
    }

    /// Lower-cased, trimmed label without quotes or RFC 2231 language suffix.
    static func normalize(_ label: String) -> String {
        var s = label.lowercased()
        if let star = s.firstIndex(of: "*") { s = String(s[..<star]) }
        return String(s.unicodeScalars.filter { $0 != "\"" && $0 != "'" && $0 != " " && $0 != "\t" })
    }

    /// iconv name for a mail-client label; nil when not known by alias (try iconv with the label itself).
    static func target(for label: String?) -> Target? {
        guard let label else { return .utf8OrWindows1252 }
        let s = normalize(label)
        switch s {
        case "", "us-ascii", "ascii", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819",
             "iso-ir-100", "ansi_x3.4-1968", "iso_8859-1:1987", "us", "646", "iso646-us", "x-unknown", "unknown-8bit",
             "unknown", "default", "x-user-defined", "8bit", "7bit", "none", "charset", "us_ascii", "ibm367", "cp367":
            return .utf8OrWindows1252
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "unicode-2-0-utf-8", "utf-8-sig", "x-utf8",
            "utf_8":
            return .utf8
        case "windows-1252", "cp1252", "cp-1252", "x-cp1252", "win-1252", "windows1252", "ms-ansi", "ansi":
            return .iconv("WINDOWS-1252", asciiSafe: true)
        case "gb2312", "gbk", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "x-euc-cn", "chinese", "csgb2312",
             "gb_2312-80", "gb2312-80", "gb18030", "iso-ir-58", "x-gb2312", "hz-gb-2312":
            return s == "hz-gb-2312" ? .iconv("HZ-GB-2312", asciiSafe: false) : .iconv("GB18030", asciiSafe: true)
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932", "ms932",
             "x-ms-cp932", "shiftjis", "x-shift_jis", "s-jis":
            return .iconv("CP932", asciiSafe: true)
        case "euc-kr", "ks_c_5601-1987", "ks_c_5601", "ksc5601", "ksc_5601", "ks_c_5601-1989", "cseuckr", "korean",
             "windows-949", "cp949", "x-windows-949", "uhc", "euckr", "ks_x_1001", "iso-ir-149", "x-euc-kr":
            return .iconv("CP949", asciiSafe: true)
        case "euc-jp", "x-euc-jp", "eucjp", "cseucpkdfmtjapanese", "x-euc":
            return .iconv("EUC-JP-MS", asciiSafe: true)
        case "iso-2022-jp", "csiso2022jp", "iso2022jp", "iso-2022-jp-1", "jis", "x-jis", "iso-2022-jp-2",
            "iso-2022-jp-3":
            return .iconv("ISO-2022-JP", asciiSafe: false)
        case "iso-2022-kr", "csiso2022kr":
            return .iconv("ISO-2022-KR", asciiSafe: false)
        case "iso-2022-cn", "iso-2022-cn-ext":
            return .iconv("ISO-2022-CN-EXT", asciiSafe: false)
        case "big5", "big-5", "cn-big5", "x-x-big5", "csbig5", "big5-hkscs", "x-big5", "cp950", "windows-950", "ms950":
            return .iconv("BIG5-HKSCS", asciiSafe: true)
        case "utf-7", "utf7", "unicode-1-1-utf-7", "x-unicode-2-0-utf-7", "csunicode11utf7", "x-utf-7":
            return .iconv("UTF-7", asciiSafe: false)
        case "utf-16", "utf16", "unicode", "ucs-2", "csunicode", "iso-10646-ucs-2":
            return .iconv("UTF-16", asciiSafe: false)
        case "utf-16le", "utf-16be", "utf-32", "utf-32le", "utf-32be", "ucs-4":
            return .iconv(s.uppercased(), asciiSafe: false)
        case "x-mac-roman", "mac", "macintosh", "x-mac", "macroman", "mac-roman", "csmacintosh":
            return .iconv("MACINTOSH", asciiSafe: true)
        case "maccyrillic", "x-mac-cyrillic", "mac-cyrillic", "x-mac-ukrainian":
            return .iconv("MAC-CYRILLIC", asciiSafe: true)
        case "x-mac-ce", "x-mac-centraleurroman", "mac-centraleurope", "maccentraleurope":
            return .iconv("MAC-CENTRALEUROPE", asciiSafe: true)
        case "tis-620", "tis620", "windows-874", "cp874", "x-cp874", "iso-8859-11", "iso8859-11", "dos-874":
            return .iconv("CP874", asciiSafe: true)
        case "koi8-r", "koi8r", "cskoi8r", "koi8":
            return .iconv("KOI8-R", asciiSafe: true)
        case "koi8-u", "koi8u", "koi8-ru":
            return .iconv("KOI8-U", asciiSafe: true)
        case "iso-8859-8-i", "iso-8859-8-e", "iso_8859-8-i", "logical", "visual", "iso-8859-8i", "csiso88598i":
            return .iconv("ISO-8859-8", asciiSafe: true)
        case "iso-8859-6-i", "iso-8859-6-e":
            return .iconv("ISO-8859-6", asciiSafe: true)
        default:
            break
        }
        // iso-8859-N / iso8859-N / iso_8859-N / latinN
        for prefix in ["iso-8859-", "iso8859-", "iso_8859-", "iso8859_", "iso-8859_", "iso 8859-",
            "8859-"] where s.hasPrefix(prefix) {
            let rest = s.dropFirst(prefix.count).prefix { $0.isNumber }
            if let n = Int(rest), (1...16).contains(n), n != 12 {
                if n == 1 { return .utf8OrWindows1252 }
                if n == 11 { return .iconv("CP874", asciiSafe: true) }
                return .iconv("ISO-8859-\(n)", asciiSafe: true)
            }
        }
        for prefix in ["windows-", "cp", "x-cp", "win-", "windows", "cp-", "ms-"] where s.hasPrefix(prefix) {
            if let n = Int(s.dropFirst(prefix.count)), (1250...1258).contains(n) {
                return n == 1252 ? .iconv("WINDOWS-1252", asciiSafe: true) : .iconv("WINDOWS-\(n)", asciiSafe: true)
            }
            if let n = Int(s.dropFirst(prefix.count)), [437, 850, 852, 855, 857, 858, 860, 861, 862, 863, 865, 866,
                869].contains(n) {
                return .iconv("CP\(n)", asciiSafe: true)
            }
        }
        let latin: [String: Int] = ["latin2": 2, "latin3": 3, "latin4": 4, "latin5": 9, "latin6": 10, "latin7": 13,
                                    "latin8": 14, "latin9": 15, "latin10": 16, "l2": 2, "l5": 9, "l9": 15,
                                    "latin-9": 15,
                                    "cyrillic": 5, "greek": 7, "hebrew": 8, "arabic": 6]
        if let n = latin[s] { return .iconv("ISO-8859-\(n)", asciiSafe: true) }
        return nil
    }

    static func iconvKnows(_ name: String) -> Bool {
        let cd = iconv_open("UTF-8", name)
        if cd == iconv_t(bitPattern: -1) { return false }
        iconv_close(cd)
        return true
    }

    /// Whether iconv (or our own table) knows the label.
    public static func isKnown(_ label: String) -> Bool {
        if target(for: label) != nil { return true }
        let name = normalize(label).uppercased()
        guard !name.isEmpty, name.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x2F }) else { return false }
        let cd = iconv_open("UTF-8", name)
        if cd == iconv_t(bitPattern: -1) { return false }
        iconv_close(cd)
        return true
    }

    /// Decodes `bytes` labelled `label` (nil = unlabelled). Never fails: an unknown label reads as UTF-8,
    /// else windows-1252, and `known` is false.
    public static func decode(_ bytes: [UInt8], label: String?) -> (text: String, known: Bool) {
        bytes.withUnsafeBufferPointer { decode($0, label: label) }
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, label: String?) -> (text: String, known: Bool) {
        var known = true
        var target = target(for: label)
        if target == nil, let label {
            let name = normalize(label).uppercased()
            if !name.isEmpty, name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x2F }), iconvKnows(name) {
                target = .iconv(name, asciiSafe: !(name.hasPrefix("UTF-") || name.hasPrefix("UCS") ||
                    name.contains("2022")))
            } else {
                return (utf8OrWindows1252(bytes), false)
            }
        }
        switch target ?? .utf8OrWindows1252 {
        case .utf8:
            return (String(decoding: stripBOM(bytes), as: UTF8.self), true)
        case .utf8OrWindows1252:
            return (utf8OrWindows1252(bytes), true)
        case let .iconv(name, asciiSafe):
            if asciiSafe, isASCII(bytes) { return (String(decoding: bytes, as: UTF8.self), true) }
            if name == "ISO-2022-JP" {
                // Through EUC-JP-MS so the vendor rows (NEC/IBM: №, ①, ㈱ …) that Microsoft clients send decode too.
                if let euc = iso2022jpToEUCJP(bytes),
                   let text = euc.withUnsafeBufferPointer({ iconvDecode($0, from: "EUC-JP-MS") }) { return (
                       text, true) }
                if let text = iconvDecode(bytes, from: "ISO-2022-JP-2") { return (text, true) }
            }
            if let text = iconvDecode(bytes, from: name) { return (text, true) }
            known = false
            return (utf8OrWindows1252(bytes), known)
        }
    }

    @inline(__always) static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        // Eight bytes at a time.
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while i + 8 <= n {
                if raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                i += 8
            }
        }
        while i < n {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    static func stripBOM(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            return UnsafeBufferPointer(rebasing: bytes[3...])
        }
        return bytes
    }

    /// UTF-8 when valid, else windows-1252 (every byte maps to something; the 5 holes become U+FFFD).
    static func utf8OrWindows1252(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        if let s = String(validating: stripBOM(bytes), as: UTF8.self) { return s }
        return windows1252(bytes)
    }

    static let cp1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD,
        0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD,
        0x017E, 0x0178,
    ]

    static func windows1252(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for b in bytes {
            let v: UInt32 = (b >= 0x80 && b < 0xA0) ? cp1252High[Int(b) - 0x80] : UInt32(b)
            scalars.append(Unicode.Scalar(v)!)
        }
        return String(scalars)
    }

    /// ISO-2022-JP (ESC $ @ / ESC $ B JIS X 0208, ESC ( B / ESC ( J ASCII, ESC ( I katakana) → EUC-JP bytes.
    static func iso2022jpToEUCJP(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(s.count)
        enum Mode { case ascii, jis, kana }
        var mode = Mode.ascii
        var i = 0
        let n = s.count
        while i < n {
            let c = s[i]
            if c == 0x1B, i + 2 < n {
                let a = s[i + 1], b = s[i + 2]
                if a == 0x24, b == 0x40 || b == 0x42 { mode = .jis; i += 3; continue }
                if a == 0x24, b == 0x28, i + 3 < n, s[i + 3] == 0x44 { mode = .jis; i += 4; continue }
                if a == 0x28, b == 0x42 || b == 0x4A || b == 0x48 { mode = .ascii; i += 3; continue }
                if a == 0x28, b == 0x49 { mode = .kana; i += 3; continue }
                return nil // ISO-2022-JP-2 designations: let iconv do it
            }
            if c == 10 || c == 13 { mode = mode == .kana ? .ascii : mode; out.append(c); i += 1; continue }
            switch mode {
            case .ascii:
                out.append(c)
                i += 1
            case .kana:
                if c >= 0x21, c <= 0x5F { out.append(0x8E); out.append(c | 0x80) } else { out.append(c) }
                i += 1
            case .jis:
                if c >= 0x21, c <= 0x7E, i + 1 < n, s[i + 1] >= 0x21, s[i + 1] <= 0x7E {
                    out.append(c | 0x80)
                    out.append(s[i + 1] | 0x80)
                    i += 2
                } else {
                    out.append(c >= 0x80 ? 0xFF : c)
                    i += 1
                }
            }
        }
        return out
    }

    /// iconv with a lenient loop: U+FFFD for each invalid byte, one U+FFFD for a truncated tail. nil = unknown charset.
    static func iconvDecode(_ bytes: UnsafeBufferPointer<UInt8>, from name: String) -> String? {
        let cd = iconv_open("UTF-8", name)
        if cd == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(cd) }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return "" }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2 + 16)
        let chunkSize = 16 * 1024
        let chunk = UnsafeMutablePointer<CChar>.allocate(capacity: chunkSize)
        defer { chunk.deallocate() }
        var inPtr: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(
            mutating: UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self))
        var inLeft = bytes.count
        var guardCount = 0
        while inLeft > 0 {
            var outPtr: UnsafeMutablePointer<CChar>? = chunk
            var outLeft = chunkSize
            let rc = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
            let err = rc == -1 ? errno : 0
            let produced = chunkSize - outLeft
            if produced > 0 {
                chunk.withMemoryRebound(to: UInt8.self, capacity: produced) { p in
                    out.append(contentsOf: UnsafeBufferPointer(start: p, count: produced))
                }
            }
            if rc != -1 { break }
            if err == E2BIG { guardCount = 0; continue }
            out.append(contentsOf: [0xEF, 0xBF, 0xBD])
            if err == EILSEQ {
                inPtr! += 1
                inLeft -= 1
                // Reset shift state so one bad byte in ISO-2022 does not poison the rest.
                iconv(cd, nil, nil, nil, nil)
            } else if err == EINVAL {
                inLeft = 0
            } else {
                guardCount += 1
                if guardCount > 2 { break }
                inPtr! += 1
                inLeft -= 1
            }
        }
        // Flush shift state (stateful targets are not used, but be safe).
        var outPtr: UnsafeMutablePointer<CChar>? = chunk
        var outLeft = chunkSize
        _ = iconv(cd, nil, nil, &outPtr, &outLeft)
        let produced = chunkSize - outLeft
        if produced > 0 {
            chunk.withMemoryRebound(to: UInt8.self, capacity: produced) { p in
                out.append(contentsOf: UnsafeBufferPointer(start: p, count: produced))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
