import Configuration
import Desk
import Foundation
import MIME
import Store
import Transport

extension Pipeline {
    /// Takes everything waiting, batch by batch, until the mailbox is empty or `stop` is requested (the batch in
    /// hand still commits). The commit is serial and is this thread's only job: the mailbox side (fetching the
    /// next batch, settling the last one) runs on a lane of its own, and parsing and analysis on the other cores,
    /// all while a batch commits. `progress` is called after each batch.
    public func intakeAll(into summary: inout PassSummary, until stop: StopSignal? = nil,
        progress: ((PassSummary) -> Void)? = nil) throws {
        var stopwatch = Stopwatch()
        var batch = try source.fetch(after: try storedCheckpoint(), limit: config.batchSize)
        let fetched = stopwatch.lap()
        var prepared = Self.prepare(batch, classifier: decider.classifier)
        var timing = BatchTiming(fetch: fetched, analyse: stopwatch.lap(), wait: "0.0")
        // The lane also checkpoints the WAL after each batch, on a connection of its own, so the commit thread does
        // not.
        let checkpoints = checkpointConnection
        if checkpoints != nil { try store.setAutoCheckpoint(false) }
        let lane = MailboxLane(source, log: log, checkpoints: checkpoints)
        defer {
            lane.drain()   // settles still queued are done before the source is used here again
            if checkpoints != nil { try? store.setAutoCheckpoint(true) }
        }
        while !batch.isEmpty {
            let stopping = stop?.isRequested ?? false
            let ahead = stopping ? nil : lane.fetchAhead(following: batch, limit: config.batchSize,
                classifier: decider.classifier)
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
            boundWAL(lane)
            log.debug("intake.batch", [("mails", "\(batch.count)"), ("fetch_ms", timing.fetch),
                ("analyse_ms", timing.analyse),
                                       ("commit_ms", committed), ("wait_ms", timing.wait),
                                       ("settle_ms", lane.lastSettleMilliseconds)])
            progress?(summary)
            guard let ahead else { break }
            let next = try ahead.wait()
            batch = next.mails
            prepared = next.prepared
            timing = BatchTiming(fetch: next.fetchMilliseconds, analyse: next.analyseMilliseconds,
                wait: stopwatch.lap())
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
    func commit(_ mails: [IncomingMail], _ prepared: [Prepared],
        into summary: inout PassSummary) throws -> [(IncomingMail, Disposition)] {
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
            results.set(i, Prepared(message: message, hash: contentHash(mails[i].bytes, of: message),
                analysis: MessageAnalysis(message, classifier: classifier)))
        }
        return results.values
    }

    /// Decides and stores one mail inside the open transaction; a failure quarantines just this mail.
    func process(_ mail: IncomingMail, prepared: Prepared? = nil, summary: inout PassSummary) throws -> Disposition {
        let mailbox = source.mailboxName
        if let outcome = try store.intakeOutcome(source: mailbox, key: mail.key) {
            // Committed before a crash, not yet settled: settle only.
            summary.alreadyDone += 1
            return outcome == .quarantined ? .quarantined(reason: "already quarantined") : .processed
        }
        if let why = mail.unreadable { return try setAside(mail, why: why, mailbox: mailbox, summary: &summary) }
        do {
            return try store.savepoint { try decideAndStore(mail, prepared: prepared, mailbox: mailbox,
                summary: &summary) }
        } catch {
            // A full or failing disk is no fault of the mail: the whole batch rolls back and waits for space.
            if DatabaseError.isStorage(error) { throw error }
            let reason = "internal error: \(error)"
            try store.quarantine(source: mailbox, key: mail.key, reason: reason, raw: mail.bytes, at: now())
            try store.recordIntake(source: mailbox, key: mail.key, messageID: nil, contentHash: SHA256.hex(mail.bytes),
                                   outcome: .quarantined, reason: reason, ticketID: nil, messageRow: nil, at: now())
            log.error("mail.quarantined", [("mailbox", mailbox), ("key", mail.key), ("reason", reason)])
            summary.quarantined += 1
            metrics.countError("internal")
            return .quarantined(reason: reason)
        }
    }

    /// A mailbox entry that is no readable mail: on record in the quarantine (with nothing of it read), logged
    /// once, and moved aside by the settle so no pass meets it again.
    func setAside(_ mail: IncomingMail, why: String, mailbox: String,
                  summary: inout PassSummary) throws -> Disposition {
        try store.quarantine(source: mailbox, key: mail.key, reason: why, raw: [], at: now())
        try store.recordIntake(source: mailbox, key: mail.key, messageID: nil, contentHash: "", outcome: .quarantined,
                               reason: why, ticketID: nil, messageRow: nil, at: now())
        log.warning("mail.not_readable", [("mailbox", mailbox), ("key", mail.key), ("reason", why)])
        summary.quarantined += 1
        metrics.countError("unreadable")
        return .quarantined(reason: why)
    }

    /// gather → decide → apply: the store's facts about the mail, the desk's pure verdict, then the writes.
    func decideAndStore(_ mail: IncomingMail, prepared: Prepared?, mailbox: String,
                        summary: inout PassSummary) throws -> Disposition {
        let message = prepared?.message ?? MessageParser.parse(mail.bytes)
        let received = backfill || mail.backfill ? (message.date ?? now()) : now()   // mail.backfill: startAt new
        let hash = prepared?.hash ?? Self.contentHash(mail.bytes, of: message)
        if !skipDuplicateCheck, let earlier = try store.duplicateOf(messageID: message.messageID, contentHash: hash) {
            if Self.isSameMail(earlier, as: message) {
                try store.recordIntake(source: mailbox, key: mail.key, messageID: message.messageID, contentHash: hash,
                                       outcome: .duplicate, reason: "same mail as \(earlier.place)", ticketID: nil,
                                       messageRow: nil, at: received)
                log.info("mail.duplicate", [("mailbox", mailbox), ("message_id", message.messageID ?? ""),
                                            ("first", earlier.place)])
                summary.duplicates += 1
                return .processed
            }
            log.warning("mail.message_id_reused", [("mailbox", mailbox), ("message_id", message.messageID ?? ""),
                                                   ("first", earlier.place), ("from", message.from?.email ?? "")])
        }
        let context = try facts(about: mail, message, receivedAt: received, analysis: prepared?.analysis)
        let decision = decider.decide(context)
        return try apply(decision, to: mail, message, hash: hash, receivedAt: received, mailbox: mailbox,
                         analysis: prepared?.analysis, summary: &summary)
    }

    /// A second delivery has the first one's sender and body; the same Message-ID with another of either is a new
    /// mail. Only a Message-ID match carries the first mail's bytes, so only then is anything parsed again.
    static func isSameMail(_ earlier: EarlierIntake, as message: ParsedMessage) -> Bool {
        guard let raw = earlier.raw else { return true }
        guard (earlier.sender ?? "").lowercased() == (message.from?.email ?? "").lowercased() else { return false }
        return MessageParser.parse(raw).bodyText == message.bodyText
    }

    /// Everything the desk needs from the store, read inside the open transaction.
    func facts(about mail: IncomingMail, _ message: ParsedMessage, receivedAt: Date,
               analysis: MessageAnalysis?) throws -> IncomingContext {
        let threadIDs = message.references + message.inReplyTo   // matched newest first: In-Reply-To, then back
        let match = try store.headerMatch(threadIDs)
        // A match on one of our Message-IDs decides the thread; only without one is the subject tag looked up.
        let bySubject = match?.ours == true ? nil : TicketReference.all(
            in: message.subject, prefix: policy.referencePrefix)
            .prefix(5).lazy.compactMap { try? self.store.liveTicket(reference: $0.description) }.first
        let sender = message.from?.normalized ?? ""
        let automaticCount = sender.isEmpty ? 0 : try store.automaticMailCount(
            to: sender, since: receivedAt.addingTimeInterval(-3600), atMost: policy.autoReplyLimitPerHour)
        let isBounce: Bool = {
            if case .bounce? = analysis?.automatic ?? AutomaticMail.classify(message) { return true }
            return false
        }()
        let bounced = isBounce ? try bouncedMails(mail, message) : []
        let refusals = try store.mailCount(of: .refusal, since: receivedAt.addingTimeInterval(-3600),
                                           atMost: policy.refusalLimitPerHour)
        // A reply to a digest names several tickets' threads: it is a reply to a notice, whichever ticket it joins.
        let answersDigest = try message.inReplyTo.last.flatMap { try store.outboxItem(messageID: $0) }?.kind
            == .noticeDigest
        var context = IncomingContext(
            message: message, size: mail.size, receivedAt: receivedAt, ticketByHeader: match?.ticket,
            headerMatchIsOurs: match?.ours ?? false, answersKind: answersDigest ? .noticeDigest : match?.kind,
            ticketBySubject: bySubject, automaticMailsToSender: automaticCount, refusalsLastHour: refusals,
            answersOurAutomaticMail: try store.namesAutomaticMail(threadIDs),
            nextReference: try store.peekReference(prefix: policy.referencePrefix, year: referenceYear(receivedAt)),
            bouncedMails: bounced, backfill: backfill || mail.backfill, makeMessageID: makeMessageID,
            analysis: analysis)
        context.awayStaff = try store.awayStaff()
        if let from = message.from, !policy.isStaff(from.email) {
            // A customer's follow-up notification says who on staff has answered already.
            for ticket in [match?.ticket, bySubject].compactMap({ $0 }) where context.staffAnswers[ticket.id] == nil {
                context.staffAnswers[ticket.id] = try store.staffAnswers(ticketID: ticket.id)
            }
        }
        context.quarantinePlace = source.quarantinePlace(of: mail)
        try staffCommandFacts(into: &context, ticket: match?.ticket ?? bySubject)
        if let hash = Self.textHash(message, analysis: analysis) {
            context.repeatsRecentText = try store.hasText(hash: hash, since: receivedAt.addingTimeInterval(-3600))
        }
        return context
    }

    /// Our mails a delivery report is about (issue 15): one whose envelope token (VERP) it was addressed to, or
    /// whose whole Message-ID — random part intact — it quotes. A report naming neither marks nothing failed.
    func bouncedMails(_ mail: IncomingMail, _ message: ParsedMessage) throws -> [SentMail] {
        var found = try EnvelopeToken.tokens(in: message, support: policy.supportAddress)
            .compactMap { try store.sentMail(envelopeToken: $0) }
        for id in BounceReport.ourMessageIDs(in: mail.bytes) {
            if let sent = try store.sentMail(messageID: id), !found.contains(where: { $0.outboxID == sent.outboxID }) {
                found.append(sent)
            }
        }
        return found
    }

    /// Writes what the desk decided: the ticket, the message, its attachments, the mails and the intake record.
    func apply(_ decision: Decision, to mail: IncomingMail, _ message: ParsedMessage, hash: String,
        receivedAt received: Date,
               mailbox: String, analysis: MessageAnalysis?, summary: inout PassSummary) throws -> Disposition {
        var ticketID: Int64?
        let outcome: IntakeOutcome
        var reason: String?
        var fields: [(String, String)] = [("mailbox", mailbox), ("message_id", message.messageID ?? ""),
                                          ("from", message.from?.normalized ?? "")]
        switch decision.outcome {
        case .newTicket(let ticket):
            try store.takeReference(ticket.reference)
            ticketID = try store.insertTicket(ticket, at: received)
            outcome = .ticket
            summary.opened += 1
            fields.append(("ref", ticket.reference.description))
            if let withheld = decision.acknowledgementWithheld, let ticketID {
                try store.setAcknowledgementWithheld(ticketID: ticketID, reason: withheld)
                log.warning("mail.ack_withheld", fields + [("reason", withheld)])
            }
        case .update(let ticket):
            try store.updateTicket(ticket, at: received)
            ticketID = ticket.id
            outcome = .followUp
            if decision.role == .staffReply || decision.role == .staffNote {
                summary.staffMails += 1
            } else {
                summary.followUps += 1
            }
            fields.append(("ref", ticket.reference.description))
        case .rejected(let why):
            outcome = .rejected
            reason = why
            summary.rejected += 1
        case .ignored(let why), .bounce(let why):
            outcome = .ignored
            reason = why
            summary.ignored += 1
        case .quarantined(let why):
            try store.quarantine(source: mailbox, key: mail.key, reason: why, raw: mail.bytes, at: received)
            try enqueue(decision.mails, ticketID: nil, at: received)   // the oversized mail's polite answer
            try store.recordIntake(source: mailbox, key: mail.key, messageID: message.messageID, contentHash: hash,
                                   outcome: .quarantined, reason: why, ticketID: nil, messageRow: nil, at: received)
            summary.quarantined += 1
            log.warning("mail.quarantined", fields + [("reason", why)])
            return .quarantined(reason: why)
        }
        for failure in decision.deliveryFailures {
            try record(failure)
            log.warning("outbox.bounced", fields + [("outbox_id", "\(failure.outboxID)")])
        }
        let newTextFromRaw = decision.newText == (analysis?.newText ?? ReplyExtractor.newText(of: message))
        let row = try store.insertMessage(ticketID: ticketID, direction: .incoming, role: decision.role,
                                          messageID: message.messageID, from: message.from, subject: message.subject,
                                          at: received, newText: decision.newText, bodyText: message.bodyText,
                                          raw: mail.bytes, newTextFromRaw: newTextFromRaw)
        try store.storeAttachments(message.attachments, messageRow: row)
        if decision.answersCustomer { try store.markAnswer(messageRow: row) }
        if let before = decision.statusBefore { try store.setStatusBefore(messageRow: row, before) }
        if let hash = Self.textHash(message, analysis: analysis) { try store.setTextHash(messageRow: row, hash: hash) }
        if let ticketID, !decision.timeLogged.isEmpty {
            try store.logTime(decision.timeLogged, ticketID: ticketID, messageRow: row,
                              staff: message.from?.email ?? "", at: received)
            try noticeSupportHours(customerID: decision.ticket?.customerID, at: received)
        }
        try enqueue(decision.mails, ticketID: ticketID, at: received)
        try store.recordIntake(source: mailbox, key: mail.key, messageID: message.messageID, contentHash: hash,
                               outcome: outcome, reason: reason, ticketID: ticketID, messageRow: row, at: received)
        try applyMoves(decision, at: received, fields: fields, summary: &summary)
        if let presence = decision.presence { try store.setAway(presence, at: received) }
        if let sent = message.date { metrics.intakeLagSeconds = max(0, received.timeIntervalSince(sent)) }
        log.info("mail.\(Self.event(outcome, role: decision.role))", fields + [("summary", decision.summary)])
        return .processed
    }

    /// The sender and the new text (whitespace folded) as one hash: a repeat within the hour marks a responder.
    static func textHash(_ message: ParsedMessage, analysis: MessageAnalysis?) -> String? {
        if let analysis { return analysis.textHash }
        return RepeatedText.hash(from: message.from?.normalized ?? "",
            newText: ReplyExtractor.newText(message.bodyText))
    }

    /// The log event of a taken mail: a follow-up says whose (a customer's, a staff reply, a staff note).
    static func event(_ outcome: IntakeOutcome, role: MessageRole) -> String {
        guard outcome == .followUp else { return outcome.rawValue }
        switch role {
        case .staffReply: return "staff_reply"
        case .staffNote: return "staff_note"
        case .autoReply: return "auto_reply"
        default: return "follow_up"
        }
    }

    /// Renders and queues mails the desk wrote (a mail with no recipients is not queued); notices that gather into
    /// digests are held per recipient instead (see `holdNotice`).
    func enqueue(_ mails: [QueuedMail], ticketID: Int64?, at: Date) throws {
        for queued in mails where !queued.mail.recipients.isEmpty {
            if try hold(queued, ticketID: ticketID, at: at) { continue }
            try store.enqueue(queued, raw: MessageWriter.render(queued.mail), ticketID: ticketID, at: at)
        }
    }

    /// A mail of ours that will not be delivered: marked failed, and staff told when the desk said so.
    func record(_ failure: DeliveryFailure) throws {
        try store.markFailed(failure.outboxID, error: failure.why)
        if let notice = failure.notice { try enqueue([notice], ticketID: failure.ticketID, at: now()) }
    }
}
