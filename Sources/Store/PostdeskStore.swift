import Desk
import Foundation
import MIME

/// One outgoing mail waiting in (or gone from) the outbox table.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    public var ticketID: Int64?
    public var kind: String
    public var messageID: String
    public var envelopeFrom: String
    public var recipients: [String]
    public var subject: String
    public var raw: [UInt8]
    public var status: String
    public var attempts: Int
    public var lastError: String?
}

/// A ticket row for listings.
public struct TicketSummary: Sendable {
    public var state: TicketState
    public var messageCount: Int
}

/// A stored message of a ticket.
public struct StoredMessage: Sendable {
    public var id: Int64
    public var direction: String
    public var role: String
    public var messageID: String?
    public var from: Address?
    public var subject: String
    public var createdAt: Date
    public var newText: String
    public var bodyText: String
    public var attachments: [StoredAttachment]
}

public struct StoredAttachment: Sendable, Equatable {
    public var filename: String?
    public var contentType: String
    public var size: Int
    public var sha256: String
}

public struct QuarantinedMail: Sendable {
    public var id: Int64
    public var source: String
    public var key: String
    public var reason: String
    public var raw: [UInt8]
    public var receivedAt: Date
    public var status: String
}

/// Postdesk's SQLite store: tickets, messages, outbox, intake log and checkpoints.
public final class PostdeskStore {
    public let db: Database
    /// See `automaticMailCount`.
    private var automaticMailTimes = AutomaticMailTimes()

    public init(path: String) throws {
        db = try Database(path: path)
        try migrate()
    }

