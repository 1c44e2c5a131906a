/// The new text of a mail: what its sender wrote, without quoted history and signature, for the conventions of
/// English, Danish, German and Dutch mail clients (Outlook, Gmail, Apple Mail, Thunderbird, mutt, phones).
///
/// The rule: every line that is not quoted and lies outside the history blocks, in order. So top-, bottom- and
/// inline-posted answers all keep their words. History blocks are an attribution (`On … wrote:`) directly above a
/// quote, and everything below an Outlook separator or header block, a signature or an attribution that no quote
/// follows. A forward is part of the request: its marker, headers and text stay below the cover note. When the
/// rules leave nothing of a body that holds text, the whole body is kept and the result says so (`fellBack`).
/// One pass over the lines, each test looking at most a few lines ahead: linear in the input.
public enum ReplyExtractor {
    public static func newText(_ body: String) -> String { extract(body).text }

    /// The new text of `message`, with the text of mails attached to it (message/rfc822 forwards).
    public static func newText(of message: ParsedMessage) -> String { extract(message).text }

    public static func extract(_ message: ParsedMessage) -> ReplyExtraction {
        extract(message, depth: 0)
    }

    /// `subject` tells a forward (`FW:`, `VS:`, `WG:`) whose Outlook header block starts the forwarded mail.
    public static func extract(_ body: String, subject: String = "") -> ReplyExtraction {
        finish(ownText(body, subject: subject), body: body)
    }

    static func extract(_ message: ParsedMessage, depth: Int) -> ReplyExtraction {
        var text = ownText(message.bodyText, subject: message.subject)
        if depth < 3 {
            for a in message.attachments {
                guard let attached = a.embeddedMessage else { continue }
                let forwarded = extract(attached, depth: depth + 1).text
                var lines: [String] = []
                if let from = attached.from {
                    lines.append("From: " + (from.name.map { "\($0) <\(from.email)>" } ?? from.email))
                }
                if !attached.subject.isEmpty { lines.append("Subject: " + attached.subject) }
                if !forwarded.isEmpty { lines.append((lines.isEmpty ? "" : "\n") + forwarded) }
                guard !lines.isEmpty else { continue }
                text += (text.isEmpty ? "" : "\n\n") + lines.joined(separator: "\n")
            }
        }
        return finish(text, body: message.bodyText)
    }

    static func finish(_ text: String, body: String) -> ReplyExtraction {
        if !text.isEmpty { return ReplyExtraction(text: text) }
        // The whole body, with LF line ends as the rules' text has.
        let whole = body.contains("\r") ? body.split(separator: "\r\n", omittingEmptySubsequences: false)
            .joined(separator: "\n").trimmingBlanks() : body.trimmingBlanks()
        return ReplyExtraction(text: whole, fellBack: !whole.isEmpty)
    }

    enum State { case new, forwardHeaders, signature, history }

