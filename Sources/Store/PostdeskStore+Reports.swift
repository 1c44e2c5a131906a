import Desk
import Foundation

extension PostdeskStore {
    /// Tickets created in [from, to) with what the monthly report needs. A ticket folded into another by `#merge`
    /// is not one of its own: the ticket it went into counts once, with the breaches of both.
    public func reportRows(from: Date, to: Date) throws -> [ReactionRecord] {
        try db.query("""
            SELECT t.customer_id, t.reference, t.plan, t.priority, t.created_at, t.first_due_at, t.first_response_at,
                   (SELECT COUNT(*) FROM escalation_log e WHERE e.kind = 'breach' AND (e.ticket_id = t.id
                       OR e.ticket_id IN (SELECT m.id FROM tickets m WHERE m.merged_into = t.id))) AS breaches
            FROM tickets t WHERE t.created_at >= ? AND t.created_at < ? AND t.merged_into IS NULL ORDER BY t.id
            """, [SQLValue(from), SQLValue(to)]).map { row in
            ReactionRecord(customer: row.text("customer_id") ?? "(none)", plan: row.text("plan") ?? "",
                           priority: Priority(rawValue: row.text("priority") ?? "") ?? .p3,
                           created: row.date("created_at") ?? from, firstDue: row.date("first_due_at"),
                           firstResponse: row.date("first_response_at"), breaches: Int(row.int("breaches") ?? 0),
                           reference: row.text("reference") ?? "")
        }
    }

    /// The language of the customer's latest ticket (what its people write in); nil: none yet.
    public func latestTicketLanguage(customerID: String) throws -> String? {
        try db.query("SELECT language FROM tickets WHERE customer_id = ? ORDER BY id DESC LIMIT 1",
                     [.text(customerID)]).first?.text("language")
    }

    /// Small facts the worker leaves for `postdesk health` (e.g. the last successful poll).
    public func setState(_ key: String, _ value: String, at: Date) throws {
        try db.query("INSERT OR REPLACE INTO worker_state (key, value, updated_at) VALUES (?, ?, ?)",
            [.text(key), .text(value), SQLValue(at)])
    }

    public func state(_ key: String) throws -> (value: String, updatedAt: Date)? {
        try db.query("SELECT value, updated_at FROM worker_state WHERE key = ?", [.text(key)]).first.map {
            ($0.text("value") ?? "", $0.date("updated_at") ?? Date(timeIntervalSince1970: 0))
        }
    }
}
