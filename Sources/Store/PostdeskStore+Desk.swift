import Desk
import Foundation
import MIME

/// A notice held for a digest: to whom, which group it is gathered in, and the mail as the desk wrote it.
public struct HeldNotice: Sendable {
    public var id: Int64
    public var recipient: Address
    public var grouping: String
    public var ticketID: Int64?
    public var notice: QueuedMail
}

/// The desk as a whole in figures, for the metrics file: everything from the tables, so it survives restarts.
public struct DeskFigures: Sendable {
    /// (priority, plan) → tickets not resolved.
    public var openTickets: [String: [String: Int]] = [:]
    public var pastDue = 0
    public var oldestUnansweredSeconds: Double = 0
    public var acknowledgementsWithheld = 0
    public var ticketsOpened = 0
    /// Intake outcome → mails.
    public var mailsTaken: [String: Int] = [:]
    /// Mail kind → mails accepted by the server or the outbox directory.
    public var mailsSent: [String: Int] = [:]
    public var mailsFailed: [String: Int] = [:]
    /// warning/breach → notices.
    public var escalations: [String: Int] = [:]
    public var quarantined = 0
}

extension PostdeskStore {
    // MARK: presence

    public func setAway(_ change: PresenceChange, at: Date) throws {
        if change.away {
            try db.query("INSERT INTO staff_away (email, since) VALUES (?, ?) ON CONFLICT (email) DO NOTHING",
                         [.text(change.email), SQLValue(at)])
        } else {
            try db.query("DELETE FROM staff_away WHERE email = ?", [.text(change.email)])
        }
    }

    public func awayStaff() throws -> Set<String> {
        Set(try db.query("SELECT email FROM staff_away").compactMap { $0.text("email") })
    }

    // MARK: acknowledgements withheld

    public func setAcknowledgementWithheld(ticketID: Int64, reason: String) throws {
        try db.query("UPDATE tickets SET acknowledgement_withheld = ? WHERE id = ?", [.text(reason), .int(ticketID)])
    }

    public func acknowledgementWithheld(ticketID: Int64) throws -> String? {
        try db.query("SELECT acknowledgement_withheld AS w FROM tickets WHERE id = ?", [.int(ticketID)])
            .first?.text("w")
    }

    // MARK: repeated texts

    /// Records the hash of an incoming mail's sender and new text (see `Pipeline.textHash`).
    public func setTextHash(messageRow: Int64, hash: String) throws {
        try db.query("UPDATE messages SET text_hash = ? WHERE id = ?", [.text(hash), .int(messageRow)])
    }

    /// Whether a mail with this sender-and-text hash came since `since`.
    public func hasText(hash: String, since: Date) throws -> Bool {
        !(try db.query("SELECT 1 FROM messages WHERE text_hash = ? AND created_at >= ? LIMIT 1",
                       [.text(hash), SQLValue(since)]).isEmpty)
    }

    // MARK: notices held for a digest