    /// The kept lines of `body`, blank runs collapsed, trimmed; empty when nothing is the sender's own.
    static func ownText(_ body: String, subject: String) -> String {
        var bytes = Array(body.utf8)
        var lines = lineRanges(bytes)
        var norm = NormalizedLines(bytes, lines)
        if let unwrapped = unwrapQuotedForwards(bytes, lines, norm) {
            bytes = unwrapped
            lines = lineRanges(bytes)
            norm = NormalizedLines(bytes, lines)
        }
        var forwardSubject: Bool = {
            let s = subject.lowercased().trimmingBlanks()
            return forwardSubjects.contains { s.hasPrefix($0) }
        }()

        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var lastBlank = true
        func keep(_ r: Range<Int>) {
            var hi = r.upperBound
            while hi > r.lowerBound, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
            if hi == r.lowerBound {
                if !lastBlank { out.append(10) }
                lastBlank = true
                return
            }
            out.append(contentsOf: bytes[r.lowerBound..<hi])
            out.append(10)
            lastBlank = false
        }

        var state = State.new
        var seenHeader = false
        var i = 0
        scan: while i < norm.count {
            switch state {
            case .history:
                break scan
            case .signature:
                if separator(norm[i]) == .forward { state = .forwardHeaders; seenHeader = false; keep(lines[i]) }
                i += 1
                continue
            case .forwardHeaders:
                // The forwarded mail's headers, to the first blank line after them; then its text.
                if norm.isEmpty(i) {
                    if seenHeader { state = .new }
                } else { seenHeader = true }
                keep(lines[i])
                i += 1
                continue
            case .new:
                break
            }
            if norm.isEmpty(i) { keep(lines[i]); i += 1; continue }
            if norm.first(i) == 0x3E { i += 1; continue }   // ">": quoted
            if isPlainText(norm, i) { keep(lines[i]); i += 1; continue }
            let raw = bytes[lines[i]], s = norm[i]
            if raw.count <= 3, raw.elementsEqual("-- ".utf8) || raw.elementsEqual("--".utf8) {
                state = .signature
                i += 1
                continue
            }
            if let marker = separator(s) {
                switch marker {
                case .forward:
                    keep(lines[i])
                    state = .forwardHeaders
                    seenHeader = false
                case .forwardEnd:
                    break
                case .history:
                    if forwardSubject {
                        forwardSubject = false
                        keep(lines[i])
                        state = .forwardHeaders
                        seenHeader = false
                    } else { state = .history }
                case .attribution:
                    state = isQuote(norm, nextText(norm, after: i)) ? .new : .history
                }
                i += 1
                continue
            }
            if (isRule(s) && ruleAboveHeaders(norm, i)) || headerBlock(norm, i) != nil {
                if forwardSubject {
                    forwardSubject = false
                    state = .forwardHeaders
                    seenHeader = false
                    if isRule(s) { i += 1 }
                    continue
                }
                state = .history
                continue
            }
            if let cut = trailingAttribution(raw, norm, i) {
                keep(lines[i].lowerBound..<(lines[i].lowerBound + cut))
                i += 1
                continue
            }
            if let end = attributionEnd(norm, i) {
                // Directly above a quote (or at the very end): drop it and read on, for text under the quote.
                // Above unquoted text: that text is the history.
                let next = nextText(norm, after: end)
                if next != nil, !isQuote(norm, next) { state = .history; continue }
                i = end + 1
                continue
            }
            if isDeviceSignature(s) { state = .signature; i += 1; continue }
            keep(lines[i])
            i += 1
        }
        while let l = out.last, l == 10 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// A forward that a client wrapped in a quote (Apple Mail's HTML puts it in a `<blockquote>`, some mutt
    /// settings quote it): the body with that quote block one level less deep, nil when there is none.
    static func unwrapQuotedForwards(_ bytes: [UInt8], _ lines: [Range<Int>], _ norm: NormalizedLines) -> [UInt8]? {
        var out: [UInt8]? = nil
        var copied = 0   // bytes[..<copied] are in out
        var i = 0
        while i < norm.count {
            guard norm.first(i) == 0x3E, separator(unquoted(norm[i])) == .forward else { i += 1; continue }
            if out == nil { out = []; out!.reserveCapacity(bytes.count) }
            // The block: quoted lines, and blank lines between them.
            while i < norm.count {
                if norm.isEmpty(i) {
                    guard let k = nextText(norm, after: i), norm.first(k) == 0x3E else { break }
                    i += 1
                    continue
                }
                guard norm.first(i) == 0x3E else { break }
                var k = lines[i].lowerBound
                while bytes[k] != 0x3E { k += 1 }
                out!.append(contentsOf: bytes[copied..<k])
                k += 1
                if k < lines[i].upperBound, bytes[k] == 0x20 { k += 1 }
                copied = k
                i += 1
            }
        }
        guard var result = out else { return nil }
        result.append(contentsOf: bytes[copied...])
        return result
    }
}

extension String {
    func trimming(chars set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
