import Desk
import Foundation
import MIME
import Store
import Transport

/// What one pass did, for logs, tests and `run --once`.
public struct PassSummary: Sendable, Equatable {
    public var taken = 0
    public var opened = 0
    public var followUps = 0
    public var rejected = 0
    public var ignored = 0
    public var quarantined = 0
    public var duplicates = 0
    public var alreadyDone = 0
    public var escalations = 0
    public var sent = 0
    public var sendFailures = 0
    /// The last send failure's text, for `run --once`'s summary.
    public var lastSendError: String?

    public init() {}
}

/// mailbox → parse → decide → commit → settle → send → escalate. One object, one thread, blocking I/O.
public final class Pipeline {
    public let config: Configuration
    public let store: PostdeskStore
    public let source: MailboxSource
    public let sender: MailSender
    public let decider: Decider
    public let log: Log
    /// The clock, passed in so tests can move time.
    public var now: () -> Date
    public var metrics = Metrics()
    /// The last delivery attempt failed temporarily (the outbox is deferring until a send succeeds).
    var deliveryFailing = false
    /// Backfill (`postdesk import`): no mails are sent and no reaction clocks run for old mail.
    public var backfill = false
    /// `quarantine retry`: the stored mail is processed even though its first intake is on record.
    public var skipDuplicateCheck = false
    /// The mailbox lane's own connection for WAL checkpoints, opened at the first intake and kept (the service
    /// loop runs an intake per wake-up); only the lane uses it, and only while an intake runs.
    lazy var checkpointConnection: Database? = store.db.path == ":memory:" ? nil : try? Database(path: store.db.path)

    public init(config: Configuration, store: PostdeskStore, source: MailboxSource, sender: MailSender, log: Log,
                now: @escaping () -> Date = Date.init) {
        self.config = config
        self.store = store
        self.source = source
        self.sender = sender
        self.decider = Decider(policy: config.policy)
        self.log = log
        self.now = now
    }

    var policy: Policy { config.policy }

