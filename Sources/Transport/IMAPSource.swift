import Foundation

/// Where and how to read the support mailbox over IMAP. Secrets arrive already resolved.
public struct IMAPSettings: Sendable, Equatable {
    /// `imaps://host:993` (implicit TLS) or `imap://host:143` (STARTTLS, or plain with `tls: .none` on loopback).
    public var url: String
    public var username: String
    public var password: String
    /// Derived from the URL scheme when nil: imaps → implicit, imap → starttls.
    public var tls: TLSMode?
    /// PEM file with the CA(s) to trust; nil = the system store. Verification is always on.
    public var caFile: String?
    public var mailbox: String
    public var processedFolder: String
    public var quarantineFolder: String
    public var connectTimeout: Double
    /// Longest wait for any server answer before the connection counts as lost.
    public var commandTimeout: Double
    /// OAuth2 (XOAUTH2/OAUTHBEARER) instead of the password; see Transport/OAuth.
    public var oauth2: OAuth2Settings? = nil

    public init(url: String, username: String, password: String, tls: TLSMode? = nil, caFile: String? = nil,
                mailbox: String = "INBOX", processedFolder: String = "Postdesk/Processed",
                quarantineFolder: String = "Postdesk/Quarantine",
                connectTimeout: Double = 10, commandTimeout: Double = 60) {
        self.url = url
        self.username = username
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.mailbox = mailbox
        self.processedFolder = processedFolder
        self.quarantineFolder = quarantineFolder
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    /// Every mistake in the settings, found without connecting.
    public func problems() -> [TransportConfigError] {
        var found: [TransportConfigError] = []
        do { _ = try endpoint() } catch let e as TransportConfigError { found.append(e) } catch {}
        if username.isEmpty { found.append(TransportConfigError(field: "username", "username is empty")) }
        let folders = [("mailbox", mailbox), ("processedFolder", processedFolder), ("quarantineFolder", quarantineFolder)]
        for (name, value) in folders {
            if value.isEmpty { found.append(TransportConfigError(field: name, "\(name) is empty")) }
            if value.utf8.contains(where: { $0 < 0x20 || $0 > 0x7E }) {
                let text = "\(name) '\(value)' must be printable ASCII (modified UTF-7 names are not supported)"
                found.append(TransportConfigError(field: name, text))
            }
        }
        if processedFolder == mailbox || quarantineFolder == mailbox {
            let field = processedFolder == mailbox ? "processedFolder" : "quarantineFolder"
            let text = "processedFolder and quarantineFolder must differ from mailbox '\(mailbox)'"
            found.append(TransportConfigError(field: field, text))
        }
        if let problem = caFileProblem(caFile) { found.append(problem) }
        return found
    }

    func endpoint() throws -> MailEndpoint {
        try MailEndpoint.parse(url, tls: tls, plainScheme: "imap", tlsScheme: "imaps", plainPort: 143, tlsPort: 993,
                               what: "IMAP")
    }

    /// Checks the settings without connecting; returns the parsed endpoint.
    func validated() throws -> MailEndpoint {
        if let first = problems().first { throw IMAPError.invalidSettings(first.message) }
        return try endpoint()
    }
}

/// Reads a mailbox over IMAP on one kept connection: libcurl connects, does TLS/STARTTLS and logs in
/// (CURLOPT_CONNECT_ONLY), then raw IMAP: `UID FETCH … BODY.PEEK[]` (never sets \Seen), `UID MOVE`
/// (COPY + \Deleted + UID EXPUNGE without MOVE), IDLE. Reconnects with exponential backoff and jitter.
/// Not thread-safe: one owner thread (the worker loop).
public final class IMAPSource: MailboxSource {
    public let settings: IMAPSettings
    public var mailboxName: String { settings.mailbox }
    let endpoint: MailEndpoint
    private let log: TransportLog
    private var conn: IMAPConnection?
    /// Set when the settings ask for OAuth2.
    private let tokens: OAuth2TokenProvider?

