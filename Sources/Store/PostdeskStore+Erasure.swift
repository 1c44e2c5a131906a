import Desk
import Foundation
import MIME

/// What `purge` or `forget` removed, in counts only (the log must not repeat the erased data).
public struct ErasureSummary: Sendable, Equatable, CustomStringConvertible {
    public var tickets = 0
    public var messages = 0
    public var attachments = 0
    public var outboxRows = 0
    /// Cells elsewhere (ticket fields, intake, quarantine, other tables) in which the person was named.
    public var otherCells = 0

    public var description: String {
        "\(tickets) ticket(s), \(messages) message(s), \(attachments) attachment(s), \(outboxRows) outbox row(s)"
            + (otherCells > 0 ? ", \(otherCells) other field(s)" : "")
    }
}

/// GDPR: retention (`purge`) and erasure (`forget`). Both end with VACUUM and a truncating WAL checkpoint, so the
/// removed bytes are gone from the database file and its -wal, not merely unlinked from the tables.
extension PostdeskStore {
    public static let erasedMarker = "[erased]"

    /// How `purge` makes the removed bytes unreadable. `vacuum` (the `purge` command) rewrites the file, which
    /// holds the write lock for as long as the copy takes; `inPlace` (the worker's daily run) has SQLite zero
    /// every page it frees (`secure_delete`), so the file keeps its size but not the bytes, and intake waits only
    /// for the batch.
    public enum SpaceReclaim: Sendable { case vacuum, inPlace }

    /// Raw mail, texts and files of tickets resolved before `cutoff`; the ticket rows (reaction figures, times,
    /// notices sent) stay. Tickets already purged are skipped; at most `limit` tickets per call (the worker's batch).
    public func purge(resolvedBefore cutoff: Date, at now: Date, limit: Int = -1,
                      reclaim: SpaceReclaim = .vacuum) throws -> ErasureSummary {
        var summary = ErasureSummary()
        if reclaim == .inPlace { try db.execute("PRAGMA secure_delete = ON") }
        defer { if reclaim == .inPlace { try? db.execute("PRAGMA secure_delete = OFF") } }
        try db.transaction {
            let ids = try db.query("""
                SELECT id FROM tickets WHERE status = 'resolved' AND resolved_at < ? AND mail_purged_at IS NULL
                ORDER BY id LIMIT ?
                """, [SQLValue(cutoff), .int(Int64(limit))]).compactMap { $0.int("id") }
            for id in ids {
                summary.attachments += try dropAttachments(ofMessages: try db.query(
                    "SELECT id FROM messages WHERE ticket_id = ?", [.int(id)]).compactMap { $0.int("id") })
                summary.messages += try db.query("""
                    UPDATE messages SET raw = NULL, new_text = '', body_text = '' WHERE ticket_id = ? RETURNING id
                    """, [.int(id)]).count
                summary.outboxRows += try db.query("""
                    UPDATE outbox SET raw = X'' WHERE ticket_id = ? AND status != 'pending' RETURNING id
                    """, [.int(id)]).count
                try db.query("UPDATE tickets SET mail_purged_at = ? WHERE id = ?", [SQLValue(now), .int(id)])
            }
            summary.tickets = ids.count
            if summary.tickets > 0 || reclaim == .vacuum { try logErasure("purge", summary, at: now) }
        }
        switch reclaim {
        case .vacuum: try reclaimSpace()
        case .inPlace: try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")   // the -wal's older page images
        }
        return summary
    }

    /// Erases one person: their own mail entirely; their address and names from every other field of every table
    /// (replaced by `[erased]`); mail of the tickets they were on is kept as scrubbed text, without the raw copy.
    public func forget(_ address: String, at now: Date) throws -> ErasureSummary {
        let email = address.lowercased()
        var summary = ErasureSummary()
        try db.transaction {
            let names = try personNames(email)
            let needles = [email] + names
            func scrub(_ text: String) -> String {
                needles.reduce(text) {
                    $0.replacingOccurrences(of: $1, with: Self.erasedMarker, options: .caseInsensitive)
                }
            }
            let own = try db.query("SELECT id FROM messages WHERE lower(from_email) = ?", [.text(email)])
                .compactMap { $0.int("id") }
            let tickets = try db.query("""
                SELECT id FROM tickets WHERE lower(requester_email) = ? OR instr(lower(participants), ?) > 0
                   OR id IN (SELECT ticket_id FROM messages WHERE lower(from_email) = ?)
                   OR id IN (SELECT ticket_id FROM messages WHERE instr(lower(CAST(raw AS TEXT)), ?) > 0
                             OR instr(lower(new_text), ?) > 0 OR instr(lower(body_text), ?) > 0)
                   OR id IN (SELECT ticket_id FROM outbox WHERE instr(lower(recipients), ?) > 0
                             OR instr(lower(CAST(raw AS TEXT)), ?) > 0)
                """, Array(repeating: SQLValue.text(email), count: 7)).compactMap { $0.int("id") }
            summary.tickets = tickets.count
            // Their own mail goes whole, files included.
            for id in own {
                summary.attachments += try dropAttachments(ofMessages: [id])
                try db.query("""
                    UPDATE messages SET raw = NULL, new_text = ?, body_text = '', from_email = ?, from_name = NULL,
                        subject = ? WHERE id = ?
                    """, [.text(Self.erasedMarker), .text(Self.erasedMarker), .text(Self.erasedMarker), .int(id)])
            }
            summary.messages = own.count
            // Our automatic mails on their own tickets quote their mail: they go whole as well.
            let theirs = Set(try db.query("""
                SELECT id FROM tickets WHERE lower(requester_email) = ?
                UNION SELECT ticket_id FROM messages WHERE lower(from_email) = ? AND ticket_id IS NOT NULL
                """, [.text(email), .text(email)]).compactMap { $0.int("id") })
            // Other mail on their tickets: kept as text with them scrubbed out; the raw copy (which may hold them
            // encoded) goes. Texts are read before the outbox copies they may come from are emptied.
            for ticket in tickets {
                for row in try db.query("SELECT * FROM messages WHERE ticket_id = ?", [.int(ticket)])
                where !own.contains(row.int("id") ?? 0) {
                    let automatic = row.text("direction") == MessageDirection.outgoing.rawValue
                        && row.text("role") != MailKind.relay.rawValue && theirs.contains(ticket)
                    // The quoted history goes with the raw copy: only the sender's own new text is kept.
                    let kept = automatic ? Self.erasedMarker : scrub(try storedTexts(row).newText)
                    try db.query("UPDATE messages SET raw = NULL, new_text = ?, body_text = ? WHERE id = ?",
                                 [.text(kept), .text(kept), SQLValue(row.int("id"))])
                    summary.messages += 1
                }
                summary.outboxRows += try db.query("""
                    UPDATE outbox SET raw = X'', status = CASE status WHEN 'pending' THEN 'failed' ELSE status END,
                        last_error = CASE status WHEN 'pending' THEN 'not sent: recipient data erased'
                                     ELSE last_error END
                    WHERE ticket_id = ? RETURNING id
                    """, [.int(ticket)]).count
            }
            summary.otherCells = try scrubEverywhere(needles, scrub: scrub)
            try logErasure("forget", summary, at: now)
        }
        try reclaimSpace()
        return summary
    }

