import CCurl
import Foundation

/// Where and how to hand outgoing mail to an SMTP relay. Secrets arrive already resolved.
public struct SMTPSettings: Sendable, Equatable {
    /// `smtp://host:587` (STARTTLS required, or plain with `tls: .none` on loopback) or `smtps://host:465`.
    public var url: String
    /// AUTH credentials; nil = no AUTH.
    public var username: String?
    public var password: String?
    /// Derived from the URL scheme when nil: smtps → implicit, smtp → starttls.
    public var tls: TLSMode?
    /// PEM file with the CA(s) to trust; nil = the system store. Verification is always on.
    public var caFile: String?
    /// The EHLO name.
    public var heloName: String
    public var connectTimeout: Double
    /// Longest time without progress (under 1 byte/s) before a send counts as failed; not a limit on the whole send.
    public var timeout: Double
    /// The SASL mechanism; nil = libcurl's choice.
    public var mechanism: AuthMechanism?
    /// OAuth2 (XOAUTH2/OAUTHBEARER) for AUTH instead of the password (needs `username`); see Transport/OAuth.
    public var oauth2: OAuth2Settings? = nil
    /// A per-mail envelope sender `support+b<token>@…` (VERP, issue 15; the worker applies it): bounces then name the
    /// mail they report. Off for servers that take no plus-addressed mail (on-prem Exchange).
    public var verp = true

    public init(url: String, username: String? = nil, password: String? = nil, tls: TLSMode? = nil,
                caFile: String? = nil, heloName: String = "localhost",
                connectTimeout: Double = 10, timeout: Double = 120) {
        self.url = url
        self.username = username
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// Every mistake in the settings, found without connecting. `usingTokens`: the sender was handed a token
    /// provider directly (no password needed).
    public func problems(usingTokens: Bool = false) -> [TransportConfigError] {
        var found: [TransportConfigError] = []
        do { _ = try endpoint() } catch let e as TransportConfigError { found.append(e) } catch {}
        if heloName.isEmpty || heloName.utf8.contains(where: { $0 <= 0x20 || $0 > 0x7E || $0 == UInt8(ascii: "/") }) {
            found.append(TransportConfigError(field: "heloName",
                                              "SMTP heloName '\(heloName)' must be a plain host name"))
        }
        if oauth2 != nil || usingTokens {
            if username == nil { found.append(TransportConfigError(field: "username", "SMTP OAuth2 needs a username")) }
        } else if (username == nil) != (password == nil) {
            found.append(TransportConfigError(field: username == nil ? "username" : "password",
                                              "SMTP username and password must be given together"))
        }
        if let problem = caFileProblem(caFile) { found.append(problem) }
        return found
    }

    func endpoint() throws -> MailEndpoint {
        try MailEndpoint.parse(url, tls: tls, plainScheme: "smtp", tlsScheme: "smtps", plainPort: 587, tlsPort: 465,
                               what: "SMTP")
    }

    func validated(usingTokens: Bool = false) throws -> MailEndpoint {
        if let first = problems(usingTokens: usingTokens).first { throw first }
        return try endpoint()
    }
}

/// Upload state handed to libcurl's read callback.
private final class SMTPUpload {
    var bytes: [UInt8] = []
    var pos = 0
}


private let smtpReadCallback: ccurl_read_cb = { buffer, size, nitems, userdata in
    guard let buffer, let userdata else { return 0 }
    let up = Unmanaged<SMTPUpload>.fromOpaque(userdata).takeUnretainedValue()
    let n = min(size * nitems, up.bytes.count - up.pos)
    if n > 0 {
        up.bytes.withUnsafeBytes { raw in
            UnsafeMutableRawPointer(buffer).copyMemory(from: raw.baseAddress! + up.pos, byteCount: n)
        }
        up.pos += n
    }
    return n
}

/// Sends mail through one libcurl easy handle that is kept across mails, so libcurl reuses the
/// connection (and its TLS session and AUTH) while the server keeps it open.
/// 4xx replies and connection/TLS/login problems → `SendError.temporary`; 5xx → `SendError.permanent`.
/// Not thread-safe: one owner thread.
public final class SMTPSender: MailSender {
    public let settings: SMTPSettings
    let endpoint: MailEndpoint
    private var handle: UnsafeMutableRawPointer?
    private let errbuf: UnsafeMutablePointer<CChar>
    private let log: TransportLog
    /// Connections opened by the last send (0 = the previous connection was reused).
    public private(set) var lastSendNewConnections = 0
    private var failing = false
    /// Set when the settings ask for OAuth2.
    private let tokens: OAuth2TokenProvider?

