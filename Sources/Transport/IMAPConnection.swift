import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One server response: the text (literals replaced by their `{n}` markers) and the literals in order.
struct IMAPResponse {
    /// "*", "+" or the tag.
    var tag: String
    /// Everything after the tag, literal markers included.
    var text: String
    var literals: [[UInt8]]
}

/// One IMAP connection made by libcurl (connect, TLS or STARTTLS, AUTHENTICATE) and then driven with
/// raw commands over `curl_easy_send`/`curl_easy_recv` (CURLOPT_CONNECT_ONLY).
final class IMAPConnection {
    private var handle: UnsafeMutableRawPointer?
    private let socket: curl_socket_t
    private let errbuf: UnsafeMutablePointer<CChar>
    private var buf: [UInt8] = []
    private var head = 0
    private var scratch: UnsafeMutablePointer<UInt8>
    private let scratchSize = 256 * 1024
    private var tagCounter = 0
    let timeout: Double
    private(set) var capabilities: Set<String> = []
    /// Latest EXISTS count of the selected mailbox (updated by every EXISTS/EXPUNGE seen).
    var exists: Int = 0
    var selected: (mailbox: String, validity: UInt64)?
    private(set) var bytesReceived = 0

    /// `timeout`: the longest time without a byte from the server while an answer is awaited (not a limit on a
    /// whole command, so a large FETCH over a slow link goes on as long as data flows).
    /// With `bearer`, SASL XOAUTH2/OAUTHBEARER instead of the password. Without, `mechanism`; when that is nil and
    /// the mechanism libcurl picks cannot start (GSSAPI/NTLM: curl error 94), PLAIN, then LOGIN (told to `log`).
    init(endpoint: MailEndpoint, username: String, password: String, bearer: MailBearer? = nil, caFile: String?,
         mechanism: AuthMechanism? = nil, connectTimeout: Double, timeout: Double, log: TransportLog? = nil) throws {
        func open(_ m: AuthMechanism?) throws -> (UnsafeMutableRawPointer, curl_socket_t, UnsafeMutablePointer<CChar>) {
            try IMAPConnection.open(endpoint: endpoint, username: username, password: password, bearer: bearer,
                                    caFile: caFile, mechanism: m, connectTimeout: connectTimeout, timeout: timeout)
        }
        let opened: (UnsafeMutableRawPointer, curl_socket_t, UnsafeMutablePointer<CChar>)
        do {
            opened = try open(mechanism)
        } catch IMAPError.mechanismCannotStart(let why) where mechanism == nil && bearer == nil {
            log?("IMAP \(endpoint.curlURL): the mechanism libcurl chose cannot start here (\(why)); "
                 + "trying PLAIN, then LOGIN")
            do {
                opened = try open(.plain)
            } catch IMAPError.authenticationFailed(let plainRefused) {
                do { opened = try open(.login) } catch IMAPError.authenticationFailed {
                    throw IMAPError.authenticationFailed(plainRefused)
                }
            }
        } catch IMAPError.mechanismCannotStart(let why) {
            throw IMAPError.authenticationFailed(why)
        }
        let (h, sock, eb) = opened
        handle = h
        socket = sock
        errbuf = eb
        scratch = .allocate(capacity: scratchSize)
        self.timeout = timeout
        let caps = try command("CAPABILITY")
        for r in caps.untagged where r.text.hasPrefix("CAPABILITY ") {
            capabilities.formUnion(r.text.dropFirst(11).split(separator: " ").map { $0.uppercased() })
        }
    }