    /// The display names a person used, as they wrote them; short ones would erase unrelated words.
    func personNames(_ email: String) throws -> [String] {
        let rows = try db.query("""
            SELECT from_name AS name FROM messages WHERE lower(from_email) = ? AND from_name IS NOT NULL
            UNION SELECT requester_name FROM tickets WHERE lower(requester_email) = ? AND requester_name IS NOT NULL
            """, [.text(email), .text(email)])
        return Array(Set(rows.compactMap { $0.text("name")?.trimmingCharacters(in: .whitespaces) }
            .filter { $0.count >= 3 })).sorted { $0.count > $1.count }
    }

    /// Every text or blob cell of every table that still names them: text is scrubbed, a blob emptied (it cannot
    /// be edited safely) — so tables other helpers add are covered too.
    func scrubEverywhere(_ needles: [String], scrub: (String) -> String) throws -> Int {
        var cells = 0
        let tables = try db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .compactMap { $0.text("name") }
        for table in tables {
            for column in try db.query("SELECT name, \"notnull\" FROM pragma_table_info(?)", [.text(table)]) {
                guard let name = column.text("name") else { continue }
                // Identifiers from sqlite_master, quoted; the only values (needles, cells) are bound parameters.
                let cell = Self.identifier(table) + "." + Self.identifier(name)
                let find = "SELECT rowid AS r, " + cell + " AS v FROM " + Self.identifier(table)
                    + " WHERE instr(lower(CAST(" + cell + " AS TEXT)), lower(?)) > 0"
                let update = "UPDATE " + Self.identifier(table) + " SET " + Self.identifier(name)
                    + " = ? WHERE rowid = ?"
                for needle in needles {
                    for hit in try db.query(find, [.text(needle)]) {
                        let value: SQLValue
                        if case .text(let text)? = hit.columns["v"] { value = .text(scrub(text)) }
                        else { value = column.int("notnull") == 1 ? .blob([]) : .null }
                        try db.query(update, [value, SQLValue(hit.int("r"))])
                        cells += 1
                    }
                }
            }
        }
        return cells
    }

    static func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// Deletes the messages' attachment rows, and files no other message shares.
    func dropAttachments(ofMessages ids: [Int64]) throws -> Int {
        var dropped = 0
        for id in ids {
            dropped += try db.query("DELETE FROM attachments WHERE message_id = ? RETURNING id", [.int(id)]).count
        }
        try db.query("DELETE FROM blobs WHERE sha256 NOT IN (SELECT sha256 FROM attachments)")
        return dropped
    }

    func logErasure(_ kind: String, _ summary: ErasureSummary, at: Date) throws {
        try db.query("INSERT INTO erasure_log (kind, summary, at) VALUES (?, ?, ?)",
                     [.text(kind), .text(summary.description), SQLValue(at)])
    }

    public func mailPurgedAt(ticketID: Int64) throws -> Date? {
        try db.query("SELECT mail_purged_at FROM tickets WHERE id = ?", [.int(ticketID)]).first?.date("mail_purged_at")
    }

    public func erasureLog() throws -> [(kind: String, summary: String, at: Date)] {
        try db.query("SELECT kind, summary, at FROM erasure_log ORDER BY id").map {
            ($0.text("kind") ?? "", $0.text("summary") ?? "", $0.date("at") ?? Date(timeIntervalSince1970: 0))
        }
    }

    /// VACUUM rewrites the file without the freed pages; the truncating checkpoint empties the -wal holding their
    /// old images.
    func reclaimSpace() throws {
        try db.execute("VACUUM")
        try db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
