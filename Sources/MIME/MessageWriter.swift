import Foundation

/// OutgoingMail → RFC 5322 bytes (CRLF). Nothing a caller puts into a field can start a new header:
/// CR, LF and NUL are removed, non-ASCII is RFC 2047-encoded, long lines are folded, and no line passes 998 octets
/// (free text is cut at `maxTextOctets`, over-long Message-IDs are left out).
public enum MessageWriter {
    public static func render(_ mail: OutgoingMail) -> [UInt8] {
        // Built as bytes: every header value is 7-bit ASCII by now (encoded, filtered or tokenized), so byte counts
        // are character counts for folding; String concatenation here cost more than the database insert.
        var out: [UInt8] = []
        out.reserveCapacity(mail.body.utf8.count + mail.body.utf8.count / 8 + 1024)
        func add(_ name: String, _ value: String) {
            appendFolded(name + ": " + value, to: &out)
            out.append(13); out.append(10)
        }
        add("Date", rfc5322Date(mail.date, offsetSeconds: mail.timeZone?.secondsFromGMT(for: mail.date) ?? 0))
        add("From", address(mail.from))
        if !mail.to.isEmpty { add("To", mail.to.map(address).joined(separator: ", ")) }
        if !mail.cc.isEmpty { add("Cc", mail.cc.map(address).joined(separator: ", ")) }
        if let replyTo = mail.replyTo { add("Reply-To", address(replyTo)) }
        add("Subject", encodeText(mail.subject))
        add("Message-ID", "<" + identifier(mail.messageID) + ">")
        // A customer's Message-ID can be of any length and cannot be folded: one too long for a line is left out.
        let fits = { (id: String) in !id.isEmpty && id.utf8.count <= maxTextOctets }
        if let parent = mail.inReplyTo.map(identifier), fits(parent) { add("In-Reply-To", "<" + parent + ">") }
        let references = mail.references.map(identifier).filter(fits)
        if !references.isEmpty { add("References", references.map { "<" + $0 + ">" }.joined(separator: " ")) }
        if let auto = mail.autoSubmitted {
            add("Auto-Submitted", token(auto))
            // Exchange and most autoresponders honour this, not RFC 3834.
            add("X-Auto-Response-Suppress", "All")
        }
        for header in mail.extraHeaders where isHeaderName(header.name) {
            add(header.name, encodeText(header.value))
        }
        add("MIME-Version", "1.0")
        appendBody(of: mail, to: &out)
        return out
    }

