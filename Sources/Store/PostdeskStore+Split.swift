import Desk
import Foundation

/// A stored customer message `#split` may take, with the ticket's status before it came.
public struct SplitCandidate: Sendable {
    public var messageRow: Int64
    public var raw: [UInt8]
    public var receivedAt: Date
    public var statusBefore: TicketStatus?
    public var resolvedAtBefore: Date?
    /// No customer message came on the ticket after it.
    public var isLatest: Bool
}

extension PostdeskStore {
    /// Kept on a customer message that changed its ticket's status (see `#split`).
    public func setStatusBefore(messageRow: Int64, _ before: StatusBefore) throws {
        try db.query("UPDATE messages SET status_before = ?, resolved_at_before = ? WHERE id = ?",
                     [.text(before.status.rawValue), SQLValue(before.resolvedAt), .int(messageRow)])
    }

    /// The customer message of a ticket with this Message-ID, else its latest one; never the ticket's first
    /// customer message (the request the ticket is about) and never one whose raw mail is gone.
    public func splitCandidate(ticketID: Int64, messageID: String?) throws -> SplitCandidate? {
        let rows = try db.query("""
            SELECT id, message_id, raw, created_at, status_before, resolved_at_before FROM messages
            WHERE ticket_id = ? AND direction = 'in' AND role = 'customer' ORDER BY id
            """, [.int(ticketID)])
        let later = rows.dropFirst()
        guard let chosen = later.last(where: { messageID != nil && $0.text("message_id") == messageID }) ?? later.last,
              let id = chosen.int("id"), let raw = chosen.blob("raw") else { return nil }
        return SplitCandidate(messageRow: id, raw: raw, receivedAt: chosen.date("created_at") ?? Date(),
                              statusBefore: chosen.text("status_before").flatMap(TicketStatus.init(rawValue:)),
                              resolvedAtBefore: chosen.date("resolved_at_before"),
                              isLatest: rows.last?.int("id") == id)
    }

    /// `#split`: the message (and its intake record; its files follow the row) belongs to another ticket now.
    public func moveMessage(row: Int64, toTicket ticketID: Int64) throws {
        try db.query("UPDATE messages SET ticket_id = ? WHERE id = ?", [.int(ticketID), .int(row)])
        try db.query("UPDATE intake SET ticket_id = ? WHERE message_row = ?", [.int(ticketID), .int(row)])
    }

    /// `#merge`: every message (ours too, so header threading finds the kept ticket), intake record, queued mail and
    /// time entry of `fromID` moves to `intoID`. The escalation log stays: it is what happened to the old ticket.
    public func mergeTicket(_ fromID: Int64, into intoID: Int64) throws {
        for sql in ["UPDATE messages SET ticket_id = ? WHERE ticket_id = ?",
                    "UPDATE intake SET ticket_id = ? WHERE ticket_id = ?",
                    "UPDATE outbox SET ticket_id = ? WHERE ticket_id = ?",
                    "UPDATE time_entries SET ticket_id = ? WHERE ticket_id = ?"] {
            try db.query(sql, [.int(intoID), .int(fromID)])
        }
    }

    /// The ticket a reference names, or the one it was merged into (a subject tag of a merged ticket finds it).
    public func liveTicket(reference: String) throws -> TicketState? {
        var ticket = try ticket(reference: reference)
        for _ in 0..<8 {
            guard let into = ticket?.mergedInto else { break }
            ticket = try self.ticket(id: into)
        }
        return ticket
    }
}