    // reconnect state
    private enum LinkState { case never, up, down }
    private var linkState: LinkState = .never
    private var failures = 0
    private var nextAttempt = Date.distantPast
    private var lastError: IMAPError?
    /// Backoff: base × 2^(failures−1), capped, ±20 % jitter.
    public var backoffBase: Double = 0.5
    public var backoffMax: Double = 60
    /// Test hook: behave as if the server had no MOVE capability.
    var disableMove = false
    private var knownFolders: Set<String> = []
    /// Processed mails whose UID MOVE is still to be sent, with their UIDVALIDITY.
    private var pendingProcessed: [UInt64] = []
    private var pendingValidity: UInt64 = 0
    private var sweptLeftovers = false
    /// The highest UID a fetch has looked past: mail above it has not been seen yet (see `waitForMail`).
    private var seenUpTo: UInt64 = 0
    /// How many `.processed` settles are collected into one `UID MOVE` (1 = move each at once).
    /// Pending moves are always sent before the next fetch, before waiting for mail and on close;
    /// after a crash, `fetch(after:)` moves what is left at or below the checkpoint (see there).
    /// Dovecot needs ~8 ms per MOVE on Maildir, so moving one by one caps intake near 120 msg/s.
    public var settleBatchSize = 100

    /// Validates the settings; does not connect (the first fetch/settle/wait does).
    /// `tokens` overrides the provider `settings.oauth2` would get (tests inject one with their own clock).
    public init(settings: IMAPSettings, log: @escaping TransportLog = transportLogToStandardError,
                tokens: OAuth2TokenProvider? = nil) throws {
        self.settings = settings
        self.endpoint = try settings.validated()
        self.log = log
        self.tokens = tokens ?? settings.oauth2.map { OAuth2TokenProvider.shared($0, log: log) }
    }

    deinit {
        try? flushSettled()
        conn?.logout()
    }

    /// Connects now (instead of lazily) so that configuration problems show at startup.
    public func connect() throws { _ = try connection() }

    /// Logs out and closes the connection.
    public func close() {
        try? flushSettled()
        conn?.logout()
        conn = nil
    }

    // MARK: - MailboxSource

    public func fetch(after checkpoint: MailboxCheckpoint?, limit: Int) throws -> [IncomingMail] {
        guard limit > 0 else { return [] }
        return try withConnection { c in
            let (validity, uidNext) = try self.select(c)
            var after: UInt64 = 0
            if let cp = checkpoint, cp.mailbox == self.settings.mailbox {
                if cp.validity == validity {
                    after = cp.lastUID
                } else {
                    self.log("IMAP \(self.settings.mailbox): UIDVALIDITY changed \(cp.validity) → \(validity); rescanning the whole mailbox")
                }
            }
            try self.flushPending(c, validity: validity)
            let firstFetch = !self.sweptLeftovers
            self.sweptLeftovers = true
            if after > 0 && firstFetch {
                // Mail at or below a committed checkpoint that is still here was processed by a run
                // that stopped before its (batched) move: settle it now (first fetch only).
                var left: [UInt64] = []
                try c.command("UID SEARCH UID 1:\(after)") { r in
                    guard r.text.hasPrefix("SEARCH") else { return false }
                    left += r.text.dropFirst(6).split(separator: " ").compactMap { UInt64($0) }.filter { $0 <= after }
                    return true
                }
                if !left.isEmpty {
                    self.log("IMAP \(self.settings.mailbox): moving \(left.count) already processed message(s) left by an earlier run to \(self.settings.processedFolder)")
                    try self.moveOrCopy(c, uids: left, to: self.settings.processedFolder)
                }
            }
            self.seenUpTo = after
            if c.exists == 0 { return [] }
            if let uidNext, uidNext <= after + 1 { return [] }
            // UIDs first (cheap), so that `limit` bounds the bodies fetched.
            var uids: [UInt64] = []
            try c.command("UID SEARCH UID \(after + 1):*") { r in
                guard r.text.hasPrefix("SEARCH") else { return false }
                for part in r.text.dropFirst(6).split(separator: " ") {
                    if let u = UInt64(part), u > after { uids.append(u) }
                }
                return true
            }
            if uids.isEmpty { return [] }
            uids.sort()
            if uids.count > limit { uids.removeSubrange(limit...) }
            let wanted = Set(uids)
            let lo = uids.first!, hi = uids.last!
            var mails: [IncomingMail] = []
            mails.reserveCapacity(uids.count)
            let mailbox = self.settings.mailbox
            try c.command("UID FETCH \(lo):\(hi) (UID RFC822.SIZE BODY.PEEK[])") { r in
                guard let body = r.literals.last, let uid = IMAPConnection.fetchUID(r.text),
                      r.text.contains("BODY[]")
                else { return false }
                if wanted.contains(uid) {
                    mails.append(IncomingMail(key: "\(validity)/\(uid)", bytes: body,
                                              checkpoint: MailboxCheckpoint(mailbox: mailbox, validity: validity, lastUID: uid)))
                }
                return true
            }
            mails.sort { $0.checkpoint!.lastUID < $1.checkpoint!.lastUID }
            self.seenUpTo = hi
            return mails
        }
    }