    /// Holds a notice for `recipient` until the group's window after the last one sent to them has passed: the
    /// first notice in a quiet while goes at once, the ones after it gather.
    public func holdNotice(_ notice: QueuedMail, to recipient: Address, grouping: String, window: Double,
                           ticketID: Int64?, at now: Date) throws {
        let last = try db.query("""
            SELECT MAX(sent_at) AS last FROM notices WHERE recipient = ? AND grouping = ? AND sent_at IS NOT NULL
            """, [.text(recipient.normalized), .text(grouping)]).first?.date("last")
        let due = max(now, last.map { $0.addingTimeInterval(window) } ?? now)
        let json = String(decoding: try JSONEncoder().encode(notice.mail), as: UTF8.self)
        try db.query("""
            INSERT INTO notices (recipient, recipient_name, grouping, kind, ticket_id, mail, queued_at, due_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(recipient.normalized), SQLValue(recipient.name), .text(grouping), .text(notice.kind.rawValue),
                  SQLValue(ticketID), .text(json), SQLValue(now), SQLValue(due)])
    }

    /// Held notices of every recipient and group whose earliest is due, oldest first.
    public func dueNotices(now: Date) throws -> [HeldNotice] {
        try db.query("""
            SELECT n.* FROM notices n WHERE n.sent_at IS NULL AND EXISTS (
                SELECT 1 FROM notices d WHERE d.sent_at IS NULL AND d.recipient = n.recipient
                  AND d.grouping = n.grouping AND d.due_at <= ?)
            ORDER BY n.recipient, n.grouping, n.id
            """, [SQLValue(now)]).compactMap { row in
            guard let id = row.int("id"), let email = row.text("recipient"),
                  let kind = MailKind(rawValue: row.text("kind") ?? ""),
                  let mail = try? JSONDecoder().decode(OutgoingMail.self, from: Data((row.text("mail") ?? "").utf8))
            else { return nil }
            return HeldNotice(id: id, recipient: Address(name: row.text("recipient_name"), email: email),
                              grouping: row.text("grouping") ?? "", ticketID: row.int("ticket_id"),
                              notice: QueuedMail(kind, mail))
        }
    }

    public func markNoticesSent(_ ids: [Int64], at: Date) throws {
        for id in ids { try db.query("UPDATE notices SET sent_at = ? WHERE id = ?", [SQLValue(at), .int(id)]) }
    }

    /// The earliest instant a held notice comes due, so the worker can wake for it.
    public func nextNoticeTime() throws -> Date? {
        try db.query("SELECT MIN(due_at) AS next FROM notices WHERE sent_at IS NULL").first?.date("next")
    }

    // MARK: figures

    public func deskFigures(now: Date) throws -> DeskFigures {
        var f = DeskFigures()
        for row in try db.query("""
            SELECT priority, plan, COUNT(*) AS n FROM tickets WHERE status != 'resolved' GROUP BY priority, plan
            """) {
            f.openTickets[row.text("priority") ?? "", default: [:]][row.text("plan") ?? ""] = Int(row.int("n") ?? 0)
        }
        let open = try db.query("""
            SELECT SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END) AS past_due,
                   MIN(COALESCE(clock_started_at, created_at)) AS oldest
            FROM tickets WHERE status = 'open'
            """, [SQLValue(now)]).first
        f.pastDue = Int(open?.int("past_due") ?? 0)
        f.oldestUnansweredSeconds = open?.date("oldest").map { max(0, now.timeIntervalSince($0)) } ?? 0
        let totals = try db.query("""
            SELECT COUNT(*) AS opened, SUM(CASE WHEN acknowledgement_withheld IS NOT NULL THEN 1 ELSE 0 END) AS withheld
            FROM tickets
            """).first
        f.ticketsOpened = Int(totals?.int("opened") ?? 0)
        f.acknowledgementsWithheld = Int(totals?.int("withheld") ?? 0)
        for row in try db.query("SELECT outcome, COUNT(*) AS n FROM intake GROUP BY outcome") {
            f.mailsTaken[row.text("outcome") ?? ""] = Int(row.int("n") ?? 0)
        }
        for row in try db.query("""
            SELECT kind, status, COUNT(*) AS n FROM outbox WHERE status != 'pending' GROUP BY kind, status
            """) {
            let n = Int(row.int("n") ?? 0), kind = row.text("kind") ?? ""
            if row.text("status") == "sent" { f.mailsSent[kind] = n } else { f.mailsFailed[kind] = n }
        }
        for row in try db.query("SELECT kind, COUNT(*) AS n FROM escalation_log GROUP BY kind") {
            f.escalations[row.text("kind") ?? ""] = Int(row.int("n") ?? 0)
        }
        f.quarantined = Int(try db.query("SELECT COUNT(*) AS n FROM quarantine").first?.int("n") ?? 0)
        return f
    }
}