    func migrate() throws {
        let current = db.userVersion
        for (index, sql) in Schema.migrations.enumerated() where index >= current {
            try db.transaction {
                try db.execute(sql)
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        guard !db.inTransaction else { return try db.transaction(body) }
        automaticMailTimes.forget()   // others may have written since our last transaction
        defer { automaticMailTimes.forget() }
        return try db.transaction(body)
    }

    /// Runs `body` in a savepoint of the open transaction: on error only its changes are undone, and the error is rethrown.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try db.query("SAVEPOINT step")
        do {
            let result = try body()
            try db.query("RELEASE step")
            return result
        } catch {
            automaticMailTimes.forget()
            try db.query("ROLLBACK TO step")
            try db.query("RELEASE step")
            throw error
        }
    }

    // MARK: intake

    /// Whether this mailbox item was already processed (a crash between commit and settle leaves it in the mailbox).
    public func intakeOutcome(source: String, key: String) throws -> String? {
        try db.query("SELECT outcome FROM intake WHERE source = ? AND key = ?", [.text(source), .text(key)]).first?.text("outcome")
    }

    /// An earlier intake of the same mail (same Message-ID, else same bytes), from any mailbox. Intake rows of
    /// mails with a Message-ID store "" for the hash, so a hash only ever meets hashes of mails without one.
    public func duplicateOf(messageID: String?, contentHash: String) throws -> String? {
        if let messageID, !messageID.isEmpty {
            if let row = try db.query("SELECT source, key FROM intake WHERE message_id = ? AND outcome != 'duplicate' LIMIT 1", [.text(messageID)]).first {
                return "\(row.text("source") ?? "")/\(row.text("key") ?? "")"
            }
            // Our own outgoing mail coming back is not a duplicate of an intake; the desk ignores it by sender.
            return nil
        }
        return try db.query("SELECT source, key FROM intake WHERE content_hash = ? AND outcome != 'duplicate' LIMIT 1", [.text(contentHash)])
            .first.map { "\($0.text("source") ?? "")/\($0.text("key") ?? "")" }
    }

    public func recordIntake(source: String, key: String, messageID: String?, contentHash: String, outcome: String,
                             reason: String?, ticketID: Int64?, messageRow: Int64?, at: Date) throws {
        try db.query("""
            INSERT OR REPLACE INTO intake (source, key, message_id, content_hash, outcome, reason, ticket_id, message_row, processed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(source), .text(key), SQLValue(messageID), .text(contentHash), .text(outcome), SQLValue(reason),
                  SQLValue(ticketID), SQLValue(messageRow), SQLValue(at)])
    }

    public func intakeCounts() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try db.query("SELECT outcome, COUNT(*) AS n FROM intake GROUP BY outcome") {
            counts[row.text("outcome") ?? "?"] = Int(row.int("n") ?? 0)
        }
        return counts
    }

    // MARK: checkpoints

    public func checkpoint(mailbox: String) throws -> (validity: UInt64, lastUID: UInt64)? {
        try db.query("SELECT validity, last_uid FROM checkpoints WHERE mailbox = ?", [.text(mailbox)]).first.map {
            (UInt64($0.int("validity") ?? 0), UInt64($0.int("last_uid") ?? 0))
        }
    }

    public func saveCheckpoint(mailbox: String, validity: UInt64, lastUID: UInt64, at: Date) throws {
        try db.query("INSERT OR REPLACE INTO checkpoints (mailbox, validity, last_uid, updated_at) VALUES (?, ?, ?, ?)",
                     [.text(mailbox), .int(Int64(validity)), .int(Int64(lastUID)), SQLValue(at)])
    }

    // MARK: tickets

    /// The next reference of the year; numbers are never reused, even when the transaction that took one rolls back
    /// and a later one takes the same number (nothing was ever sent with it).
    public func reserveReference(prefix: String, year: Int) throws -> TicketReference {
        try db.query("""
            INSERT INTO reference_sequence (prefix, year, last) VALUES (?, ?, 1)
            ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1
            """, [.text(prefix), .int(Int64(year))])
        let last = try db.query("SELECT last FROM reference_sequence WHERE prefix = ? AND year = ?", [.text(prefix), .int(Int64(year))])
            .first?.int("last") ?? 1
        return TicketReference(prefix: prefix, year: year, number: Int(last))
    }

    static let ticketColumns = """
        id, reference, status, priority, priority_reason, customer_id, plan, requester_email, requester_name, participants,
        subject, language, created_at, resolved_at, first_response_at, clock_started_at, due_at, warn_at, warning_sent,
        breach_sent, root_message_id, last_message_id, linked_ticket_id, claimed_reference
        """

    func ticketValues(_ t: TicketState) -> [SQLValue] {
        [.text(t.reference.description), .text(t.status.rawValue), .text(t.priority.priority.rawValue), .text(t.priority.reason),
         SQLValue(t.customerID), .text(t.plan), .text(t.requester.email), SQLValue(t.requester.name),
         .text(Self.encodeParticipants(t.participants)), .text(t.subject), .text(t.language), SQLValue(t.createdAt),
         SQLValue(t.resolvedAt), SQLValue(t.firstResponseAt), SQLValue(t.clock?.startedAt), SQLValue(t.clock?.dueAt),
         SQLValue(t.clock?.warnAt), SQLValue(t.clock?.warningSent ?? false), SQLValue(t.clock?.breachSent ?? false),
         SQLValue(t.rootMessageID), SQLValue(t.lastMessageID), SQLValue(t.linkedTicketID), SQLValue(t.claimedReference)]
    }

    public func insertTicket(_ t: TicketState, at: Date) throws -> Int64 {
        try db.query("""
            INSERT INTO tickets (reference, status, priority, priority_reason, customer_id, plan, requester_email, requester_name,
                participants, subject, language, created_at, resolved_at, first_response_at, clock_started_at, due_at, warn_at,
                warning_sent, breach_sent, root_message_id, last_message_id, linked_ticket_id, claimed_reference, updated_at, first_due_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, ticketValues(t) + [SQLValue(at), SQLValue(t.clock?.dueAt)])
        return db.lastInsertID
    }

    public func updateTicket(_ t: TicketState, at: Date) throws {
        try db.query("""
            UPDATE tickets SET reference = ?, status = ?, priority = ?, priority_reason = ?, customer_id = ?, plan = ?,
                requester_email = ?, requester_name = ?, participants = ?, subject = ?, language = ?, created_at = ?,
                resolved_at = ?, first_response_at = ?, clock_started_at = ?, due_at = ?, warn_at = ?, warning_sent = ?,
                breach_sent = ?, root_message_id = ?, last_message_id = ?, linked_ticket_id = ?, claimed_reference = ?,
                updated_at = ?,
                -- Until the first response, the first deadline follows the clock (a #priority change re-times it).
                first_due_at = CASE WHEN first_response_at IS NULL THEN COALESCE(?, first_due_at) ELSE first_due_at END
            WHERE id = ?
            """, ticketValues(t) + [SQLValue(at), SQLValue(t.clock?.dueAt), .int(t.id)])
    }

    func ticket(from row: Row) -> TicketState? {
        guard let id = row.int("id"), let refText = row.text("reference"),
              let prefix = refText.split(separator: "-").first.map(String.init),
              let reference = TicketReference(refText, prefix: prefix) else { return nil }
        var clock: ReactionClock?
        if let start = row.date("clock_started_at"), let due = row.date("due_at"), let warn = row.date("warn_at") {
            clock = ReactionClock(startedAt: start, dueAt: due, warnAt: warn, warningSent: row.int("warning_sent") == 1,
                                  breachSent: row.int("breach_sent") == 1)
        }
        return TicketState(
            id: id, reference: reference, status: TicketStatus(rawValue: row.text("status") ?? "") ?? .open,
            priority: PriorityDecision(Priority(rawValue: row.text("priority") ?? "") ?? .p3, reason: row.text("priority_reason") ?? ""),
            customerID: row.text("customer_id"), plan: row.text("plan") ?? "", requester: Address(name: row.text("requester_name"), email: row.text("requester_email") ?? ""),
            participants: Self.decodeParticipants(row.text("participants") ?? ""), subject: row.text("subject") ?? "",
            language: row.text("language") ?? "en", createdAt: row.date("created_at") ?? Date(timeIntervalSince1970: 0),
            resolvedAt: row.date("resolved_at"), firstResponseAt: row.date("first_response_at"), clock: clock,
            rootMessageID: row.text("root_message_id"), lastMessageID: row.text("last_message_id"),
            linkedTicketID: row.int("linked_ticket_id"), claimedReference: row.text("claimed_reference"))
    }

    public func ticket(id: Int64) throws -> TicketState? {
        try db.query("SELECT \(Self.ticketColumns) FROM tickets WHERE id = ?", [.int(id)]).first.flatMap(ticket(from:))
    }

    public func ticket(reference: String) throws -> TicketState? {
        try db.query("SELECT \(Self.ticketColumns) FROM tickets WHERE reference = ? COLLATE NOCASE", [.text(reference)]).first.flatMap(ticket(from:))
    }

    /// The ticket holding any of these Message-IDs (incoming or ours), the last-named first.
    public func ticket(forMessageIDs ids: [String]) throws -> TicketState? {
        for id in ids.reversed() where !id.isEmpty {
            if let row = try db.query("SELECT ticket_id FROM messages WHERE message_id = ? AND ticket_id IS NOT NULL LIMIT 1", [.text(id)]).first,
               let ticketID = row.int("ticket_id") {
                return try ticket(id: ticketID)
            }
        }
        return nil
    }

    public func tickets(limit: Int = 1000) throws -> [TicketSummary] {
        try db.query("""
            SELECT \(Self.ticketColumns), (SELECT COUNT(*) FROM messages m WHERE m.ticket_id = tickets.id) AS message_count
            FROM tickets ORDER BY id LIMIT ?
            """, [.int(Int64(limit))]).compactMap { row in
            ticket(from: row).map { TicketSummary(state: $0, messageCount: Int(row.int("message_count") ?? 0)) }
        }
    }

    /// Open tickets whose warning or breach instant has passed and whose notice is not sent.
    public func ticketsNeedingEscalation(now: Date) throws -> [TicketState] {
        try db.query("""
            SELECT \(Self.ticketColumns) FROM tickets
            WHERE status = 'open' AND clock_started_at IS NOT NULL
              AND ((warn_at <= ? AND warning_sent = 0) OR (due_at <= ? AND breach_sent = 0))
            ORDER BY due_at
            """, [SQLValue(now), SQLValue(now)]).compactMap(ticket(from:))
    }

    /// The earliest future escalation instant, so the worker can wake for it.
    public func nextEscalationTime() throws -> Date? {
        try db.query("""
            SELECT MIN(CASE WHEN warning_sent = 0 THEN warn_at ELSE due_at END) AS next FROM tickets
            WHERE status = 'open' AND clock_started_at IS NOT NULL AND breach_sent = 0
            """).first?.date("next")
    }

    static func encodeParticipants(_ list: [Address]) -> String {
        let data = (try? JSONEncoder().encode(list)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeParticipants(_ text: String) -> [Address] {
        (try? JSONDecoder().decode([Address].self, from: Data(text.utf8))) ?? []
    }

    public func logEscalation(ticketID: Int64, kind: String, at: Date) throws {
        try db.query("INSERT INTO escalation_log (ticket_id, kind, sent_at) VALUES (?, ?, ?)", [.int(ticketID), .text(kind), SQLValue(at)])
    }

    /// Tickets created in [from, to) with what the monthly report needs.
    public func reportRows(from: Date, to: Date) throws -> [ReactionRecord] {
        try db.query("""
            SELECT t.customer_id, t.plan, t.priority, t.created_at, t.first_due_at, t.first_response_at,
                   (SELECT COUNT(*) FROM escalation_log e WHERE e.ticket_id = t.id AND e.kind = 'breach') AS breaches
            FROM tickets t WHERE t.created_at >= ? AND t.created_at < ? ORDER BY t.id
            """, [SQLValue(from), SQLValue(to)]).map { row in
            ReactionRecord(customer: row.text("customer_id") ?? "(none)", plan: row.text("plan") ?? "",
                           priority: Priority(rawValue: row.text("priority") ?? "") ?? .p3,
                           created: row.date("created_at") ?? from, firstDue: row.date("first_due_at"),
                           firstResponse: row.date("first_response_at"), breaches: Int(row.int("breaches") ?? 0))
        }
    }

    /// Small facts the worker leaves for `postdesk health` (e.g. the last successful poll).
    public func setState(_ key: String, _ value: String, at: Date) throws {
        try db.query("INSERT OR REPLACE INTO worker_state (key, value, updated_at) VALUES (?, ?, ?)", [.text(key), .text(value), SQLValue(at)])
    }

    public func state(_ key: String) throws -> (value: String, updatedAt: Date)? {
        try db.query("SELECT value, updated_at FROM worker_state WHERE key = ?", [.text(key)]).first.map {
            ($0.text("value") ?? "", $0.date("updated_at") ?? Date(timeIntervalSince1970: 0))
        }
    }

    /// The oldest mail still waiting to go out, and how many wait.
    public func outboxBacklog() throws -> (count: Int, oldest: Date?, maxAttempts: Int) {
        let row = try db.query("SELECT COUNT(*) AS n, MIN(created_at) AS oldest, MAX(attempts) AS attempts FROM outbox WHERE status = 'pending'").first
        return (Int(row?.int("n") ?? 0), row?.date("oldest"), Int(row?.int("attempts") ?? 0))
    }

    // MARK: messages

    /// Texts are stored only when they cannot be derived, since copies of every mail body were most of the bytes the
    /// worker wrote per mail (and writing them most of its commit time): `body_text` not when `raw` is kept (parsed
    /// again on reading) or it equals the new text; `new_text` not when `newTextFromRaw` says it is what
    /// `ReplyExtractor` makes of the raw mail's body.
    @discardableResult
    public func insertMessage(ticketID: Int64?, direction: String, role: String, messageID: String?, from: Address?,
                              subject: String, at: Date, newText: String, bodyText: String, raw: [UInt8]?,
                              newTextFromRaw: Bool = false) throws -> Int64 {
        try db.query("""
            INSERT INTO messages (ticket_id, direction, role, message_id, from_email, from_name, subject, created_at, new_text, body_text, raw)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [SQLValue(ticketID), .text(direction), .text(role), SQLValue(messageID), SQLValue(from?.email), SQLValue(from?.name),
                  .text(subject), SQLValue(at), .text(raw != nil && newTextFromRaw ? "" : newText),
                  .text(raw != nil || bodyText == newText ? "" : bodyText),
                  raw.map { .blob($0) } ?? .null])
        return db.lastInsertID
    }

    /// Attachments are content-addressed: the same file sent twice is stored once.
    public func storeAttachments(_ attachments: [Attachment], messageRow: Int64) throws {
        for a in attachments {
            let hash = a.sha256
            try db.query("INSERT OR IGNORE INTO blobs (sha256, data) VALUES (?, ?)", [.text(hash), .blob(a.data)])
            try db.query("INSERT INTO attachments (message_id, filename, content_type, size, sha256) VALUES (?, ?, ?, ?, ?)",
                         [.int(messageRow), SQLValue(a.filename), .text(a.contentType), .int(Int64(a.size)), .text(hash)])
        }
    }

    public func messages(ticketID: Int64) throws -> [StoredMessage] {
        try db.query("""
            SELECT id, direction, role, message_id, from_email, from_name, subject, created_at, new_text, body_text, raw
            FROM messages WHERE ticket_id = ? ORDER BY id
            """, [.int(ticketID)]).map { row in
            let id = row.int("id") ?? 0
            let (newText, bodyText) = try storedTexts(row)
            let attachments = try db.query("SELECT filename, content_type, size, sha256 FROM attachments WHERE message_id = ? ORDER BY id", [.int(id)]).map {
                StoredAttachment(filename: $0.text("filename"), contentType: $0.text("content_type") ?? "", size: Int($0.int("size") ?? 0), sha256: $0.text("sha256") ?? "")
            }
            return StoredMessage(
                id: id, direction: row.text("direction") ?? "", role: row.text("role") ?? "", messageID: row.text("message_id"),
                from: row.text("from_email").map { Address(name: row.text("from_name"), email: $0) }, subject: row.text("subject") ?? "",
                createdAt: row.date("created_at") ?? Date(timeIntervalSince1970: 0), newText: newText, bodyText: bodyText,
                attachments: attachments)
        }
    }

    /// A message row's texts as `insertMessage` and `enqueue` were given them, derived where not stored.
    func storedTexts(_ row: Row) throws -> (newText: String, bodyText: String) {
        let newText = row.text("new_text") ?? "", bodyText = row.text("body_text") ?? ""
        if row.text("direction") == "out" {
            // Queued mail: the text is in the outbox row (see enqueue), less the line end rendering added.
            guard newText.isEmpty, let messageID = row.text("message_id"),
                  let raw = try db.query("SELECT raw FROM outbox WHERE message_id = ?", [.text(messageID)]).first?.blob("raw")
            else { return (newText, bodyText.isEmpty ? newText : bodyText) }
            var text = MessageParser.parse(raw).bodyText
            while text.hasSuffix("\n") { text.removeLast() }
            return (text, text)
        }
        guard let raw = row.blob("raw") else { return (newText, bodyText.isEmpty ? newText : bodyText) }
        let body = bodyText.isEmpty ? MessageParser.parse(raw).bodyText : bodyText
        return (newText.isEmpty ? ReplyExtractor.newText(body) : newText, body)
    }

    public func blob(sha256: String) throws -> [UInt8]? {
        try db.query("SELECT data FROM blobs WHERE sha256 = ?", [.text(sha256)]).first?.blob("data")
    }

    // MARK: outbox

    /// Queues a rendered mail and records it as a message of its ticket, so replies to it thread by header.
    public func enqueue(_ queued: QueuedMail, raw: [UInt8], ticketID: Int64?, at: Date) throws {
        let mail = queued.mail
        let recipients = mail.recipients
        let primary = recipients.first?.lowercased() ?? ""
        try db.query("""
            INSERT INTO outbox (ticket_id, kind, message_id, envelope_from, recipients, primary_recipient, subject, raw, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [SQLValue(ticketID), .text(queued.kind.rawValue), .text(mail.messageID), .text(mail.from.email),
                  .text(recipients.joined(separator: " ")), .text(primary),
                  .text(mail.subject), .blob(raw), SQLValue(at), SQLValue(at)])
        if queued.kind.isAutomaticToCustomer { automaticMailTimes.add(to: primary, at: at) }
        // The text is in the outbox row's raw mail (never deleted); `messages` reads it from there.
        try insertMessage(ticketID: ticketID, direction: "out", role: queued.kind.rawValue, messageID: mail.messageID, from: mail.from,
                          subject: mail.subject, at: at, newText: "", bodyText: "", raw: nil)
    }

    /// Automatic mails (acknowledgements, refusals) queued for this recipient since `since`, counted up to `atMost`
    /// (callers compare with a limit). Inside a transaction the times are read once per recipient and then kept up
    /// to date by `enqueue`: a sender of thousands of mails an hour would otherwise cost a walk over all its
    /// acknowledgements per incoming mail.
    public func automaticMailCount(to recipient: String, since: Date, atMost: Int = .max) throws -> Int {
        let key = recipient.lowercased()
        if db.inTransaction, let count = automaticMailTimes.count(to: key, since: since, atMost: atMost) { return count }
        let times = try db.query("""
            SELECT created_at FROM outbox WHERE primary_recipient = ? AND kind IN ('acknowledgement', 'refusal') AND created_at >= ?
            ORDER BY created_at DESC LIMIT ?
            """, [.text(key), SQLValue(since), .int(Int64(atMost))]).compactMap { $0.double("created_at") }
        if db.inTransaction { automaticMailTimes.remember(to: key, since: since, atMost: atMost, newestFirst: times) }
        return times.count
    }

    func outboxItem(_ row: Row) -> OutboxItem {
        OutboxItem(id: row.int("id") ?? 0, ticketID: row.int("ticket_id"), kind: row.text("kind") ?? "",
                   messageID: row.text("message_id") ?? "", envelopeFrom: row.text("envelope_from") ?? "",
                   recipients: (row.text("recipients") ?? "").split(separator: " ").map(String.init),
                   subject: row.text("subject") ?? "", raw: row.blob("raw") ?? [], status: row.text("status") ?? "",
                   attempts: Int(row.int("attempts") ?? 0), lastError: row.text("last_error"))
    }

    public func outboxItem(messageID: String) throws -> OutboxItem? {
        try db.query("SELECT * FROM outbox WHERE message_id = ?", [.text(messageID)]).first.map(outboxItem)
    }

    public func pendingOutbox(now: Date, limit: Int = 100) throws -> [OutboxItem] {
        try db.query("""
            SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?
            """, [SQLValue(now), .int(Int64(limit))]).map(outboxItem)
    }

    public func outbox(status: String? = nil) throws -> [OutboxItem] {
        if let status {
            return try db.query("SELECT * FROM outbox WHERE status = ? ORDER BY id", [.text(status)]).map(outboxItem)
        }
        return try db.query("SELECT * FROM outbox ORDER BY id").map(outboxItem)
    }

    /// Makes every waiting mail due now: a restart usually follows a fix (a password, a CA file).
    public func makePendingDue(now: Date) throws {
        try db.query("UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?", [SQLValue(now), SQLValue(now)])
    }

    public func markSent(_ id: Int64, at: Date) throws {
        try db.query("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", [SQLValue(at), .int(id)])
    }

    public func markRetry(_ id: Int64, error: String, next: Date) throws {
        try db.query("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?", [.text(error), SQLValue(next), .int(id)])
    }

    public func markFailed(_ id: Int64, error: String) throws {
        try db.query("UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?", [.text(error), .int(id)])
    }

    // MARK: quarantine

    @discardableResult
    public func quarantine(source: String, key: String, reason: String, raw: [UInt8], at: Date) throws -> Int64 {
        try db.query("INSERT INTO quarantine (source, key, reason, raw, received_at) VALUES (?, ?, ?, ?, ?)",
                     [.text(source), .text(key), .text(reason), .blob(raw), SQLValue(at)])
        return db.lastInsertID
    }

    func quarantined(_ row: Row) -> QuarantinedMail {
        QuarantinedMail(id: row.int("id") ?? 0, source: row.text("source") ?? "", key: row.text("key") ?? "",
                        reason: row.text("reason") ?? "", raw: row.blob("raw") ?? [], receivedAt: row.date("received_at") ?? Date(timeIntervalSince1970: 0),
                        status: row.text("status") ?? "")
    }

    public func quarantineList() throws -> [QuarantinedMail] {
        try db.query("SELECT * FROM quarantine ORDER BY id").map(quarantined)
    }

    public func quarantined(id: Int64) throws -> QuarantinedMail? {
        try db.query("SELECT * FROM quarantine WHERE id = ?", [.int(id)]).first.map(quarantined)
    }

    public func setQuarantineStatus(_ id: Int64, _ status: String) throws {
        try db.query("UPDATE quarantine SET status = ? WHERE id = ?", [.text(status), .int(id)])
    }
}

/// The newest automatic-mail times per recipient as one transaction sees them (see `automaticMailCount`).
/// Only the newest `atMost` at or after `since` are read; that is enough to answer any later `since` exactly up to
/// `atMost`, because whatever was left out is older than everything kept.
struct AutomaticMailTimes {
    private struct Window {
        var since: Double
        var atMost: Int
        var times: [Double]   // ascending
    }
    private var windows: [String: Window] = [:]

    mutating func forget() { windows.removeAll(keepingCapacity: true) }

    func count(to recipient: String, since: Date, atMost: Int) -> Int? {
        let since = since.timeIntervalSince1970
        guard let w = windows[recipient], w.since <= since, w.atMost >= atMost else { return nil }
        var low = 0, high = w.times.count   // first index with time >= since
        while low < high {
            let mid = (low + high) / 2
            if w.times[mid] < since { low = mid + 1 } else { high = mid }
        }
        return min(w.times.count - low, atMost)
    }

    mutating func remember(to recipient: String, since: Date, atMost: Int, newestFirst: [Double]) {
        windows[recipient] = Window(since: since.timeIntervalSince1970, atMost: atMost, times: newestFirst.reversed())
    }

    mutating func add(to recipient: String, at: Date) {
        guard var w = windows.removeValue(forKey: recipient) else { return }
        let t = at.timeIntervalSince1970
        w.times.insert(t, at: w.times.lastIndex(where: { $0 <= t }).map { $0 + 1 } ?? 0)
        windows[recipient] = w
    }
}