    /// Display name quoted or encoded, address stripped of anything that could break the header.
    public static func address(_ a: Address) -> String {
        let email = identifier(a.email)
        guard let name = a.name.map(clean), !name.isEmpty else { return email }
        if name.unicodeScalars.allSatisfy({ $0.isASCII }) {
            let escaped = name.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 })
                ? name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") : name
            return "\"\(escaped)\" <\(email)>"
        }
        return encodeWords(name) + " <" + email + ">"
    }

    /// Octets of free text in one header value at most: a 1 MB subject was echoed as one 1 MB line (RFC 5322
    /// allows 998 per line); what passes this is cut, on a character boundary.
    public static let maxTextOctets = 900

    /// Free text for a header: cleaned; runs of non-ASCII words RFC 2047-encoded, plain words (like `[PD-…]`) left
    /// readable; at most `maxTextOctets` octets, so every folded line fits.
    public static func encodeText(_ text: String) -> String {
        var cleaned = clean(text)
        if cleaned.utf8.count > maxTextOctets { cleaned = prefix(cleaned, maxTextOctets) }
        var encoded = encodeCleanText(cleaned)
        // Encoding can grow the text by up to 5/3 plus the words' frames: shorten until it fits (twice at most).
        while encoded.utf8.count > maxTextOctets {
            let keep = cleaned.utf8.count * maxTextOctets / encoded.utf8.count - 16
            cleaned = prefix(cleaned, max(0, keep)).trimmingBlanks()
            encoded = encodeCleanText(cleaned)
        }
        return encoded
    }

    /// The first `count` bytes of UTF-8 text or fewer, ending on a character boundary (walks no further).
    static func prefix(_ text: String, _ count: Int) -> String {
        var used = 0
        for character in text {
            let n = character.utf8.count
            if used + n > count { break }
            used += n
        }
        return String(decoding: text.utf8.prefix(used), as: UTF8.self)
    }

    static func encodeCleanText(_ cleaned: String) -> String {
        // Plain ASCII without "=?" splits into words and joins back unchanged (clean left single spaces only).
        if cleaned.utf8.allSatisfy({ $0 < 0x80 }) && !cleaned.containsBytes("=?") { return cleaned }
        var out: [String] = []
        var pending: [Substring] = []
        func flush() {
            if !pending.isEmpty { out.append(encodeWords(pending.joined(separator: " "))) }
            pending = []
        }
        for word in cleaned.split(separator: " ") {
            // A plain word that looks like an encoded word would be decoded by readers: encode it too.
            if word.unicodeScalars.allSatisfy({ $0.isASCII }) && !word.contains("=?") {
                flush()
                out.append(String(word))
            } else {
                pending.append(word)
            }
        }
        flush()
        return out.joined(separator: " ")
    }

    /// One line of text: controls (CR, LF, NUL …), escapes and direction overrides removed, blanks collapsed.
    static func clean(_ text: String) -> String { CustomerText.line(text) }

    /// Message-IDs and addresses: printable ASCII without space, brackets or controls.
    static func identifier(_ text: String) -> String {
        if text.utf8.allSatisfy(isIdentifierByte) { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter {
            $0.isASCII && isIdentifierByte(UInt8($0.value))
        }))
    }

    static func isIdentifierByte(_ b: UInt8) -> Bool {
        b > 0x20 && b < 0x7F && b != 0x3C && b != 0x3E && b != 0x2C && b != 0x3B && b != 0x22   // not < > , ; "
    }

    static func token(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.isASCII &&
            ($0.properties.isAlphabetic || $0 == "-" || $0.properties.numericType != nil) }))
    }

    static func isHeaderName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7F && $0 != ":" }
    }

    /// RFC 2047 B-encoded words of at most 75 characters, split on character boundaries.
    static func encodeWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            // 36 raw bytes → 48 base64 characters + 12 for "=?utf-8?B??=": the first word fits beside "Subject: ".
            if chunk.count + bytes.count > 36 {
                words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: " ")
    }

    /// Folds a header line at spaces so no line passes 78 characters where a space allows it (the line is ASCII).
    static func appendFolded(_ line: String, to out: inout [UInt8]) {
        guard line.utf8.count > 78 else { out.append(contentsOf: line.utf8); return }
        var width = 0   // of the output line being built; 0 = nothing on it yet
        for word in line.utf8.split(separator: 32, omittingEmptySubsequences: false) {
            if width > 0, width + 1 + word.count > 78 {
                out.append(contentsOf: [13, 10, 32])
                width = 1
            } else if width > 0 {
                out.append(32)
                width += 1
            }
            out.append(contentsOf: word)
            width += word.count
        }
    }

    /// "Sun, 22 Nov 2026 03:42:22 +0100" — formatted by hand: a DateFormatter per mail cost more than the rest of
    /// rendering. The wall-clock time is the instant moved by the offset, then broken down as UTC.
    public static func rfc5322Date(_ date: Date, offsetSeconds: Int = 0) -> String {
        let t = UTCTime(date.addingTimeInterval(Double(offsetSeconds)))
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let minutes = abs(offsetSeconds) / 60
        let offset = (offsetSeconds < 0 ? "-" : "+") + String(minutes / 60).leftPadded(to: 2)
            + String(minutes % 60).leftPadded(to: 2)
        return "\(days[t.weekday]), \(t.day) \(months[t.monthIndex]) \(t.year) \(t.hour):\(t.minute):\(t.second) "
            + offset
    }
}

/// Quoted-printable (RFC 2045 §6.7) encoding of UTF-8 text with CRLF line ends.
public enum QuotedPrintable {
    public static func encode(_ text: String) -> String {
        var out: [UInt8] = []
        encode(text, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding; lines end CRLF whether the text used CRLF, CR or LF, and the last line gets one too.
    public static func encode(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { encode($0, into: &out) }
    }

    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        let n = bytes.count
        // Room for the worst case, written through a pointer and not zero-filled (appending byte by byte was most of
        // rendering): each input byte gives at most 3, a soft break (3) needs at least 25 input bytes since the last,
        // plus the last CRLF.
        let encoded = [UInt8](unsafeUninitializedCapacity: 4 * n + 16) { dst, written in
            let hex: StaticString = "0123456789ABCDEF"
            var o = 0
            var width = 0
            var i = 0
            while i < n {
                // Runs of bytes that never need encoding (printable ASCII but "=", no blanks) are copied as they are.
                while i < n, width < 75 {
                    let b = bytes[i]
                    guard b >= 33 && b <= 126 && b != 61 else { break }
                    dst[o] = b
                    o += 1; width += 1; i += 1
                }
                guard i < n else { break }
                let b = bytes[i]
                if b == 13 || b == 10 {
                    dst[o] = 13; dst[o + 1] = 10; o += 2
                    width = 0
                    if b == 13, i + 1 < n, bytes[i + 1] == 10 { i += 1 }
                    i += 1
                    continue
                }
                let isLast = i + 1 == n || bytes[i + 1] == 13 || bytes[i + 1] == 10
                let plain = (b >= 33 && b <= 126 && b != 61) || ((b == 32 || b == 9) && !isLast)
                let size = plain ? 1 : 3
                if width + size > 75 {
                    dst[o] = 61; dst[o + 1] = 13; dst[o + 2] = 10; o += 3   // soft line break
                    width = 0
                }
                if plain {
                    dst[o] = b
                } else {
                    dst[o] = 61
                    dst[o + 1] = hex.utf8Start[Int(b >> 4)]
                    dst[o + 2] = hex.utf8Start[Int(b & 15)]
                }
                o += size
                width += size
                i += 1
            }
            dst[o] = 13; dst[o + 1] = 10
            written = o + 2
        }
        out.append(contentsOf: encoded)
    }
}
