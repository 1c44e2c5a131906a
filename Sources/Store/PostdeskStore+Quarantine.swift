import Foundation

extension PostdeskStore {
    @discardableResult
    public func quarantine(source: String, key: String, reason: String, raw: [UInt8], at: Date) throws -> Int64 {
        try db.query("INSERT INTO quarantine (source, key, reason, raw, received_at) VALUES (?, ?, ?, ?, ?)",
                     [.text(source), .text(key), .text(reason), .blob(raw), SQLValue(at)])
        return db.lastInsertID
    }

    func quarantined(_ row: Row) -> QuarantinedMail {
        QuarantinedMail(id: row.int("id") ?? 0, source: row.text("source") ?? "", key: row.text("key") ?? "",
                        reason: row.text("reason") ?? "", raw: row.blob("raw") ?? [],
                        receivedAt: row.date("received_at") ?? Date(timeIntervalSince1970: 0),
                        status: QuarantineStatus(rawValue: row.text("status") ?? "") ?? .held)
    }

    public func quarantineList() throws -> [QuarantinedMail] {
        try db.query("SELECT * FROM quarantine ORDER BY id").map(quarantined)
    }

    public func quarantined(id: Int64) throws -> QuarantinedMail? {
        try db.query("SELECT * FROM quarantine WHERE id = ?", [.int(id)]).first.map(quarantined)
    }

    public func setQuarantineStatus(_ id: Int64, _ status: QuarantineStatus) throws {
        try db.query("UPDATE quarantine SET status = ? WHERE id = ?", [.text(status.rawValue), .int(id)])
    }

    /// Mailbox entries quarantined as no readable mail (see `Pipeline.setAside`), still held.
    public func setAsideCount() throws -> Int {
        Int(try db.query("""
            SELECT COUNT(*) AS n FROM quarantine WHERE status = 'held'
            AND (reason LIKE 'not a mail file%' OR reason LIKE 'unreadable%')
            """).first?.int("n") ?? 0)
    }
}