    /// `pd.<milliseconds since 1970>.<128 random bits>@domain`, in hex. The random bits make it unguessable, so only
    /// someone who received our mail can name it in In-Reply-To; the time in front makes the Message-ID indexes
    /// grow at their end instead of dirtying a random page per mail.
    func makeMessageID() -> String {
        var bits = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &bits) { arc4random_buf($0.baseAddress!, $0.count) }   // one call, no system call
        let hex = String(bits.0, radix: 16).leftPadded(to: 16) + String(bits.1, radix: 16).leftPadded(to: 16)
        let millis = String(UInt64(max(0, now().timeIntervalSince1970 * 1000)), radix: 16).leftPadded(to: 11)
        let domain = policy.supportAddress.domain.isEmpty ? "postdesk.invalid" : policy.supportAddress.domain
        return "pd.\(millis).\(hex)@\(domain)"
    }

    /// The year a reference carries: the local year at the support desk.
    func referenceYear(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = policy.plans.values.first?.calendar.timeZone ?? TimeZone(identifier: "Europe/Copenhagen")!
        return calendar.component(.year, from: date)
    }

    // MARK: intake

    /// Takes everything waiting, batch by batch, until the mailbox is empty or `stop` is requested (the batch in
    /// hand still commits). The commit is serial and is this thread's only job: the mailbox side (fetching the
    /// next batch, settling the last one) runs on a lane of its own, and parsing and analysis on the other cores,
    /// all while a batch commits. `progress` is called after each batch.
    public func intakeAll(into summary: inout PassSummary, until stop: StopSignal? = nil, progress: ((PassSummary) -> Void)? = nil) throws {
        var stopwatch = Stopwatch()
        var batch = try source.fetch(after: try storedCheckpoint(), limit: config.batchSize)
        let fetched = stopwatch.lap()
        var prepared = Self.prepare(batch, classifier: decider.classifier)
        var timing = BatchTiming(fetch: fetched, analyse: stopwatch.lap(), wait: "0.0")
        // The lane also checkpoints the WAL after each batch, on a connection of its own, so the commit thread does not.
        let checkpoints = checkpointConnection
        if checkpoints != nil { try store.db.setAutoCheckpoint(false) }
        let lane = MailboxLane(source, log: log, checkpoints: checkpoints)
        defer {
            lane.drain()   // settles still queued are done before the source is used here again
            if checkpoints != nil { try? store.db.setAutoCheckpoint(true) }
        }
        while !batch.isEmpty {
            let stopping = stop?.isRequested ?? false
            let ahead = stopping ? nil : lane.fetchAhead(following: batch, limit: config.batchSize, classifier: decider.classifier)
            let dispositions: [(IncomingMail, Disposition)]
            do {
                _ = stopwatch.lap()
                dispositions = try commit(batch, prepared, into: &summary)
            } catch {
                _ = try? ahead?.wait()   // leave nothing running behind a failed pass
                throw error
            }
            let committed = stopwatch.lap()
            lane.settle(dispositions)
            log.debug("intake.batch", [("mails", "\(batch.count)"), ("fetch_ms", timing.fetch), ("analyse_ms", timing.analyse),
                                       ("commit_ms", committed), ("wait_ms", timing.wait), ("settle_ms", lane.lastSettleMilliseconds)])
            progress?(summary)
            guard let ahead else { break }
            let next = try ahead.wait()
            batch = next.mails
            prepared = next.prepared
            timing = BatchTiming(fetch: next.fetchMilliseconds, analyse: next.analyseMilliseconds, wait: stopwatch.lap())
        }
        // issue 16: a move that failed must not pass as done; the pass fails, so the worker says so and backs off.
        lane.drain()
        try lane.settleFailure.map { throw $0 }
        try source.flushSettled()
    }

    /// Milliseconds per step of one batch, for the `intake.batch` debug line.
    struct BatchTiming {
        var fetch: String
        var analyse: String
        /// How long the commit thread waited for this batch after committing the one before.
        var wait: String
    }

    func storedCheckpoint() throws -> MailboxCheckpoint? {
        try store.checkpoint(mailbox: source.mailboxName).map {
            MailboxCheckpoint(mailbox: source.mailboxName, validity: $0.validity, lastUID: $0.lastUID)
        }
    }

    /// Decides and stores a batch in one transaction (with each mail's checkpoint); returns what became of each.
    func commit(_ mails: [IncomingMail], _ prepared: [Prepared], into summary: inout PassSummary) throws -> [(IncomingMail, Disposition)] {
        var dispositions: [(IncomingMail, Disposition)] = []
        try store.transaction {
            for (mail, ready) in zip(mails, prepared) {
                dispositions.append((mail, try process(mail, prepared: ready, summary: &summary)))
                if let cp = mail.checkpoint {
                    try store.saveCheckpoint(mailbox: cp.mailbox, validity: cp.validity, lastUID: cp.lastUID, at: now())
                }
            }
        }
        summary.taken += mails.count
        return dispositions
    }

    /// What can be worked out of a mail without the store: parsed message, content hash, text analysis.
    struct Prepared: Sendable {
        var message: ParsedMessage
        /// See `contentHash`.
        var hash: String
        var analysis: MessageAnalysis
    }

    /// What recognizes a second delivery of a mail without a Message-ID; a mail with one is recognized by it, so its
    /// hash is not worked out ("" is stored): hashing every mail cost more than storing it.
    static func contentHash(_ bytes: [UInt8], of message: ParsedMessage) -> String {
        message.messageID.map { !$0.isEmpty } == true ? "" : SHA256.hex(bytes)
    }

    /// Parsing and text analysis are pure and the dearest steps, so a batch runs them on every core;
    /// the decisions that read and write the store then run in order, in one transaction.
    static func prepare(_ mails: [IncomingMail], classifier: PriorityClassifier) -> [Prepared] {
        let results = PreparedSlots(count: mails.count)
        DispatchQueue.concurrentPerform(iterations: mails.count) { i in
            let message = MessageParser.parse(mails[i].bytes)
            results.set(i, Prepared(message: message, hash: contentHash(mails[i].bytes, of: message), analysis: MessageAnalysis(message, classifier: classifier)))
        }
        return results.values
    }

    /// Decides and stores one mail inside the open transaction; a failure quarantines just this mail.
    func process(_ mail: IncomingMail, prepared: Prepared? = nil, summary: inout PassSummary) throws -> Disposition {
        let mailbox = source.mailboxName
        if let outcome = try store.intakeOutcome(source: mailbox, key: mail.key) {
            // Committed before a crash, not yet settled: settle only.
            summary.alreadyDone += 1
            return outcome == "quarantined" ? .quarantined(reason: "already quarantined") : .processed
        }
        // issue 16: the server would not return this mail; keep its trace and move it to the quarantine folder.
        if let why = mail.fetchError { return try quarantineWhole(mail, reason: why, label: "fetch", summary: &summary) }
        do {
            return try store.savepoint { try decideAndStore(mail, prepared: prepared, mailbox: mailbox, summary: &summary) }
        } catch {
            return try quarantineWhole(mail, reason: "internal error: \(error)", label: "internal", summary: &summary)
        }
    }

    /// Quarantines a mail the pipeline could not take (raw bytes and reason kept), inside the open transaction.
    func quarantineWhole(_ mail: IncomingMail, reason: String, label: String, summary: inout PassSummary) throws -> Disposition {
        let mailbox = source.mailboxName
        try store.quarantine(source: mailbox, key: mail.key, reason: reason, raw: mail.bytes, at: now())
        try store.recordIntake(source: mailbox, key: mail.key, messageID: nil, contentHash: SHA256.hex(mail.bytes),
                               outcome: "quarantined", reason: reason, ticketID: nil, messageRow: nil, at: now())
        log.error("mail.quarantined", [("mailbox", mailbox), ("key", mail.key), ("reason", reason)])
        summary.quarantined += 1
        metrics.count("errors_total", label: label)
        return .quarantined(reason: reason)
    }

    func decideAndStore(_ mail: IncomingMail, prepared: Prepared?, mailbox: String, summary: inout PassSummary) throws -> Disposition {
        let message = prepared?.message ?? MessageParser.parse(mail.bytes)
        let backfill = self.backfill || mail.backfill   // issue 16: startAt new imports what was there as backfill
        let received = backfill ? (message.date ?? now()) : now()
        let hash = prepared?.hash ?? Self.contentHash(mail.bytes, of: message)
        if !skipDuplicateCheck, let earlier = try store.duplicateOf(messageID: message.messageID, contentHash: hash) {
            try store.recordIntake(source: mailbox, key: mail.key, messageID: message.messageID, contentHash: hash,
                                   outcome: "duplicate", reason: "same mail as \(earlier)", ticketID: nil, messageRow: nil, at: received)
            log.info("mail.duplicate", [("mailbox", mailbox), ("message_id", message.messageID ?? ""), ("first", earlier)])
            summary.duplicates += 1
            return .processed
        }
        let byHeader = try store.ticket(forMessageIDs: message.inReplyTo + message.references)
        let bySubject = try TicketReference.all(in: message.subject, prefix: policy.referencePrefix).lazy
            .compactMap { try? self.store.ticket(reference: $0.description) }.first
        var referenceError: Error?
        var context = IncomingContext(
            message: message, size: mail.bytes.count, receivedAt: received, ticketByHeader: byHeader, ticketBySubject: bySubject,
            automaticMailsLastHour: { [store, policy] address in
                (try? store.automaticMailCount(to: address, since: received.addingTimeInterval(-3600), atMost: policy.autoReplyLimitPerHour)) ?? 0
            },
            reserveReference: { [store, policy] in
                do { return try store.reserveReference(prefix: policy.referencePrefix, year: self.referenceYear(received)) }
                catch { referenceError = error; return TicketReference(prefix: policy.referencePrefix, year: 0, number: 0) }
            },
            makeMessageID: makeMessageID)
        context.analysis = prepared?.analysis
        var decision = decider.decide(context)
        if let referenceError { throw referenceError }
        // Loop guard: an answer to one of our automatic mails (acknowledgement, refusal) that opens no ticket
        // gets no second automatic mail, so a responder without RFC 3834 headers stops after one round.
        if decision.mails.contains(where: { $0.kind == .refusal }),
           try (message.inReplyTo + message.references).contains(where: { id in
               try store.outboxItem(messageID: id).map { MailKind(rawValue: $0.kind)?.isAutomaticToCustomer == true } ?? false }) {
            decision.mails.removeAll { $0.kind == .refusal }
            decision.summary += "; no refusal: it answers our automatic mail"
        }
        if backfill {
            decision.mails = []
            if case .newTicket(var t) = decision.outcome { t.clock = nil; decision.outcome = .newTicket(t) }
            if case .update(var t) = decision.outcome { t.clock = nil; decision.outcome = .update(t) }
        }

        var ticketID: Int64?
        var outcome: String
        var fields: [(String, String)] = [("mailbox", mailbox), ("message_id", message.messageID ?? "")]
        switch decision.outcome {
        case .newTicket(let ticket):
            ticketID = try store.insertTicket(ticket, at: received)
            outcome = "ticket"
            summary.opened += 1
            metrics.count("tickets_opened_total")
            fields.append(("ref", ticket.reference.description))
        case .update(let ticket):
            try store.updateTicket(ticket, at: received)
            ticketID = ticket.id
            outcome = "follow-up"
            summary.followUps += 1
            metrics.count("follow_ups_total")
            fields.append(("ref", ticket.reference.description))
        case .rejected:
            outcome = "rejected"
            summary.rejected += 1
        case .ignored(let reason):
            outcome = "ignored"
            summary.ignored += 1
            if reason.hasPrefix("bounce") { try handleBounce(mail.bytes, fields: fields) }
        case .quarantined(let reason):
            try store.quarantine(source: mailbox, key: mail.key, reason: reason, raw: mail.bytes, at: received)
            // Oversized mail: the polite answer to the sender.
            for queued in decision.mails where !queued.mail.recipients.isEmpty {
                try store.enqueue(queued, raw: MessageWriter.render(queued.mail), ticketID: nil, at: received)
                metrics.count("mails_queued_total", label: queued.kind.rawValue)
            }
            try store.recordIntake(source: mailbox, key: mail.key, messageID: message.messageID, contentHash: hash,
                                   outcome: "quarantined", reason: reason, ticketID: nil, messageRow: nil, at: received)
            summary.quarantined += 1
            metrics.count("quarantined_total")
            log.warning("mail.quarantined", fields + [("reason", reason)])
            return .quarantined(reason: reason)
        }
        let row = try store.insertMessage(ticketID: ticketID, direction: "in", role: decision.role.rawValue, messageID: message.messageID,
                                          from: message.from, subject: message.subject, at: received, newText: decision.newText,
                                          bodyText: message.bodyText, raw: mail.bytes,
                                          newTextFromRaw: decision.newText == (prepared?.analysis.newText ?? ReplyExtractor.newText(message.bodyText)))
        try store.storeAttachments(message.attachments, messageRow: row)
        for queued in decision.mails where !queued.mail.recipients.isEmpty {
            try store.enqueue(queued, raw: MessageWriter.render(queued.mail), ticketID: ticketID, at: received)
            metrics.count("mails_queued_total", label: queued.kind.rawValue)
        }
        let reason: String? = {
            switch decision.outcome {
            case .rejected(let r), .ignored(let r): return r
            default: return nil
            }
        }()
        try store.recordIntake(source: mailbox, key: mail.key, messageID: message.messageID, contentHash: hash, outcome: outcome,
                               reason: reason, ticketID: ticketID, messageRow: row, at: received)
        metrics.count("messages_processed_total")
        if let sent = message.date { metrics.intakeLagSeconds = max(0, received.timeIntervalSince(sent)) }
        log.info("mail.\(outcome)", fields + [("summary", decision.summary)])
        return .processed
    }

    /// A delivery report for one of our mails: that mail is marked failed and staff are told; no ticket opens.
    func handleBounce(_ raw: [UInt8], fields: [(String, String)]) throws {
        for id in BounceReport.ourMessageIDs(in: raw) {
            guard let item = try store.outboxItem(messageID: id), item.status != "failed" else { continue }
            try store.markFailed(item.id, error: "bounced: delivery status report received")
            try queueDeliveryFailure(item, why: "the recipient's server returned a delivery status report (bounce)")
            metrics.count("bounces_total")
            log.warning("outbox.bounced", fields + [("bounced_message_id", id)])
        }
    }

    // MARK: escalation

    /// Queues every warning and breach notice that is due; each ticket update and its mail commit together.
    @discardableResult
    public func escalate(into summary: inout PassSummary) throws -> Int {
        let instant = now()
        var count = 0
        for ticket in try store.ticketsNeedingEscalation(now: instant) {
            guard let (marked, queued) = Escalations.due(ticket, policy: policy, now: instant, makeMessageID: makeMessageID) else { continue }
            try store.transaction {
                try store.updateTicket(marked, at: instant)
                if let queued {
                    try store.enqueue(queued, raw: MessageWriter.render(queued.mail), ticketID: ticket.id, at: instant)
                }
                try store.logEscalation(ticketID: ticket.id, kind: marked.clock?.breachSent == true ? "breach" : "warning", at: instant)
            }
            if let queued {
                count += 1
                metrics.count("escalations_total", label: queued.kind.rawValue)
                log.info("ticket.\(queued.kind.rawValue)", [("ref", ticket.reference.description), ("to", queued.mail.recipients.joined(separator: ","))])
            }
        }
        summary.escalations += count
        return count
    }

    // MARK: delivery

    /// Sends what is due in the outbox. State is written right after each accepted delivery.
    @discardableResult
    public func deliver(into summary: inout PassSummary) throws -> Int {
        var sent = 0
        pass: for item in try store.pendingOutbox(now: now(), limit: 500) {
            do {
                try sender.send(item.raw, envelopeFrom: item.envelopeFrom, recipients: item.recipients, messageID: item.messageID)
                try store.markSent(item.id, at: now())
                sent += 1
                if sent == 1, try store.state(Self.accountRefusedState).map({ !$0.value.isEmpty }) == true {
                    try store.setState(Self.accountRefusedState, "", at: now())
                }
                if deliveryFailing {
                    // The server is back: what was deferred during the outage goes now, not after its own backoff.
                    deliveryFailing = false
                    try store.db.query("UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?",
                                       [SQLValue(now()), SQLValue(now())])
                    log.info("outbox.recovered", [("message_id", item.messageID)])
                }
                metrics.count("mails_sent_total", label: item.kind)
            } catch let error as SendError {
                summary.sendFailures += 1
                summary.lastSendError = "\(error)"
                switch error {
                case .temporary(let why), .account(let why):
                    // issue 16: an account refusal is a configuration problem; `health` shows the server's words.
                    if case .account = error { try store.setState(Self.accountRefusedState, why, at: now()) }
                    let delay = min(3600, 30 * pow(2, Double(min(item.attempts, 7)))) * Double.random(in: 0.8...1.2)
                    try store.markRetry(item.id, error: why, next: now().addingTimeInterval(delay))
                    // Once per state change at warning level; each further deferral of the same outage at debug.
                    log.log(deliveryFailing ? .debug : .warning, "outbox.retry",
                            [("message_id", item.messageID), ("error", why), ("in_seconds", String(Int(delay)))])
                    deliveryFailing = true
                    // The server is away: stop this pass rather than hammering it for every mail.
                    break pass
                case .permanent(let why):
                    try store.transaction {
                        try store.markFailed(item.id, error: why)
                        try queueDeliveryFailure(item, why: why)
                    }
                    log.error("outbox.failed", [("message_id", item.messageID), ("error", why)])
                    metrics.count("errors_total", label: "delivery")
                }
            }
        }
        summary.sent += sent
        return sent
    }

    /// worker_state key: the SMTP server's words while it refuses our account ("" once a send went through).
    public static let accountRefusedState = "smtp_account_refused"

    /// Tells staff that a mail could not be delivered (never for a failure notice itself, so it cannot loop).
    func queueDeliveryFailure(_ item: OutboxItem, why: String) throws {
        guard item.kind != MailKind.deliveryFailure.rawValue, !policy.staffNotify.isEmpty else { return }
        let ticket = try item.ticketID.flatMap { try store.ticket(id: $0) }
        let subject = (ticket.map { $0.reference.tag + " " } ?? "") + "Delivery failed: " + item.subject
        let body = """
            A mail from Postdesk could not be delivered and will not be retried.

            Recipients: \(item.recipients.joined(separator: ", "))
            Subject:    \(item.subject)
            Message-ID: <\(item.messageID)>
            Server said: \(why)
            """
        let mail = OutgoingMail(from: policy.supportAddress, to: policy.staffNotify, replyTo: policy.supportAddress, subject: subject,
                                messageID: makeMessageID(), inReplyTo: item.messageID, date: now(), autoSubmitted: "auto-generated", body: body)
        try store.enqueue(QueuedMail(.deliveryFailure, mail), raw: MessageWriter.render(mail), ticketID: item.ticketID, at: now())
    }

    // MARK: passes

    /// Everything waiting: all mail in the mailbox, due escalations, the outbox. For `run --once`.
    public func runOnce() throws -> PassSummary {
        var summary = PassSummary()
        try intakeAll(into: &summary)
        metrics.lastPoll = now()
        try store.setState("last_poll", source.mailboxName, at: now())
        try escalate(into: &summary)
        try deliver(into: &summary)
        return summary
    }
}

