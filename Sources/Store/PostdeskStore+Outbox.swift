import Desk
import MIME
import Foundation

extension PostdeskStore {
    /// Queues a rendered mail and records it as a message of its ticket, so replies to it thread by header.
    public func enqueue(_ queued: QueuedMail, raw: [UInt8], ticketID: Int64?, at: Date) throws {
        let mail = queued.mail
        let recipients = mail.recipients
        let primary = recipients.first?.lowercased() ?? ""
        try db.query("""
            INSERT INTO outbox (ticket_id, kind, message_id, envelope_from, recipients, primary_recipient, subject, raw,
                next_attempt_at, created_at, envelope_token)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [SQLValue(ticketID), .text(queued.kind.rawValue), .text(mail.messageID), .text(mail.from.email),
                  .text(recipients.joined(separator: " ")), .text(primary),
                  .text(mail.subject), .blob(raw), SQLValue(at), SQLValue(at), .text(Self.newEnvelopeToken())])
        if queued.kind.isAutomaticToCustomer { automaticMailTimes.add(to: primary, at: at) }
        // The text is in the outbox row's raw mail (never deleted); `messages` reads it from there.
        try insertMessage(ticketID: ticketID, direction: .outgoing, role: queued.kind.rawValue,
            messageID: mail.messageID, from: mail.from,
                          subject: mail.subject, at: at, newText: "", bodyText: "", raw: nil)
    }

    /// Automatic mails (acknowledgements, refusals) queued for this recipient since `since`, counted up to `atMost`
    /// (callers compare with a limit). Inside a transaction the times are read once per recipient and then kept up
    /// to date by `enqueue`: a sender of thousands of mails an hour would otherwise cost a walk over all its
    /// acknowledgements per incoming mail.
    public func automaticMailCount(to recipient: String, since: Date, atMost: Int = .max) throws -> Int {
        let key = recipient.lowercased()
        if db.inTransaction, let count = automaticMailTimes.count(
            to: key, since: since, atMost: atMost) { return count }
        let times = try db.query("""
            SELECT created_at FROM outbox
            WHERE primary_recipient = ? AND kind IN (SELECT value FROM json_each(?)) AND created_at >= ?
            ORDER BY created_at DESC LIMIT ?
            """, [.text(key), Self.automaticKinds, SQLValue(since), .int(Int64(atMost))]).compactMap { $0.double(
                "created_at") }
        if db.inTransaction { automaticMailTimes.remember(to: key, since: since, atMost: atMost, newestFirst: times) }
        return times.count
    }

    func outboxItem(_ row: Row) -> OutboxItem {
        // only a newer version writes others
        OutboxItem(id: row.int("id") ?? 0, ticketID: row.int("ticket_id"),
            kind: MailKind(rawValue: row.text("kind") ?? "") ?? .relay,
                  
                   messageID: row.text("message_id") ?? "", envelopeFrom: row.text("envelope_from") ?? "",
                   recipients: (row.text("recipients") ?? "").split(separator: " ").map(String.init),
                   subject: row.text("subject") ?? "", raw: row.blob("raw") ?? [],
                   status: OutboxStatus(rawValue: row.text("status") ?? "") ?? .pending,
                  
                   attempts: Int(row.int("attempts") ?? 0), lastError: row.text("last_error"),
                   envelopeToken: row.text("envelope_token"))
    }

    /// Mails of this kind queued to anyone since `since`, counted up to `atMost` (the global refusal cap).
    public func mailCount(of kind: MailKind, since: Date, atMost: Int) throws -> Int {
        Int(try db.query("""
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM outbox WHERE kind = ? AND created_at >= ? LIMIT ?)
            """, [.text(kind.rawValue), SQLValue(since), .int(Int64(atMost))]).first?.int("n") ?? 0)
    }

    /// `MailKind.automaticToCustomer` as a JSON array, bound where SQL needs the list.
    static let automaticKinds = SQLValue.text("[" + MailKind.automaticToCustomer.map { "\"\($0.rawValue)\"" }
        .joined(separator: ",") + "]")

    /// Whether one of these Message-IDs is an automatic mail of ours to a customer (acknowledgement, refusal).
    public func namesAutomaticMail(_ messageIDs: [String]) throws -> Bool {
        for id in messageIDs.suffix(50) {   // the newest few; a hostile References list must not cost a query each
            if try !db.query("SELECT 1 FROM outbox WHERE message_id = ? AND kind IN (SELECT value FROM json_each(?))",
                             [.text(id), Self.automaticKinds]).isEmpty { return true }
        }
        return false
    }

    public func outboxItem(messageID: String) throws -> OutboxItem? {
        try db.query("SELECT * FROM outbox WHERE message_id = ?", [.text(messageID)]).first.map(outboxItem)
    }

    public func pendingOutbox(now: Date, limit: Int = 100) throws -> [OutboxItem] {
        try db.query("""
            SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?
            """, [SQLValue(now), .int(Int64(limit))]).map(outboxItem)
    }

    public func outbox(status: OutboxStatus? = nil) throws -> [OutboxItem] {
        if let status {
            return try db.query("SELECT * FROM outbox WHERE status = ? ORDER BY id", [.text(status.rawValue)]).map(
                outboxItem)
        }
        return try db.query("SELECT * FROM outbox ORDER BY id").map(outboxItem)
    }

    /// Makes every waiting mail due now: a restart usually follows a fix (a password, a CA file).
    public func makePendingDue(now: Date) throws {
        try db.query("UPDATE outbox SET next_attempt_at = ? WHERE status = 'pending' AND next_attempt_at > ?",
            [SQLValue(now), SQLValue(now)])
    }

    public func markSent(_ id: Int64, at: Date) throws {
        try db.query(
            "UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
            [SQLValue(at), .int(id)])
    }

    public func markRetry(_ id: Int64, error: String, next: Date) throws {
        try db.query("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
            [.text(error), SQLValue(next), .int(id)])
    }

    public func markFailed(_ id: Int64, error: String) throws {
        try db.query("UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
            [.text(error), .int(id)])
    }


    /// The oldest mail still waiting to go out, and how many wait.
    public func outboxBacklog() throws -> (count: Int, oldest: Date?, maxAttempts: Int) {
        let row = try db.query(
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest, MAX(attempts) AS attempts FROM outbox WHERE status = " +
                "'pending'").first
        return (Int(row?.int("n") ?? 0), row?.date("oldest"), Int(row?.int("attempts") ?? 0))
    }

    /// One of our sent mails as the desk needs to know it when its delivery fails.
    public func sentMail(_ item: OutboxItem) throws -> SentMail {
        SentMail(outboxID: item.id, kind: item.kind, messageID: item.messageID, recipients: item.recipients,
                 subject: item.subject, ticketID: item.ticketID,
                 ticketReference: try item.ticketID.flatMap { try ticket(id: $0) }?.reference,
                 failed: item.status == .failed)
    }

    public func sentMail(messageID: String) throws -> SentMail? {
        try outboxItem(messageID: messageID).map(sentMail)
    }

    /// 96 random bits in hex (see `EnvelopeToken`): only the receiving servers of the mail see it.
    static func newEnvelopeToken() -> String {
        var bits = (UInt64(0), UInt32(0))
        withUnsafeMutableBytes(of: &bits) { arc4random_buf($0.baseAddress!, 12) }
        return String(bits.0, radix: 16).leftPadded(to: 16) + String(bits.1, radix: 16).leftPadded(to: 8)
    }

    /// The mail whose envelope carried this token (VERP), if it is ours.
    public func sentMail(envelopeToken: String) throws -> SentMail? {
        try db.query("SELECT * FROM outbox WHERE envelope_token = ?", [.text(envelopeToken)]).first
            .map(outboxItem).map(sentMail)
    }
}
