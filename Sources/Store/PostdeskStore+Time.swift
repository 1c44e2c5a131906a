import Desk
import Foundation

/// One `#time` entry as stored.
public struct LoggedTime: Sendable, Equatable {
    public var staff: String
    public var entry: TimeEntry
    public var loggedAt: Date
}

extension PostdeskStore {
    public func logTime(_ entries: [TimeEntry], ticketID: Int64, messageRow: Int64?, staff: String, at: Date) throws {
        for e in entries {
            try db.query("""
                INSERT INTO time_entries (ticket_id, message_row, staff, minutes, category, logged_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [.int(ticketID), SQLValue(messageRow), .text(staff), .int(Int64(e.minutes)),
                      SQLValue(e.category?.rawValue), SQLValue(at)])
        }
    }

    public func loggedTime(ticketID: Int64) throws -> [LoggedTime] {
        try db.query("SELECT staff, minutes, category, logged_at FROM time_entries WHERE ticket_id = ? ORDER BY id",
                     [.int(ticketID)]).map { row in
            LoggedTime(staff: row.text("staff") ?? "",
                       entry: TimeEntry(minutes: Int(row.int("minutes") ?? 0),
                                        category: row.text("category").flatMap(TimeCategory.init(rawValue:))),
                       loggedAt: row.date("logged_at") ?? Date(timeIntervalSince1970: 0))
        }
    }

    /// Time logged in [from, to), with the ticket's customer and reference: the month's support-hours report.
    public func timeRows(from: Date, to: Date) throws -> [TimeRecord] {
        try db.query("""
            SELECT t.customer_id, t.reference, e.minutes, e.category
            FROM time_entries e JOIN tickets t ON t.id = e.ticket_id
            WHERE e.logged_at >= ? AND e.logged_at < ? ORDER BY e.id
            """, [SQLValue(from), SQLValue(to)]).map { row in
            TimeRecord(customer: row.text("customer_id") ?? "(none)", reference: row.text("reference") ?? "",
                       minutes: Int(row.int("minutes") ?? 0),
                       category: row.text("category").flatMap(TimeCategory.init(rawValue:)))
        }
    }
}
