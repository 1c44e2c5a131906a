import Desk
import Foundation
import MIME

extension PostdeskStore {
    /// Texts are stored only when they cannot be derived, since copies of every mail body were most of the bytes the
    /// worker wrote per mail (and writing them most of its commit time): `body_text` not when `raw` is kept (parsed
    /// again on reading) or it equals the new text; `new_text` not when `newTextFromRaw` says it is what
    /// `ReplyExtractor` makes of the raw mail's body.
    @discardableResult
    public func insertMessage(ticketID: Int64?, direction: MessageDirection, role: String, messageID: String?,
        from: Address?,
                              subject: String, at: Date, newText: String, bodyText: String, raw: [UInt8]?,
                              newTextFromRaw: Bool = false) throws -> Int64 {
        try db.query("""
            INSERT INTO messages (ticket_id, direction, role, message_id, from_email, from_name, subject, created_at,\
             new_text, body_text, raw)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [SQLValue(ticketID), .text(direction.rawValue), .text(role), SQLValue(messageID),
                SQLValue(from?.email), SQLValue(from?.name),
                  .text(subject), SQLValue(at), .text(raw != nil && newTextFromRaw ? "" : newText),
                  .text(raw != nil || bodyText == newText ? "" : bodyText),
                  raw.map { .blob($0) } ?? .null])
        return db.lastInsertID
    }

    /// An incoming message, kept with the role the desk gave it.
    @discardableResult
    public func insertMessage(ticketID: Int64?, direction: MessageDirection, role: MessageRole, messageID: String?,
                              from: Address?, subject: String, at: Date, newText: String, bodyText: String,
                              raw: [UInt8]?,
                              newTextFromRaw: Bool = false) throws -> Int64 {
        try insertMessage(ticketID: ticketID, direction: direction, role: role.rawValue, messageID: messageID,
            from: from,
                          subject: subject, at: at, newText: newText, bodyText: bodyText, raw: raw,
                          newTextFromRaw: newTextFromRaw)
    }

    /// Attachments are content-addressed: the same file sent twice is stored once.
    public func storeAttachments(_ attachments: [Attachment], messageRow: Int64) throws {
        for a in attachments {
            let hash = a.sha256
            try db.query("INSERT OR IGNORE INTO blobs (sha256, data) VALUES (?, ?)", [.text(hash), .blob(a.data)])
            try db.query(
                "INSERT INTO attachments (message_id, filename, content_type, size, sha256) VALUES (?, ?, ?, ?, ?)",
                         [.int(messageRow), SQLValue(a.displayName), .text(a.contentType), .int(Int64(a.size)),
                          .text(hash)])
        }
    }

    public func messages(ticketID: Int64) throws -> [StoredMessage] {
        try db.query("""
            SELECT id, direction, role, message_id, from_email, from_name, subject, created_at, new_text, body_text, raw
            FROM messages WHERE ticket_id = ? ORDER BY id
            """, [.int(ticketID)]).map { row in
            let id = row.int("id") ?? 0
            let direction = row.text("direction").flatMap(MessageDirection.init(rawValue:))
            let (newText, bodyText, wholeBody) = try storedTexts(row)
            let attachments = try db.query(
                "SELECT filename, content_type, size, sha256 FROM attachments WHERE message_id = ? ORDER BY id",
                [.int(id)]).map {
                StoredAttachment(filename: $0.text("filename"), contentType: $0.text("content_type") ?? "",
                    size: Int($0.int("size") ?? 0), sha256: $0.text("sha256") ?? "")
            }
            return StoredMessage(
                id: id, direction: direction ?? .incoming, role: StoredRole(
                    row.text("role") ?? "", direction: direction), messageID: row.text("message_id"),
                from: row.text("from_email").map { Address(name: row.text("from_name"), email: $0) },
                subject: row.text("subject") ?? "",
                createdAt: row.date("created_at") ?? Date(timeIntervalSince1970: 0), newText: newText,
                bodyText: bodyText,
                newTextIsWholeBody: wholeBody, attachments: attachments)
        }
    }

    /// A message row's texts as `insertMessage` and `enqueue` were given them, derived where not stored, and
    /// whether reply extraction found nothing new in the kept mail (so its whole body stands as the new text).
    func storedTexts(_ row: Row) throws -> (newText: String, bodyText: String, wholeBody: Bool) {
        let newText = row.text("new_text") ?? "", bodyText = row.text("body_text") ?? ""
        if row.text("direction") == MessageDirection.outgoing.rawValue {
            // Queued mail: the text is in the outbox row (see enqueue), less the line end rendering added.
            guard newText.isEmpty, let messageID = row.text("message_id"),
                  let raw = try db.query("SELECT raw FROM outbox WHERE message_id = ?", [.text(messageID)]).first?.blob(
                      "raw")
            else { return (newText, bodyText.isEmpty ? newText : bodyText, false) }
            var text = MessageParser.parse(raw).bodyText
            while text.hasSuffix("\n") { text.removeLast() }
            return (text, text, false)
        }
        guard let raw = row.blob("raw") else { return (newText, bodyText.isEmpty ? newText : bodyText, false) }
        let parsed = MessageParser.parse(raw)   // the new text includes attached forwards: derived from the mail
        let extraction = ReplyExtractor.extract(parsed)
        return (newText.isEmpty ? extraction.text : newText, bodyText.isEmpty ? parsed.bodyText : bodyText,
                extraction.fellBack)
    }

    public func blob(sha256: String) throws -> [UInt8]? {
        try db.query("SELECT data FROM blobs WHERE sha256 = ?", [.text(sha256)]).first?.blob("data")
    }
}
