import Desk
import Foundation
import MIME

extension PostdeskStore {
    /// Marks a staff mail as an answer to the customer (see `Decision.answersCustomer`).
    public func markAnswer(messageRow: Int64) throws {
        try db.query("UPDATE messages SET answers_customer = 1 WHERE id = ?", [.int(messageRow)])
    }

    /// The staff who have answered the customer on a ticket, each once with the name and time of their first answer,
    /// first answer first.
    public func staffAnswers(ticketID: Int64) throws -> [StaffAnswer] {
        // SQLite takes the bare columns of a MIN() aggregate from the row that holds the minimum.
        try db.query("""
            SELECT from_email, from_name, MIN(created_at) AS first FROM messages
            WHERE ticket_id = ? AND answers_customer = 1 AND from_email IS NOT NULL
            GROUP BY lower(from_email) ORDER BY first
            """, [.int(ticketID)]).compactMap { row in
            guard let email = row.text("from_email"), let at = row.date("first") else { return nil }
            return StaffAnswer(staff: Address(name: row.text("from_name"), email: email), at: at)
        }
    }
}