    /// libcurl connect + TLS/STARTTLS + AUTHENTICATE, then CONNECT_ONLY hands over the socket.
    private static func open(endpoint: MailEndpoint, username: String, password: String, bearer: MailBearer?,
                             caFile: String?, mechanism: AuthMechanism?, connectTimeout: Double,
                             timeout: Double) throws
        -> (UnsafeMutableRawPointer, curl_socket_t, UnsafeMutablePointer<CChar>) {
        ensureCurlGlobalInit()
        guard let h = ccurl_easy_init() else { throw IMAPError.connectionFailed(curlInitFailure) }
        let errbuf = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errbuf.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var ok = false
        defer {
            if !ok {
                ccurl_easy_cleanup(h)
                errbuf.deallocate()
            }
        }
        _ = ccurl_setopt_pointer(h, CURLOPT_ERRORBUFFER, errbuf)
        _ = ccurl_setopt_string(h, CURLOPT_URL, endpoint.curlURL + "/")
        _ = ccurl_setopt_string(h, CURLOPT_USERNAME, username)
        if let bearer { bearer.apply(h) } else { _ = ccurl_setopt_string(h, CURLOPT_PASSWORD, password) }
        _ = ccurl_setopt_long(h, CURLOPT_CONNECT_ONLY, 1)
        _ = ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(connectTimeout * 1000))
        _ = ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(max(connectTimeout, timeout) * 1000))
        curlApplyTLS(h, endpoint: endpoint, caFile: caFile)
        curlApplyLinkOptions(h, inactivity: timeout)
        // The bearer's mechanism (set by bearer.apply) stays; `mechanism` chooses among password mechanisms.
        if let mechanism, bearer == nil { _ = ccurl_setopt_string(h, CURLOPT_LOGIN_OPTIONS,
            mechanism.curlLoginOptions) }
        let transcript = CurlTranscript()
        let transcriptRef = Unmanaged.passRetained(transcript)
        _ = ccurl_setopt_data_function(h, CURLOPT_HEADERFUNCTION, curlTranscriptCallback)
        _ = ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, transcriptRef.toOpaque())
        let rc = ccurl_easy_perform(h)
        _ = ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, nil)
        _ = ccurl_setopt_data_function(h, CURLOPT_HEADERFUNCTION, nil)
        transcriptRef.release()
        if rc != CURLE_OK {
            let text = curlErrorText(rc, errbuf)
            // The server's own words (Gmail and Microsoft 365 say why in the NO line), not just "Login denied".
            let refusal = IMAPConnection.taggedRefusal(transcript.lines)
            if rc == CURLE_AUTH_ERROR {
                throw IMAPError.mechanismCannotStart("\(username) at \(endpoint.curlURL): \(text) (curl "
                    + "\(rc.rawValue))")
            }
            if let refusal, let busy = IMAPServerLimit.kind(of: refusal) {
                throw IMAPError.serverBusy("\(endpoint.curlURL) (\(busy)): \(refusal)")
            }
            if curlIsTLSVerificationError(rc) {
                throw IMAPError.tlsVerificationFailed(tlsFailureText(text, endpoint: endpoint, caFile: caFile))
            }
            if rc == CURLE_LOGIN_DENIED {
                let said = refusal.map { "server said: \($0)" } ?? text
                throw IMAPError.authenticationFailed("\(username) at \(endpoint.curlURL): \(said)")
            }
            if rc == CURLE_USE_SSL_FAILED {
                throw IMAPError.connectionFailed(
                    "\(endpoint.curlURL) does not offer STARTTLS, which the settings require: \(text)")
            }
            throw IMAPError.connectionFailed("\(endpoint.curlURL): \(text) (curl \(rc.rawValue))")
        }
        // The transfer timeout must not cut the kept connection later.
        _ = ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, 0)
        var sock = curl_socket_t(-1)
        guard ccurl_getinfo_socket(h, CURLINFO_ACTIVESOCKET, &sock) == CURLE_OK, sock >= 0 else {
            throw IMAPError.connectionFailed("no active socket after connect")
        }
        ok = true
        return (h, sock, errbuf)
    }

    deinit {
        close()
        errbuf.deallocate()
        scratch.deallocate()
    }

    /// LOGOUT politely (without waiting long) and release the handle.
    func logout() {
        if handle != nil {
            _ = try? sendRaw(Array("\(nextTag()) LOGOUT\r\n".utf8))
        }
        close()
    }

    func close() {
        if let h = handle {
            ccurl_easy_cleanup(h)
            handle = nil
        }
    }

    var isOpen: Bool { handle != nil }

    func nextTag() -> String {
        tagCounter += 1
        return "P\(tagCounter)"
    }

    // MARK: - Commands

    struct Completion {
        var untagged: [IMAPResponse]
        var tagged: IMAPResponse
    }

    /// Sends one command and collects the untagged responses until its tagged completion.
    /// NO/BAD → `commandFailed`. `onUntagged` may consume a response (return true) to keep it out of the list.
    @discardableResult
    func command(_ cmd: String, onUntagged: ((IMAPResponse) throws -> Bool)? = nil) throws -> Completion {
        let tag = nextTag()
        try sendRaw(Array("\(tag) \(cmd)\r\n".utf8))
        return try complete(tag: tag, cmd: cmd, onUntagged: onUntagged)
    }

    /// Reads until the tagged response for `tag`.
    func complete(tag: String, cmd: String, onUntagged: ((IMAPResponse) throws -> Bool)? = nil) throws -> Completion {
        var untagged: [IMAPResponse] = []
        while true {
            guard let r = try readResponse(inactivity: timeout) else {
                throw IMAPError.connectionFailed("no data from the server for \(Int(timeout)) s during "
                    + "'\(redacted(cmd))'")
            }
            if r.tag == "*" {
                if let onUntagged, try onUntagged(r) { continue }
                untagged.append(r)
            } else if r.tag == "+" {
                throw IMAPError.protocolError("unexpected continuation request after '\(redacted(cmd))': \(r.text)")
            } else if r.tag == tag {
                let upper = r.text.prefix(3).uppercased()
                if upper.hasPrefix("OK") { return Completion(untagged: untagged, tagged: r) }
                if let busy = IMAPServerLimit.kind(of: r.text) {
                    throw IMAPError.serverBusy("'\(redacted(cmd))' (\(busy)): \(r.text)")
                }
                throw IMAPError.commandFailed(command: redacted(cmd), response: r.text)
            } else {
                throw IMAPError.protocolError("response for unknown tag \(r.tag): \(r.text)")
            }
        }
    }

    private func redacted(_ cmd: String) -> String {
        cmd.uppercased().hasPrefix("LOGIN ") ? "LOGIN ..." : cmd
    }

    // MARK: - I/O

    func sendRaw(_ bytes: [UInt8]) throws {
        guard let h = handle else { throw IMAPError.connectionFailed("connection closed") }
        var off = 0
        let deadline = Date().addingTimeInterval(timeout)
        while off < bytes.count {
            var n = 0
            let rc = bytes.withUnsafeBytes { raw in
                ccurl_easy_send(h, raw.baseAddress! + off, bytes.count - off, &n)
            }
            if rc == CURLE_OK {
                off += n
            } else if rc == CURLE_AGAIN {
                guard try waitSocket(events: Int16(POLLOUT), deadline: deadline) else {
                    throw IMAPError.connectionFailed("send timed out")
                }
            } else {
                throw IMAPError.connectionFailed("send: \(curlErrorText(rc, errbuf))")
            }
        }
    }

    /// Waits for the socket; false on timeout.
    private func waitSocket(events: Int16, deadline: Date?) throws -> Bool {
        while true {
            var ms: Int32 = -1
            if let deadline {
                let left = deadline.timeIntervalSinceNow
                if left <= 0 { return false }
                ms = Int32(min(left * 1000 + 1, 3_600_000))
            }
            var pfd = pollfd(fd: socket, events: events, revents: 0)
            let r = poll(&pfd, 1, ms)
            if r > 0 { return true }
            if r == 0 { return false }
            if errno == EINTR { continue }
            throw IMAPError.connectionFailed("poll: \(String(cString: strerror(errno)))")
        }
    }

    /// Reads more bytes into the buffer; false on timeout.
    private func fill(deadline: Date?) throws -> Bool {
        guard let h = handle else { throw IMAPError.connectionFailed("connection closed") }
        if head > 0 && (head >= buf.count || head > 4 * 1024 * 1024) {
            buf.removeSubrange(0..<head)
            head = 0
        }
        while true {
            var n = 0
            let rc = ccurl_easy_recv(h, scratch, scratchSize, &n)
            if rc == CURLE_OK {
                if n == 0 { throw IMAPError.connectionFailed("server closed the connection") }
                buf.append(contentsOf: UnsafeBufferPointer(start: scratch, count: n))
                bytesReceived += n
                return true
            }
            if rc == CURLE_AGAIN {
                // TLS: curl_easy_recv returned AGAIN, so nothing is left buffered inside OpenSSL.
                guard try waitSocket(events: Int16(POLLIN), deadline: deadline) else { return false }
                continue
            }
            throw IMAPError.connectionFailed("receive: \(curlErrorText(rc, errbuf))")
        }
    }

    /// The next complete response, or nil when no byte arrives for `inactivity` seconds (partial data stays buffered).
    func readResponse(inactivity: Double) throws -> IMAPResponse? {
        while true {
            if let r = try parseBuffered() { return r }
            guard try fill(deadline: Date().addingTimeInterval(inactivity)) else { return nil }
        }
    }

    /// The next complete response, or nil when `deadline` passes first (partial data stays buffered).
    func readResponse(deadline: Date?) throws -> IMAPResponse? {
        while true {
            if let r = try parseBuffered() { return r }
            guard try fill(deadline: deadline) else { return nil }
        }
    }

    /// Parses one response from the buffer without consuming anything unless it is complete.
    private func parseBuffered() throws -> IMAPResponse? {
        var pos = head
        var text: [UInt8] = []
        var literals: [[UInt8]] = []
        let count = buf.count
        while true {
            // find the end of this line piece
            let nl: Int? = buf.withUnsafeBufferPointer { p -> Int? in
                guard pos < count else { return nil }
                guard let hit = memchr(p.baseAddress! + pos, 0x0A, count - pos) else { return nil }
                return p.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            guard let nl else {
                if count - head > 64 * 1024 * 1024 && literals.isEmpty && text.isEmpty {
                    throw IMAPError.protocolError("response line longer than 64 MB")
                }
                return nil
            }
            var end = nl
            if end > pos && buf[end - 1] == 0x0D { end -= 1 }
            let piece = buf[pos..<end]
            text.append(contentsOf: piece)
            pos = nl + 1
            // literal marker {n} or {n+} at the end of the piece?
            if let n = IMAPConnection.literalLength(piece) {
                guard count - pos >= n else { return nil }
                literals.append(Array(buf[pos..<(pos + n)]))
                pos += n
                continue
            }
            break
        }
        head = pos
        guard let sp = text.firstIndex(of: 0x20) else {
            let s = String(decoding: text, as: UTF8.self)
            if s == "+" { return IMAPResponse(tag: "+", text: "", literals: []) }
            throw IMAPError.protocolError("malformed response '\(s.prefix(200))'")
        }
        let tag = String(decoding: text[0..<sp], as: UTF8.self)
        let rest = String(decoding: text[(sp + 1)...], as: UTF8.self)
        var r = IMAPResponse(tag: tag, text: rest, literals: literals)
        if tag == "*" { try noteUntagged(&r) }
        return r
    }

    /// `{123}` or `{123+}` at the very end of a line piece.
    static func literalLength(_ piece: ArraySlice<UInt8>) -> Int? {
        guard let last = piece.last, last == UInt8(ascii: "}") else { return nil }
        guard let open = piece.lastIndex(of: UInt8(ascii: "{")) else { return nil }
        var n = 0
        var digits = 0
        for b in piece[(open + 1)..<(piece.endIndex - 1)] {
            if b >= 0x30 && b <= 0x39 {
                n = n * 10 + Int(b - 0x30); digits += 1
                if digits > 12 { return nil }
            } else if b == UInt8(ascii: "+") && digits > 0 {
                continue
            } else {
                return nil
            }
        }
        return digits > 0 ? n : nil
    }

    /// Keeps EXISTS in step and notices BYE.
    private func noteUntagged(_ r: inout IMAPResponse) throws {
        let t = r.text
        guard let first = t.utf8.first else { return }
        if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
            let parts = t.split(separator: " ", maxSplits: 2)
            if parts.count >= 2, let n = Int(parts[0]) {
                switch parts[1].uppercased() {
                case "EXISTS": exists = n
                case "EXPUNGE": exists = max(0, exists - 1)
                default: break
                }
            }
        } else if t.hasPrefix("BYE") {
            // The server is closing; the tagged answer will not come. Unasked, it is overload or a limit.
            close()
            let said = "server said BYE: \(t.dropFirst(3).trimmingCharacters(in: .whitespaces))"
            if IMAPServerLimit.kind(of: t) != nil || IMAPServerLimit.isOverload(t) { throw IMAPError.serverBusy(said) }
            throw IMAPError.connectionFailed(said)
        }
    }

    /// `UID SEARCH <criteria>` in the selected mailbox: the UIDs, ascending.
    func uidSearch(_ criteria: String) throws -> [UInt64] {
        var uids: [UInt64] = []
        try command("UID SEARCH \(criteria)") { r in
            guard r.text.hasPrefix("SEARCH") else { return false }
            uids += r.text.dropFirst(6).split(separator: " ").compactMap { UInt64($0) }
            return true
        }
        return uids.sorted()
    }

    // MARK: - Helpers

    /// The text of the last tagged NO/BAD in a libcurl transcript ("A002 NO [AUTHENTICATIONFAILED] Invalid …").
    static func taggedRefusal(_ lines: [String]) -> String? {
        for line in lines.reversed() {
            let parts = line.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0] != "*", parts[0] != "+" else { continue }
            let text = String(parts[1])
            let verb = text.prefix(3).uppercased()
            if verb.hasPrefix("NO") || verb.hasPrefix("BAD") { return text }
        }
        return nil
    }

    /// An IMAP quoted string.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        out.append("\"")
        return out
    }

    /// The number after `[KEY ` in a response text, e.g. `OK [UIDVALIDITY 123] ...`.
    static func responseCodeNumber(_ text: String, _ key: String) -> UInt64? {
        guard let r = text.range(of: "[\(key) ") else { return nil }
        let digits = text[r.upperBound...].prefix { $0.isNumber }
        return UInt64(digits)
    }

    /// `UID n` inside a FETCH response's text.
    static func fetchUID(_ text: String) -> UInt64? {
        guard let open = text.firstIndex(of: "(") else { return nil }
        var rest = text[text.index(after: open)...]
        while let r = rest.range(of: "UID ") {
            let before = r.lowerBound == rest.startIndex ? " " : rest[rest.index(before: r.lowerBound)]
            if before == " " || before == "(" {
                let digits = rest[r.upperBound...].prefix { $0.isNumber }
                if let v = UInt64(digits) { return v }
            }
            rest = rest[r.upperBound...]
        }
        return nil
    }
}