    /// `tokens` overrides the provider `settings.oauth2` would get (tests inject one with their own clock).
    public init(settings: SMTPSettings, log: @escaping TransportLog = transportLogToStandardError,
                tokens: OAuth2TokenProvider? = nil) throws {
        self.settings = settings
        self.endpoint = try settings.validated(usingTokens: tokens != nil)
        self.log = log
        self.tokens = tokens ?? settings.oauth2.map { OAuth2TokenProvider.shared($0, log: log) }
        errbuf = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errbuf.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        ensureCurlGlobalInit()
    }

    deinit {
        close()
        errbuf.deallocate()
    }

    /// Closes the kept connection (libcurl sends QUIT).
    public func close() {
        if let h = handle { ccurl_easy_cleanup(h) }
        handle = nil
    }

    private func easyHandle() throws -> UnsafeMutableRawPointer {
        if let handle { return handle }
        let h = try loginHandle()
        // One refused recipient must not fail the mail for the others (curl 7.88 spells it ALLLOWFAILS).
        _ = ccurl_setopt_long(h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1)
        _ = ccurl_setopt_long(h, CURLOPT_UPLOAD, 1)
        _ = ccurl_setopt_read_function(h, smtpReadCallback)
        handle = h
        return h
    }

    /// A handle that connects, does TLS or STARTTLS, EHLO and AUTH as configured: what sending and
    /// `checkLogin` share.
    private func loginHandle() throws -> UnsafeMutableRawPointer {
        guard let h = ccurl_easy_init() else { throw SendError.temporary(curlInitFailure) }
        _ = ccurl_setopt_pointer(h, CURLOPT_ERRORBUFFER, errbuf)
        _ = ccurl_setopt_string(h, CURLOPT_URL, "\(endpoint.curlURL)/\(settings.heloName)")
        if let u = settings.username, let p = settings.password, tokens == nil {
            _ = ccurl_setopt_string(h, CURLOPT_USERNAME, u)
            _ = ccurl_setopt_string(h, CURLOPT_PASSWORD, p)
        } else if let u = settings.username, tokens != nil {
            _ = ccurl_setopt_string(h, CURLOPT_USERNAME, u)
        }
        _ = ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(h, CURLOPT_CONNECTTIMEOUT_MS, Int(settings.connectTimeout * 1000))
        curlApplyLinkOptions(h, inactivity: settings.timeout)
        if let m = settings.mechanism { _ = ccurl_setopt_string(h, CURLOPT_LOGIN_OPTIONS, m.curlLoginOptions) }
        curlApplyTLS(h, endpoint: endpoint, caFile: settings.caFile)
        _ = ccurl_setopt_data_function(h, CURLOPT_HEADERFUNCTION, curlTranscriptCallback)
        return h
    }