/// Only after the commit is durable may the mailbox forget a mail; a failed settle is retried by the next run.
/// Returns the failure, which ends the intake pass (after the other settles of the batch were tried).
@discardableResult
func settle(_ mail: IncomingMail, _ disposition: Disposition, in source: MailboxSource, log: Log) -> Error? {
    do {
        try source.settle(mail, as: disposition)
        return nil
    } catch {
        log.warning("mailbox.settle_failed", [("mailbox", source.mailboxName), ("key", mail.key), ("error", "\(error)")])
        return error
    }
}

/// The mailbox side of `Pipeline.intakeAll` on one serial queue: fetching (and analysing) the next batch and
/// settling committed ones, in the order asked, while the caller's thread commits. While a lane is in use only
/// the lane touches the source (hence @unchecked Sendable); `drain()` hands it back.
final class MailboxLane: @unchecked Sendable {
    private let source: MailboxSource
    private let log: Log
    /// Used on the lane only, after each settle.
    private let checkpoints: Database?
    private let queue = DispatchQueue(label: "postdesk.mailbox")
    private let lock = NSLock()
    private var settleMilliseconds = "0.0"
    private var firstSettleFailure: Error?

    /// The first settle that failed since the lane started (read after `drain()`).
    var settleFailure: Error? { lock.withLock { firstSettleFailure } }