    public func settle(_ mail: IncomingMail, as disposition: Disposition) throws {
        guard let (validity, uid) = IMAPSource.parseKey(mail.key) else {
            throw IMAPError.staleMail("mail key '\(mail.key)' is not UIDVALIDITY/UID")
        }
        if let current = conn?.selected, current.mailbox == settings.mailbox, current.validity != validity {
            throw IMAPError.staleMail("cannot settle \(mail.key): \(settings.mailbox) now has UIDVALIDITY \(current.validity)")
        }
        if case .processed = disposition, settleBatchSize > 1 {
            if !pendingProcessed.isEmpty && pendingValidity != validity { try flushSettled() }
            pendingValidity = validity
            pendingProcessed.append(uid)
            if pendingProcessed.count >= settleBatchSize { try flushSettled() }
            return
        }
        let folder: String
        switch disposition {
        case .processed: folder = settings.processedFolder
        case .quarantined: folder = settings.quarantineFolder
        }
        try withConnection { c in
            try self.selectChecking(c, validity: validity, what: mail.key)
            try self.moveOrCopy(c, uids: [uid], to: folder)
        }
    }

    /// Sends the collected `.processed` moves now.
    public func flushSettled() throws {
        guard !pendingProcessed.isEmpty else { return }
        try withConnection { c in
            try self.selectChecking(c, validity: self.pendingValidity, what: "\(self.pendingProcessed.count) processed mail(s)")
            try self.flushPending(c, validity: self.pendingValidity)
        }
    }

    private func flushPending(_ c: IMAPConnection, validity: UInt64) throws {
        guard !pendingProcessed.isEmpty else { return }
        if validity != pendingValidity {
            log("IMAP \(settings.mailbox): UIDVALIDITY changed; \(pendingProcessed.count) processed mail(s) of the old one stay in the mailbox")
            pendingProcessed.removeAll()
            return
        }
        try moveOrCopy(c, uids: pendingProcessed, to: settings.processedFolder)
        pendingProcessed.removeAll()
    }

    private func selectChecking(_ c: IMAPConnection, validity: UInt64, what: String) throws {
        if c.selected?.mailbox != settings.mailbox {
            _ = try select(c)
        }
        guard c.selected?.validity == validity else {
            throw IMAPError.staleMail("cannot settle \(what): \(settings.mailbox) now has UIDVALIDITY \(c.selected?.validity ?? 0)")
        }
    }

    public func waitForMail(timeout: Double, interrupted: () -> Bool) {
        let deadline = Date().addingTimeInterval(max(0, timeout))
        if conn == nil && Date() < nextAttempt {
            sleepUntil(min(deadline, nextAttempt), interrupted: interrupted)
            return
        }
        do {
            try withConnection { c in
                if c.selected?.mailbox != self.settings.mailbox { _ = try self.select(c) }
                try self.flushPending(c, validity: c.selected?.validity ?? 0)
                // Mail that arrived after the last fetch (while the batch committed, or during the moves just
                // sent) is already counted in EXISTS, so IDLE would not report it: look for it first. The
                // baseline is taken before that search, so mail announced in its response wakes IDLE at once.
                let baseline = c.exists
                if try self.hasUnseenMail(c) { return }
                if c.capabilities.contains("IDLE") {
                    try self.idle(c, deadline: deadline, baseline: baseline, interrupted: interrupted)
                } else {
                    try self.pollForMail(c, deadline: deadline, baseline: baseline, interrupted: interrupted)
                }
            }
        } catch {
            // withConnection logged the state change; wait out the rest (or the backoff) quietly.
            sleepUntil(min(deadline, max(Date(), nextAttempt)), interrupted: interrupted)
        }
    }

