import Desk
import Foundation
import MIME

extension PostdeskStore {
    /// Mail refused after `since` up to `until` (a customer's non-administrator, an unknown sender), oldest first,
    /// with the reason on its intake record.
    public func refusedMails(after since: Date, upTo until: Date) throws -> [RefusedMail] {
        try db.query("""
            SELECT m.from_email, m.from_name, m.subject, i.processed_at, i.reason FROM intake i
            JOIN messages m ON m.id = i.message_row
            WHERE i.outcome = ? AND i.processed_at > ? AND i.processed_at <= ? ORDER BY i.processed_at, m.id
            """, [.text(IntakeOutcome.rejected.rawValue), SQLValue(since), SQLValue(until)]).map { row in
            RefusedMail(from: Address(name: row.text("from_name"), email: row.text("from_email") ?? ""),
                        subject: row.text("subject") ?? "", at: row.date("processed_at") ?? until,
                        reason: row.text("reason") ?? "refused")
        }
    }
}