    init(_ source: MailboxSource, log: Log, checkpoints: Database? = nil) {
        self.source = source
        self.log = log
        self.checkpoints = checkpoints
    }

    /// The last settle's duration (it runs on the lane, after the commit it follows).
    var lastSettleMilliseconds: String { lock.withLock { settleMilliseconds } }

    /// Fetches the batch after `batch` (not yet settled) and prepares it, on the lane and other cores.
    func fetchAhead(following batch: [IncomingMail], limit: Int, classifier: PriorityClassifier) -> Ahead {
        let ahead = Ahead()
        queue.async {
            var stopwatch = Stopwatch()
            do {
                let mails = try self.source.fetch(following: batch, limit: limit)
                let fetched = stopwatch.lap()
                let prepared = Pipeline.prepare(mails, classifier: classifier)
                ahead.finish(.success(Ahead.Batch(mails: mails, prepared: prepared, fetchMilliseconds: fetched, analyseMilliseconds: stopwatch.lap())))
            } catch {
                ahead.finish(.failure(error))
            }
        }
        return ahead
    }

    /// Settles committed mail on the lane; the caller does not wait.
    func settle(_ dispositions: [(IncomingMail, Disposition)]) {
        queue.async {
            var stopwatch = Stopwatch()
            for (mail, disposition) in dispositions {
                if let failure = Worker.settle(mail, disposition, in: self.source, log: self.log) {
                    self.lock.withLock { if self.firstSettleFailure == nil { self.firstSettleFailure = failure } }
                }
            }
            do {
                try self.checkpoints?.checkpoint()
            } catch {
                self.log.debug("store.checkpoint_failed", [("error", "\(error)")])   // the next one catches up
            }
            let took = stopwatch.lap()
            self.lock.withLock { self.settleMilliseconds = took }
        }
    }

    /// Returns when everything asked of the lane is done.
    func drain() { queue.sync {} }

    /// A batch being fetched and prepared; `wait()` returns it (or the fetch's error).
    final class Ahead: @unchecked Sendable {
        struct Batch {
            var mails: [IncomingMail]
            var prepared: [Pipeline.Prepared]
            var fetchMilliseconds: String
            var analyseMilliseconds: String
        }
        private var result: Result<Batch, Error>?
        private let done = DispatchSemaphore(value: 0)

        func finish(_ result: Result<Batch, Error>) {
            self.result = result
            done.signal()
        }

        func wait() throws -> Batch {
            done.wait()
            done.signal()   // a second wait returns at once
            return try result!.get()
        }
    }
}

/// One slot per mail, written by concurrent workers at distinct indices, read after they all finished.
final class PreparedSlots: @unchecked Sendable {
    private var slots: [Pipeline.Prepared?]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ value: Pipeline.Prepared) {
        lock.lock()
        slots[i] = value
        lock.unlock()
    }

    var values: [Pipeline.Prepared] { slots.map { $0! } }
}

/// Milliseconds between laps, on the monotonic clock.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds

    mutating func lap() -> String {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return String(format: "%.1f", Double(now - last) / 1e6)
    }
}
