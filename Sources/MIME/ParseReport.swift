import Foundation

/// The JSON object `postdesk parse FILE` prints (format read by shared/tools/corpus_check.py).
public enum ParseReport {
    public static func json(for m: ParsedMessage) -> String {
        let extraction = ReplyExtractor.extract(m)
        func address(_ a: Address) -> [String: Any] { ["email": a.email, "name": a.name as Any? ?? NSNull()] }
        var object: [String: Any] = [
            "from": m.from?.email as Any? ?? NSNull(),
            "from_name": m.from?.name as Any? ?? NSNull(),
            "subject": m.subject,
            "message_id": m.messageID as Any? ?? NSNull(),
            "in_reply_to": m.inReplyTo.first as Any? ?? NSNull(),
            "references": m.references,
            "content_type": m.contentType,
            "body_text": m.bodyText,
            // What the desk stores as the new text, so extraction can be checked from the command line.
            "new_text": extraction.text,
            "new_text_is_whole_body": extraction.fellBack,
            "attachments": m.attachments.map { a -> [String: Any] in
                ["filename": a.filename as Any? ?? NSNull(), "size": a.size, "content_type": a.contentType, "sha256": a.sha256,
                 "inline": a.isInline, "content_id": a.contentID as Any? ?? NSNull()]
            },
            "to": m.to.map(address),
            "cc": m.cc.map(address),
            "reply_to": m.replyTo.map(address),
            "sender": m.sender.map(address) as Any? ?? NSNull(),
            "has_html": m.bodyHTML != nil,
            "defects": m.defects,
        ]
        if let d = m.date {
            let f = ISO8601DateFormatter()
            f.timeZone = TimeZone(identifier: "UTC")
            object["date"] = f.string(from: d)
        } else {
            object["date"] = NSNull()
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