    // MARK: - IMAP steps

    /// SELECT the configured mailbox; returns UIDVALIDITY and UIDNEXT.
    private func select(_ c: IMAPConnection) throws -> (UInt64, UInt64?) {
        var validity: UInt64?
        var uidNext: UInt64?
        c.selected = nil
        c.exists = 0
        try c.command("SELECT \(IMAPConnection.quote(settings.mailbox))") { r in
            if let v = IMAPConnection.responseCodeNumber(r.text, "UIDVALIDITY") { validity = v }
            if let n = IMAPConnection.responseCodeNumber(r.text, "UIDNEXT") { uidNext = n }
            return true
        }
        guard let validity else { throw IMAPError.protocolError("SELECT \(settings.mailbox) returned no UIDVALIDITY") }
        c.selected = (settings.mailbox, validity)
        return (validity, uidNext)
    }

    private func moveOrCopy(_ c: IMAPConnection, uids: [UInt64], to folder: String) throws {
        let useMove = c.capabilities.contains("MOVE") && !disableMove
        let verb = useMove ? "UID MOVE" : "UID COPY"
        let uid = IMAPSource.uidSet(uids)
        let cmd = "\(verb) \(uid) \(IMAPConnection.quote(folder))"
        do {
            try c.command(cmd)
        } catch IMAPError.commandFailed(_, let response) where !knownFolders.contains(folder) {
            // Typically "NO [TRYCREATE] Mailbox doesn't exist": create it and try once more.
            try createFolder(c, folder, after: response)
            try c.command(cmd)
        }
        knownFolders.insert(folder)
        if !useMove {
            try c.command("UID STORE \(uid) +FLAGS.SILENT (\\Deleted)")
            if c.capabilities.contains("UIDPLUS") {
                try c.command("UID EXPUNGE \(uid)")
            } else {
                // A plain EXPUNGE would also remove mail that people marked \Deleted: leave it flagged.
                log("IMAP server has neither MOVE nor UIDPLUS: UID \(uid) copied to \(folder) and flagged \\Deleted, not expunged")
            }
        }
    }

    private func createFolder(_ c: IMAPConnection, _ folder: String, after response: String) throws {
        do {
            try c.command("CREATE \(IMAPConnection.quote(folder))")
            log("IMAP created folder \(folder)")
        } catch IMAPError.commandFailed(_, let r) where r.uppercased().contains("ALREADYEXISTS") {
            // It exists, so the first failure was something else: report that one.
            throw IMAPError.commandFailed(command: "UID MOVE/COPY to \(folder)", response: response)
        }
        _ = try? c.command("SUBSCRIBE \(IMAPConnection.quote(folder))")
    }

    /// IDLE until a new message arrives (EXISTS grows) or the deadline; then DONE.
    /// Any UID above the last one a fetch looked past.
    private func hasUnseenMail(_ c: IMAPConnection) throws -> Bool {
        var found = false
        try c.command("UID SEARCH UID \(seenUpTo + 1):*") { r in
            guard r.text.hasPrefix("SEARCH") else { return false }
            found = found || r.text.dropFirst(6).split(separator: " ").contains { (UInt64($0) ?? 0) > self.seenUpTo }
            return true
        }
        return found
    }

    private func idle(_ c: IMAPConnection, deadline: Date, baseline: Int, interrupted: () -> Bool) throws {
        let tag = c.nextTag()
        try c.sendRaw(Array("\(tag) IDLE\r\n".utf8))
        var woke = false
        var idling = false
        while !woke {
            if idling && interrupted() { break }
            // Idling, the wait is cut into slices so `interrupted` is looked at; a response is read whole across slices.
            let until = idling ? min(deadline, Date().addingTimeInterval(Self.interruptCheckSeconds)) : Date().addingTimeInterval(c.timeout)
            guard let r = try c.readResponse(deadline: until) else {
                if !idling { throw IMAPError.connectionFailed("no answer to IDLE") }
                if Date() >= deadline { break }
                continue
            }
            if r.tag == "+" { idling = true; if c.exists > baseline { woke = true }; continue }
            if r.tag == "*" {
                if c.exists > baseline { woke = true }
                continue
            }
            if r.tag == tag {
                // The server ended IDLE by itself (or refused it).
                if r.text.uppercased().hasPrefix("OK") { return }
                throw IMAPError.commandFailed(command: "IDLE", response: r.text)
            }
        }
        try c.sendRaw(Array("DONE\r\n".utf8))
        _ = try c.complete(tag: tag, cmd: "IDLE")
    }

