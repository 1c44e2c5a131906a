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
    /// Longest time without a byte from the server, while an answer is awaited, before the connection counts as
    /// lost (an inactivity timeout: a large FETCH over a slow link goes on while data flows).
    public var commandTimeout: Double
    /// The SASL mechanism; nil = libcurl's choice with a fallback to PLAIN/LOGIN (see `AuthMechanism`).
    public var mechanism: AuthMechanism?
    /// What the first start does with mail already in the mailbox (see `StartAt`).
    public var startAt: StartAt = .all
    /// Bodies are fetched in commands of at most this many bytes (by RFC822.SIZE); a larger mail comes alone.
    public var fetchChunkBytes: Int = 2 * 1024 * 1024
    /// OAuth2 (XOAUTH2/OAUTHBEARER) instead of the password; see Transport/OAuth.
    public var oauth2: OAuth2Settings? = nil
    /// `postdesk import imap`: the folder is only read — EXAMINE, `BODY.PEEK[]`, no move, no folder created —
    /// so any folder may be read, the processed and quarantine folders too.
    public var readOnly = false

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
        let folders = [("mailbox", mailbox), ("processedFolder", processedFolder),
            ("quarantineFolder", quarantineFolder)]
        for (name, value) in folders {
            if value.isEmpty { found.append(TransportConfigError(field: name, "\(name) is empty")) }
            // Logical names: '/' separates levels, non-ASCII is fine (sent in modified UTF-7).
            let unsafe: (Unicode.Scalar) -> Bool = { $0.value < 0x20 || $0.value == 0x7F || $0 == "\"" || $0 == "\\" }
            if value.unicodeScalars.contains(where: unsafe) {
                found.append(TransportConfigError(field: name, "\(name) '\(value)' contains a control "
                    + "character, a quote or a backslash"))
            }
        }
        if !readOnly && (processedFolder == mailbox || quarantineFolder == mailbox) {
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

/// The first start on a mailbox that already holds mail: take `all` of it as new mail (acknowledgements, clocks),
/// or only mail that arrives from now on as `new` and import what was there as backfill.
public enum StartAt: String, Sendable, Equatable, CaseIterable {
    case all
    case new
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
    /// The configured (logical) folder names as this server spells them, worked out after each login.
    private(set) var serverNames = ServerNames(mailbox: "INBOX", processed: "", quarantine: "")
    struct ServerNames: Equatable { var mailbox, processed, quarantine: String }
    /// Longer waits after a server-side limit or overload (`IMAPError.serverBusy`), doubling up to `busyBackoffMax`.
    public var busyBackoffBase: Double = 30
    public var busyBackoffMax: Double = 900
    private var busyStreak = 0
    /// With `startAt: new`: mail of this UIDVALIDITY below this UID was there at the first start (backfill).
    /// Set by the first fetch without a checkpoint, which reports it to `onStartBoundary` so that it can be kept
    /// across restarts and given back here.
    public var backfillBelow: (validity: UInt64, uid: UInt64)?
    public var onStartBoundary: ((_ validity: UInt64, _ uid: UInt64) -> Void)?
    /// IDLE is ended and re-issued within this time (RFC 2177 asks for less than 29 minutes).
    public var idleRenewSeconds: Double = 25 * 60
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
        if settings.readOnly { return try fetchToImport(limit: limit) }
        return try withConnection { c in
            let (validity, uidNext) = try self.select(c)
            var after: UInt64 = 0
            if let cp = checkpoint, cp.mailbox == self.settings.mailbox {
                if cp.validity == validity {
                    after = cp.lastUID
                } else {
                    self.log("IMAP \(self.settings.mailbox): UIDVALIDITY changed \(cp.validity) → \(validity); " +
                        "rescanning the whole mailbox")
                }
            }
            if checkpoint == nil && self.settings.startAt == .new && self.backfillBelow == nil {
                let below = try uidNext ?? ((c.uidSearch("ALL").last ?? 0) + 1)
                self.backfillBelow = (validity, below)
                self.onStartBoundary?(validity, below)
                self.log("IMAP \(self.settings.mailbox): first start with startAt new: mail below UID \(below) "
                    + "is imported as backfill")
            }
            try self.flushPending(c, validity: validity)
            // Mail at or below a committed checkpoint that is still here (and not flagged \Deleted by our own
            // COPY on a server without MOVE and UIDPLUS) was committed by a run that stopped, or failed, before
            // its move. It is offered again with the checkpoint it was committed with: the pipeline finds its
            // recorded outcome and settles it as that (quarantined mail to the quarantine folder), nothing twice.
            var leftovers: [UInt64] = []
            if after > 0 && !self.sweptLeftovers {
                leftovers = try c.uidSearch("UID 1:\(after) UNDELETED").filter { $0 <= after }
                if !leftovers.isEmpty {
                    self.log("IMAP \(self.settings.mailbox): \(leftovers.count) committed message(s) left by an "
                        + "earlier run; settling them now")
                }
            }
            self.sweptLeftovers = leftovers.count <= limit
            leftovers = Array(leftovers.prefix(limit))
            self.seenUpTo = after
            var uids: [UInt64] = []
            if c.exists > 0, uidNext.map({ $0 > after + 1 }) ?? true, leftovers.count < limit {
                // UIDs first (cheap), so that `limit` bounds the bodies fetched.
                uids = try c.uidSearch("UID \(after + 1):*").filter { $0 > after }
                if uids.count > limit - leftovers.count { uids.removeSubrange((limit - leftovers.count)...) }
            }
            if leftovers.isEmpty && uids.isEmpty { return [] }
            let mails = try self.fetchBodies(c, leftovers + uids, validity: validity) { $0 <= after ? after : $0 }
            if let last = mails.last?.checkpoint?.lastUID { self.seenUpTo = max(after, last) }
            return mails
        }
    }

    /// `import imap` (read-only): the folder's UIDs (`SINCE` the date, if given) are searched once; each call
    /// fetches the next `limit` of them. No checkpoint is handed on — the import must not move the worker's —
    /// and every mail is backfill; keys are the worker's (`UIDVALIDITY/UID`), so the worker, reading the same
    /// mailbox later, finds the imported mail on record and only settles it.
    private func fetchToImport(limit: Int) throws -> [IncomingMail] {
        try withConnection { c in
            if c.selected?.mailbox != self.serverNames.mailbox || self.importQueue == nil {
                let (validity, _) = try self.select(c)
                if let queued = self.importValidity, queued != validity {
                    throw IMAPError.staleMail("\(self.settings.mailbox) changed its UIDVALIDITY during the import; "
                        + "run it again")
                }
                if self.importQueue == nil {
                    self.importValidity = validity
                    self.importQueue = try c.uidSearch(self.importSince.map { "SINCE \($0)" } ?? "ALL").sorted()
                }
            }
            var mails: [IncomingMail] = []
            while mails.isEmpty, let queue = self.importQueue, !queue.isEmpty {
                let uids = Array(queue.prefix(limit))
                mails = try self.fetchBodies(c, uids, validity: self.importValidity ?? 0) { $0 }
                // Mail expunged meanwhile is left out; what the link did not bring comes next time.
                let done = mails.last.flatMap { IMAPSource.parseKey($0.key)?.1 } ?? uids.last!
                self.importQueue = queue.filter { $0 > done }
                if mails.isEmpty && !c.isOpen { break }
            }
            return mails.map { mail in
                var m = mail
                m.checkpoint = nil
                m.backfill = true
                return m
            }
        }
    }

    /// `import imap --since`: the IMAP search date (RFC 3501 `date`: internal date, the day the server got the mail).
    public var importSince: String?
    private var importQueue: [UInt64]?
    private var importValidity: UInt64?

    /// "1-Dec-2026" for an IMAP SEARCH.
    public static func searchDate(year: Int, month: Int, day: Int) -> String {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(day)-\(months[(month - 1) % 12])-\(year)"
    }

    /// The bodies of `uids` (ascending), in UID order. Sizes first (RFC822.SIZE), then commands of at most
    /// `fetchChunkBytes`, a large mail alone. A NO to a command of several mails: each is fetched alone; a mail the
    /// server refuses alone, or leaves out of its answer, comes back with `unreadable` (the pipeline quarantines
    /// it). The result is always a prefix of `uids` in order, so a checkpoint never passes a mail not handed on:
    /// when the link breaks after some mail arrived, that mail is kept and the rest is fetched next time.
    private func fetchBodies(_ c: IMAPConnection, _ uids: [UInt64], validity: UInt64,
                             checkpointUID: (UInt64) -> UInt64) throws -> [IncomingMail] {
        var sizes: [UInt64: Int] = [:]
        do {
            try c.command("UID FETCH \(IMAPSource.uidSet(uids)) (UID RFC822.SIZE)") { r in
                guard let uid = IMAPConnection.fetchUID(r.text), let size = IMAPConnection.responseCodeNumber(
                    r.text.replacingOccurrences(of: "RFC822.SIZE ", with: "[RFC822.SIZE "
                        + ""), "RFC822.SIZE") else { return false }
                sizes[uid] = Int(size)
                return true
            }
        } catch IMAPError.commandFailed(_, let response) {
            log("IMAP \(settings.mailbox): the server refused the sizes of \(uids.count) message(s) "
                + "(\(response)); fetching each alone")
        }
        var mails: [IncomingMail] = []
        func mail(_ uid: UInt64, _ bytes: [UInt8], _ error: String? = nil) -> IncomingMail {
            var m = IncomingMail(key: "\(validity)/\(uid)", bytes: bytes, checkpoint: MailboxCheckpoint(
                mailbox: settings.mailbox, validity: validity, lastUID: checkpointUID(uid)), unreadable: error)
            m.backfill = backfillBelow.map { $0.validity == validity && uid < $0.uid } ?? false
            return m
        }
        for chunk in IMAPSource.chunks(uids, sizes: sizes, maxBytes: settings.fetchChunkBytes) {
            do {
                let bodies = try fetchChunk(c, chunk)
                for uid in chunk {
                    // Left out of a larger answer: asked alone once more before it counts as missing.
                    let body = try bodies[uid] ?? (chunk.count > 1 ? fetchAlone(c, uid) : nil)
                    mails.append(body.map { mail(uid, $0) } ?? mail(uid, [], missingText(c, uid)))
                }
            } catch IMAPError.commandFailed(_, let response) where chunk.count > 1 {
                log("IMAP \(settings.mailbox): the server refused FETCH of UIDs \(IMAPSource.uidSet(chunk)) "
                    + "(\(response)); fetching them one by one")
                for uid in chunk {
                    do {
                        mails.append(try fetchAlone(c, uid).map { mail(uid, $0) } ?? mail(uid, [], missingText(c, uid)))
                    } catch IMAPError.commandFailed(_, let alone) {
                        mails.append(mail(uid, [], "UID \(uid) could not be fetched: server said \(alone)"))
                    }
                }
            } catch IMAPError.commandFailed(_, let response) {
                mails.append(mail(chunk[0], [], "UID \(chunk[0]) could not be fetched: server said \(response)"))
            } catch let e as IMAPError where e.losesConnection && !mails.isEmpty {
                // Keep what arrived; the link is re-made by the next call.
                log("IMAP \(settings.mailbox): \(e) after \(mails.count) message(s); keeping those, fetching "
                    + "the rest next time")
                c.close()
                break
            }
        }
        // Mail that vanished (expunged meanwhile by another client) is gone from the server: nothing to hand on.
        return mails.filter { $0.unreadable != Self.vanished }
    }

    /// Marks a UID that is no longer in the mailbox; dropped from the fetched list.
    private static let vanished = "\u{0}vanished"

    /// Why a UID the server left out of its FETCH answers was not fetched (or that it is gone).
    private func missingText(_ c: IMAPConnection, _ uid: UInt64) -> String {
        if let still = try? c.uidSearch("UID \(uid)"), !still.contains(uid) {
            log("IMAP \(settings.mailbox): UID \(uid) was expunged before it could be fetched")
            return Self.vanished
        }
        return "UID \(uid) could not be fetched: the server left it out of its FETCH response"
    }

    /// `UID FETCH set (UID BODY.PEEK[])`: the bodies that came back, by UID.
    private func fetchChunk(_ c: IMAPConnection, _ uids: [UInt64]) throws -> [UInt64: [UInt8]] {
        let wanted = Set(uids)
        var bodies: [UInt64: [UInt8]] = [:]
        try c.command("UID FETCH \(IMAPSource.uidSet(uids)) (UID BODY.PEEK[])") { r in
            guard let body = r.literals.last, let uid = IMAPConnection.fetchUID(r.text), r.text.contains("BODY[]")
            else { return false }
            if wanted.contains(uid) { bodies[uid] = body }
            return true
        }
        return bodies
    }

    private func fetchAlone(_ c: IMAPConnection, _ uid: UInt64) throws -> [UInt8]? {
        try fetchChunk(c, [uid])[uid]
    }

    /// Consecutive groups of `uids` of at most `maxBytes` together; a mail of unknown or larger size alone.
    static func chunks(_ uids: [UInt64], sizes: [UInt64: Int], maxBytes: Int) -> [[UInt64]] {
        var out: [[UInt64]] = []
        var current: [UInt64] = []
        var bytes = 0
        for uid in uids {
            guard let size = sizes[uid], size <= maxBytes else {
                if !current.isEmpty { out.append(current); current = []; bytes = 0 }
                out.append([uid])
                continue
            }
            if bytes + size > maxBytes && !current.isEmpty { out.append(current); current = []; bytes = 0 }
            current.append(uid)
            bytes += size
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    public func settle(_ mail: IncomingMail, as disposition: Disposition) throws {
        if settings.readOnly { return }   // import: the folder is left as it was
        guard let (validity, uid) = IMAPSource.parseKey(mail.key) else {
            throw IMAPError.staleMail("mail key '\(mail.key)' is not UIDVALIDITY/UID")
        }
        if let current = conn?.selected, current.mailbox == serverNames.mailbox, current.validity != validity {
            throw IMAPError.staleMail(
                "cannot settle \(mail.key): \(settings.mailbox) now has UIDVALIDITY \(current.validity)")
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
        case .processed: folder = serverNames.processed
        case .quarantined: folder = serverNames.quarantine
        }

        do {
            try withConnection { c in
                try self.selectChecking(c, validity: validity, what: mail.key)
                try self.moveOrCopy(c, uids: [uid], to: folder)
            }
        } catch {
            sweptLeftovers = false   // the next fetch offers it again, to be settled as what it was committed as
            throw error
        }
    }

    public func quarantinePlace(of mail: IncomingMail) -> String {
        if settings.readOnly { return "the IMAP folder \(settings.mailbox), left as it was" }
        return "the quarantine folder \(settings.quarantineFolder) of \(settings.username) at \(endpoint.curlURL)"
    }

    /// Sends the collected `.processed` moves now.
    public func flushSettled() throws {
        guard !pendingProcessed.isEmpty else { return }
        try withConnection { c in
            try self.selectChecking(c, validity: self.pendingValidity,
                what: "\(self.pendingProcessed.count) processed mail(s)")
            try self.flushPending(c, validity: self.pendingValidity)
        }
    }

    private func flushPending(_ c: IMAPConnection, validity: UInt64) throws {
        guard !pendingProcessed.isEmpty else { return }
        if validity != pendingValidity {
            log("IMAP \(settings.mailbox): UIDVALIDITY changed; \(pendingProcessed.count) processed mail(s) of the " +
                "old one stay in the mailbox")
            pendingProcessed.removeAll()
            return
        }
        do {
            try moveOrCopy(c, uids: pendingProcessed, to: serverNames.processed)
        } catch {
            sweptLeftovers = false
            throw error
        }
        pendingProcessed.removeAll()
    }

    private func selectChecking(_ c: IMAPConnection, validity: UInt64, what: String) throws {
        if c.selected?.mailbox != serverNames.mailbox {
            _ = try select(c)
        }
        guard c.selected?.validity == validity else {
            throw IMAPError.staleMail(
                "cannot settle \(what): \(settings.mailbox) now has UIDVALIDITY \(c.selected?.validity ?? 0)")
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
                if c.selected?.mailbox != self.serverNames.mailbox { _ = try self.select(c) }
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
        let verb = settings.readOnly ? "EXAMINE" : "SELECT"
        try c.command("\(verb) \(IMAPConnection.quote(serverNames.mailbox))") { r in
            if let v = IMAPConnection.responseCodeNumber(r.text, "UIDVALIDITY") { validity = v }
            if let n = IMAPConnection.responseCodeNumber(r.text, "UIDNEXT") { uidNext = n }
            return true
        }
        guard let validity else { throw IMAPError.protocolError("SELECT \(settings.mailbox) returned no UIDVALIDITY") }
        c.selected = (serverNames.mailbox, validity)
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
                log("IMAP server has neither MOVE nor UIDPLUS: UID \(uid) copied to \(folder) and flagged \\Deleted, " +
                    "not expunged")
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
        try c.uidSearch("UID \(seenUpTo + 1):*").contains { $0 > seenUpTo }
    }

    private func idle(_ c: IMAPConnection, deadline: Date, baseline: Int, interrupted: () -> Bool) throws {
        let deadline = min(deadline, Date().addingTimeInterval(idleRenewSeconds))
        let tag = c.nextTag()
        try c.sendRaw(Array("\(tag) IDLE\r\n".utf8))
        var woke = false
        var idling = false
        while !woke {
            if idling && interrupted() { break }
            // Idling, the wait is cut into slices so `interrupted` is looked at; a response is read whole across
            // slices.
            let until = idling ? min(deadline, Date().addingTimeInterval(
                Self.interruptCheckSeconds)) : Date().addingTimeInterval(c.timeout)
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
            throw IMAPError.unavailable(
                "\(lastError); next attempt in \(String(format: "%.1f", nextAttempt.timeIntervalSince(now))) s")
        }
        do {
            // OAuth2: a bearer token instead of the password, renewed once when the server refuses it.
            let c = try OAuth2TokenProvider.login(tokens, mapError: { IMAPError.authenticationFailed("\($0)") },
                                                  isRefusal: { ($0 as? IMAPError)?.isLoginRefusal ?? false }) {
                bearer in
                try IMAPConnection(endpoint: endpoint, username: settings.username, password: settings.password,
                                   bearer: bearer, caFile: settings.caFile, mechanism: settings.mechanism,
                                   connectTimeout: settings.connectTimeout, timeout: settings.commandTimeout, log: log)
            }
            do {
                try prepareFolders(c)
            } catch {
                c.logout()
                throw error
            }
            switch linkState {
            case .never:
                log("IMAP connected to \(endpoint.curlURL) as \(settings.username) (tls \(endpoint.tls.rawValue), " +
                    "mailbox \(settings.mailbox))")
            case .down:
                log("IMAP reconnected to \(endpoint.curlURL) after \(failures) failed attempt(s)")
            case .up:
                break
            }
            linkState = .up
            failures = 0
            busyStreak = 0
            lastError = nil
            nextAttempt = .distantPast
            conn = c
            return c
        } catch let e as IMAPError {
            failures += 1
            var delay = min(backoffBase * pow(2, Double(failures - 1)), backoffMax) * Double.random(in: 0.8...1.2)
            if case .serverBusy = e { delay = max(delay, noteBusy(e)) }
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
                if case .serverBusy = e {
                    // Not a lost link: the server asks us to wait. No immediate retry; a longer backoff.
                    linkState = .down
                    lastError = e
                    nextAttempt = Date().addingTimeInterval(noteBusy(e))
                    throw e
                }
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

    /// One log line per limit or overload answer, and the wait before the next attempt (doubling while they repeat).
    private func noteBusy(_ e: IMAPError) -> Double {
        busyStreak += 1
        let delay = min(busyBackoffBase * pow(2, Double(busyStreak - 1)), busyBackoffMax) * Double.random(in: 0.9...1.1)
        log("IMAP \(endpoint.curlURL): \(e); waiting \(Int(delay)) s before the next attempt")
        return delay
    }

    /// After login: the server's namespace (RFC 2342 NAMESPACE, else `LIST "" ""`) gives the folder names as the
    /// server spells them; the processed and quarantine folders are created if missing and then looked up again,
    /// so no mail is taken while a move could not succeed.
    private func prepareFolders(_ c: IMAPConnection) throws {
        var ns: IMAPNamespace?
        if c.capabilities.contains("NAMESPACE") {
            try c.command("NAMESPACE") { r in
                if let found = IMAPNamespace.parse(namespaceResponse: r.text) { ns = ns ?? found; return true }
                return false
            }
        }
        if ns == nil {
            try c.command("LIST \"\" \"\"") { r in
                if let found = IMAPNamespace.parse(listResponse: r.text) { ns = ns ?? found; return true }
                return false
            }
        }
        let namespace = ns ?? .flatDefault
        let names = ServerNames(mailbox: try namespace.serverName(settings.mailbox),
                                processed: try namespace.serverName(settings.processedFolder),
                                quarantine: try namespace.serverName(settings.quarantineFolder))
        let needed = settings.readOnly ? [] : [names.processed, names.quarantine]   // import creates nothing
        for folder in needed where !(try folderExists(c, folder)) {
            do {
                try c.command("CREATE \(IMAPConnection.quote(folder))")
            } catch IMAPError.commandFailed(_, let response) {
                throw IMAPError.commandFailed(command: "CREATE \(folder)", response: "\(response) (namespace prefix "
                    + "'\(namespace.prefix)', delimiter '\(namespace.delimiter.map(String.init) ?? "none")')")
            }
            guard try folderExists(c, folder) else {
                throw IMAPError.commandFailed(command: "CREATE \(folder)", response: "the server said OK but "
                    + "does not list the folder")
            }
            _ = try? c.command("SUBSCRIBE \(IMAPConnection.quote(folder))")
            log("IMAP created folder \(folder)")
        }
        if names != serverNames && (names.processed != settings.processedFolder || names.mailbox != settings.mailbox) {
            log("IMAP \(endpoint.curlURL): namespace prefix '\(namespace.prefix)', delimiter "
                + "'\(namespace.delimiter.map(String.init) ?? "none")': folders \(names.mailbox), "
                    + "\(names.processed), \(names.quarantine)")
        }
        serverNames = names
    }

    private func folderExists(_ c: IMAPConnection, _ folder: String) throws -> Bool {
        var found = false
        try c.command("LIST \"\" \(IMAPConnection.quote(folder))") { r in
            guard r.text.uppercased().hasPrefix("LIST ") else { return false }
            found = found || !r.text.uppercased().contains("\\NOSELECT")
            return true
        }
        return found
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