    /// `postdesk auth check`: logs in as a send would — EHLO, STARTTLS or TLS, AUTH with the configured mechanism
    /// (password or OAuth2 token) — then sends NOOP instead of a mail (no MAIL FROM: libcurl's custom command) and
    /// QUIT. (CURLOPT_CONNECT_ONLY would log in too, but closes without QUIT.) Returns the server's AUTH reply;
    /// throws `SendError` with the server's words on refusal.
    public func checkLogin() throws -> String {
        let h = try loginHandle()
        defer { ccurl_easy_cleanup(h) }   // sends QUIT
        _ = ccurl_setopt_string(h, CURLOPT_CUSTOMREQUEST, "NOOP")
        let transcript = CurlTranscript()
        let trRef = Unmanaged.passRetained(transcript)
        defer { trRef.release() }
        _ = ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, trRef.toOpaque())
        // NOOP's answer is the "body" of a custom command: into the transcript, not onto stdout.
        _ = ccurl_setopt_data_function(h, CURLOPT_WRITEFUNCTION, curlTranscriptCallback)
        _ = ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, trRef.toOpaque())
        errbuf.pointee = 0
        let rc = try perform(h, transcript: transcript) { transcript.bytes.removeAll() }
        guard rc == CURLE_OK else { throw failure(rc, h, transcript) }
        let replies = transcript.lines.filter { $0.hasPrefix("235") }
        if settings.username != nil, replies.isEmpty {
            // libcurl skips AUTH when the server offers no mechanism it can use: that is no login.
            throw SendError.account("SMTP \(endpoint.curlURL) offered no AUTH mechanism for \(settings.username ?? "")"
                + " (EHLO said: " + transcript.lines.filter { $0.hasPrefix("250") }.joined(separator: " ") + ")")
        }
        return replies.last ?? "connected, no AUTH configured"
    }

    /// curl_easy_perform with the OAuth2 token (renewed once when the server refuses it).
    private func perform(_ h: UnsafeMutableRawPointer, transcript: CurlTranscript,
                         reset: () -> Void) throws -> CURLcode {
        do {
            return try OAuth2TokenProvider.login(tokens, mapError: { SendError.temporary("SMTP: \($0)") },
                                                 isRefusal: { $0 is SMTPLoginRefused }) { bearer in
                bearer?.apply(h)
                reset()
                let rc = ccurl_easy_perform(h)
                if rc == CURLE_LOGIN_DENIED && bearer != nil { throw SMTPLoginRefused(code: rc) }
                return rc
            }
        } catch let refused as SMTPLoginRefused { return refused.code }
    }

    public func send(_ raw: [UInt8], envelopeFrom: String, recipients: [String], messageID: String) throws {
        _ = try deliver(raw, envelopeFrom: envelopeFrom, recipients: recipients, messageID: messageID)
    }

    public func deliver(_ raw: [UInt8], envelopeFrom: String, recipients: [String],
        messageID: String) throws -> SendResult {
        guard !recipients.isEmpty else { throw SendError.permanent("no recipients for \(messageID)") }
        for a in recipients + [envelopeFrom] where a.utf8.contains(
            where: { $0 < 0x20 || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }) {
            throw SendError.permanent("invalid address '\(a)' for \(messageID)")
        }
        let h = try easyHandle()
        let upload = SMTPUpload()
        upload.bytes = SMTPSender.normalizedCRLF(raw)
        let transcript = CurlTranscript()
        let upRef = Unmanaged.passRetained(upload)
        let trRef = Unmanaged.passRetained(transcript)
        var rcpts: UnsafeMutablePointer<curl_slist>?
        for r in recipients { rcpts = ccurl_slist_append(rcpts, r) }
        defer {
            _ = ccurl_setopt_pointer(h, CURLOPT_MAIL_RCPT, nil)
            _ = ccurl_setopt_pointer(h, CURLOPT_READDATA, nil)
            _ = ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, nil)
            ccurl_slist_free_all(rcpts)
            upRef.release()
            trRef.release()
        }
        _ = ccurl_setopt_string(h, CURLOPT_MAIL_FROM, envelopeFrom)
        _ = ccurl_setopt_pointer(h, CURLOPT_MAIL_RCPT, rcpts)
        _ = ccurl_setopt_pointer(h, CURLOPT_READDATA, upRef.toOpaque())
        _ = ccurl_setopt_pointer(h, CURLOPT_HEADERDATA, trRef.toOpaque())
        _ = ccurl_setopt_long(h, CURLOPT_INFILESIZE_LARGE, upload.bytes.count)
        errbuf.pointee = 0

        // OAuth2: the current token on every send (libcurl opens a new connection when it changed); a refused
        // token is renewed and the send tried once more.
        let rc = try perform(h, transcript: transcript) {
            upload.pos = 0
            transcript.bytes.removeAll()
        }
        var connects = 0
        _ = ccurl_getinfo_long(h, CURLINFO_NUM_CONNECTS, &connects)
        lastSendNewConnections = connects
        if rc == CURLE_OK {
            if failing {
                log("SMTP \(endpoint.curlURL) accepts mail again")
                failing = false
            }
            let refused = SMTPSender.refusedRecipients(transcript.lines, recipients: recipients)
            if !refused.isEmpty {
                log("SMTP \(messageID) delivered to \(recipients.count - refused.count) of \(recipients.count) "
                    + "recipients; refused: "
                    + refused.map { "\($0.address) (\($0.reply))" }.joined(separator: ", "))
            }
            return SendResult(refused: refused)
        }
        let error = failure(rc, h, transcript)
        switch error {
        case .temporary(let why), .account(let why):
            if !failing { log("SMTP send of \(messageID) failed temporarily: \(why)") }
            failing = true
        case .permanent: break
        }
        throw error
    }

    /// What a failed curl_easy_perform means: the server's own words where it gave them.
    private func failure(_ rc: CURLcode, _ h: UnsafeMutableRawPointer, _ transcript: CurlTranscript) -> SendError {
        var code = 0
        _ = ccurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &code)
        let curlText = curlErrorText(rc, errbuf)
        let serverText = SMTPSender.lastReply(transcript.bytes, code: code)
        let error: SendError
        if curlIsTLSVerificationError(rc) {
            error = .temporary(tlsFailureText(curlText, endpoint: endpoint, caFile: settings.caFile))
        } else if rc == CURLE_LOGIN_DENIED || SMTPSender.isAccountRefusal(code: code, text: serverText ?? "") {
            // A configuration problem, not this mail's: keep it queued.
            error = .account("SMTP \(settings.username.map { "login as \($0)" } ?? "sending") at "
                + "\(endpoint.curlURL) refused: "
                             + (serverText ?? curlText))
        } else if rc == CURLE_USE_SSL_FAILED {
            error = .temporary("\(endpoint.curlURL) does not offer STARTTLS, which the settings require: \(curlText)")
        } else if (500..<600).contains(code) {
            error = .permanent("\(serverText ?? "\(code)") (\(curlText))")
        } else if (400..<500).contains(code) {
            error = .temporary("\(serverText ?? "\(code)") (\(curlText))")
        } else {
            error = .temporary("\(endpoint.curlURL): \(curlText) (curl \(rc.rawValue))")
        }
        return error
    }

    /// The server's last reply with `code`, continuation lines joined ("550 5.1.1 <x>: Recipient address rejected
    /// ...").
    static func lastReply(_ transcript: [UInt8], code: Int) -> String? {
        guard code > 0 else { return nil }
        // Split bytes: in a Swift String "\r\n" is one Character.
        let lines = transcript.split(whereSeparator: { $0 == 0x0D || $0 == 0x0A })
            .map { String(decoding: $0, as: UTF8.self) }
        let prefix = String(code)
        var reply: [String] = []
        for line in lines.reversed() {
            guard line.hasPrefix(prefix) else {
                if reply.isEmpty { continue } else { break }
            }
            let isLast = line.count <= 3 || line[line.index(line.startIndex, offsetBy: 3)] == " "
            if !reply.isEmpty && isLast { break } // the previous reply with the same code
            reply.insert(line, at: 0)
        }
        if reply.isEmpty { return nil }
        return reply.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst(4)) }
            .joined(separator: " ")
    }

    /// Refusals of the account rather than of the mail: 530 (authentication required), 535 (credentials), and
    /// Microsoft 365's 5.7.30 (basic authentication not supported) and 5.7.139 (SMTP AUTH disabled), 5.7.57.
    static func isAccountRefusal(code: Int, text: String) -> Bool {
        if code == 530 || code == 535 || code == 534 { return true }
        return ["5.7.30", "5.7.139", "5.7.57", "5.7.8"].contains { text.contains(" \($0) "
            + "") || text.hasPrefix("\(code) \($0)") }
    }

    /// The RCPT replies of the last transaction, matched to `recipients` in order (libcurl sends one RCPT per
    /// recipient after MAIL FROM's 250, without pipelining): the refused ones with the server's reply.
    static func refusedRecipients(_ lines: [String], recipients: [String]) -> [(address: String, reply: String)] {
        // Final reply lines only ("250 …", not "250-…"), of the last transaction: after the last MAIL's 250 x.1.0.
        let finals = lines.filter { $0.count >= 4 && $0.utf8.prefix(3).allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            && $0[$0.index($0.startIndex, offsetBy: 3)] == " " }
        guard let data = finals.lastIndex(where: { $0.hasPrefix("354") }) else { return [] }
        let rcptReplies = finals[..<data].suffix(recipients.count)
        guard rcptReplies.count == recipients.count else { return [] }
        return zip(recipients, rcptReplies).filter { !$0.1.hasPrefix("2") }.map { (address: $0.0, reply: $0.1) }
    }

    /// Bare LF → CRLF, and a final CRLF (libcurl dot-stuffs and adds the terminating dot).
    static func normalizedCRLF(_ raw: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count + raw.count / 40 + 2)
        var prev: UInt8 = 0
        for b in raw {
            if b == 0x0A && prev != 0x0D { out.append(0x0D) }
            out.append(b)
            prev = b
        }
        if out.count < 2 || out[out.count - 2] != 0x0D || out[out.count - 1] != 0x0A {
            out.append(0x0D); out.append(0x0A)
        }
        return out
    }
}