    /// Without IDLE: NOOP once a second until EXISTS grows or the deadline.
    private func pollForMail(_ c: IMAPConnection, deadline: Date, baseline: Int, interrupted: () -> Bool) throws {
        while Date() < deadline && !interrupted() {
            try c.command("NOOP")
            if c.exists > baseline { return }
            sleepUntil(min(deadline, Date().addingTimeInterval(1)), interrupted: interrupted)
        }
    }

    // MARK: - Connection and reconnects

    private func connection() throws -> IMAPConnection {
        if let conn, conn.isOpen { return conn }
        conn = nil
        let now = Date()
        if now < nextAttempt, let lastError {
            throw IMAPError.unavailable("\(lastError); next attempt in \(String(format: "%.1f", nextAttempt.timeIntervalSince(now))) s")
        }
        do {
            // OAuth2: a bearer token instead of the password, renewed once when the server refuses it.
            let c = try OAuth2TokenProvider.login(tokens, mapError: { IMAPError.authenticationFailed("\($0)") },
                                                  isRefusal: { ($0 as? IMAPError)?.isLoginRefusal ?? false }) {
                bearer in
                try IMAPConnection(endpoint: endpoint, username: settings.username, password: settings.password,
                                   bearer: bearer, caFile: settings.caFile, connectTimeout: settings.connectTimeout,
                                   timeout: settings.commandTimeout)
            }
            switch linkState {
            case .never:
                log("IMAP connected to \(endpoint.curlURL) as \(settings.username) (tls \(endpoint.tls.rawValue), mailbox \(settings.mailbox))")
            case .down:
                log("IMAP reconnected to \(endpoint.curlURL) after \(failures) failed attempt(s)")
            case .up:
                break
            }
            linkState = .up
            failures = 0
            lastError = nil
            nextAttempt = .distantPast
            conn = c
            return c
        } catch let e as IMAPError {
            failures += 1
            let delay = min(backoffBase * pow(2, Double(failures - 1)), backoffMax) * Double.random(in: 0.8...1.2)
            nextAttempt = Date().addingTimeInterval(delay)
            if failures == 1 { // once per outage, not once per attempt
                log("IMAP cannot connect to \(endpoint.curlURL): \(e); retrying with exponential backoff")
            }
            linkState = .down
            lastError = e
            throw e
        }
    }

    /// Runs `body` on the connection. A connection lost on a previously working link is reconnected
    /// at once and `body` retried one time (all steps are idempotent); later failures back off.
    private func withConnection<T>(_ body: (IMAPConnection) throws -> T) throws -> T {
        var retried = false
        while true {
            let c = try connection()
            do {
                return try body(c)
            } catch let e as IMAPError where e.losesConnection {
                c.close()
                conn = nil
                knownFolders.removeAll()
                if linkState == .up {
                    log("IMAP connection to \(endpoint.curlURL) lost: \(e)")
                    linkState = .down
                    failures = 0
                    lastError = e
                }
                if retried { throw e }
                retried = true
            }
        }
    }

    /// How often a wait looks at its `interrupted`.
    static let interruptCheckSeconds = 0.25

    private func sleepUntil(_ t: Date, interrupted: () -> Bool) {
        while !interrupted() {
            let s = min(t.timeIntervalSinceNow, Self.interruptCheckSeconds)
            guard s > 0 else { return }
            Thread.sleep(forTimeInterval: s)
        }
    }

    /// "1:3,7,9:10" for [1,2,3,7,9,10].
    static func uidSet(_ uids: [UInt64]) -> String {
        let sorted = Array(Set(uids)).sorted()
        var parts: [String] = []
        var i = 0
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(i == j ? "\(sorted[i])" : "\(sorted[i]):\(sorted[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }

    static func parseKey(_ key: String) -> (UInt64, UInt64)? {
        let parts = key.split(separator: "/")
        guard parts.count == 2, let v = UInt64(parts[0]), let u = UInt64(parts[1]) else { return nil }
        return (v, u)
    }
}
