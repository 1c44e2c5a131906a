import Foundation

extension PostdeskStore {
    /// Whether this mailbox item was already processed (a crash between commit and settle leaves it in the mailbox).
    public func intakeOutcome(source: String, key: String) throws -> IntakeOutcome? {
        try db.query("SELECT outcome FROM intake WHERE source = ? AND key = ?", [.text(source), .text(key)]).first?
            .text("outcome").map { IntakeOutcome(rawValue: $0) ?? .ignored }
    }

    /// An earlier intake of the same mail (same Message-ID, else same bytes), from any mailbox. Intake rows of
    /// mails with a Message-ID store "" for the hash, so a hash only ever meets hashes of mails without one. A
    /// released quarantine record is no earlier intake: the released copy is meant to be processed.
    public func duplicateOf(messageID: String?, contentHash: String) throws -> EarlierIntake? {
        if let messageID, !messageID.isEmpty {
            // Our own outgoing mail coming back is not a duplicate of an intake; the desk ignores it by sender.
            return try db.query("""
                SELECT source, key, m.from_email, m.raw FROM intake LEFT JOIN messages m ON m.id = intake.message_row
                WHERE intake.message_id = ? AND outcome != 'duplicate' AND NOT EXISTS (SELECT 1 FROM quarantine q
                WHERE q.source = intake.source AND q.key = intake.key AND q.status = 'released') LIMIT 1
                """, [.text(messageID)]).first.map {
                EarlierIntake(place: Self.place($0), sender: $0.text("from_email"), raw: $0.blob("raw"))
            }
        }
        return try db.query("""
            SELECT source, key FROM intake WHERE content_hash = ? AND outcome != 'duplicate' AND NOT EXISTS (SELECT 1
            FROM quarantine q WHERE q.source = intake.source AND q.key = intake.key AND q.status = 'released') LIMIT 1
            """, [.text(contentHash)]).first.map { EarlierIntake(place: Self.place($0), sender: nil, raw: nil) }
    }

    static func place(_ row: Row) -> String { "\(row.text("source") ?? "")/\(row.text("key") ?? "")" }

    public func recordIntake(source: String, key: String, messageID: String?, contentHash: String,
        outcome: IntakeOutcome,
                             reason: String?, ticketID: Int64?, messageRow: Int64?, at: Date) throws {
        try db.query("""
            INSERT OR REPLACE INTO intake (source, key, message_id, content_hash, outcome, reason, ticket_id,\
             message_row, processed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(source), .text(key), SQLValue(messageID), .text(contentHash), .text(outcome.rawValue),
                SQLValue(reason),
                  SQLValue(ticketID), SQLValue(messageRow), SQLValue(at)])
    }

    /// Whether any mail of this mailbox was ever taken: a mailbox with history is past its first start.
    public func hasIntake(source: String) throws -> Bool {
        try !db.query("SELECT 1 FROM intake WHERE source = ? LIMIT 1", [.text(source)]).isEmpty
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
}
