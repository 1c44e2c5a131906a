import Foundation

/// The JSON object `postdesk parse FILE` prints (format read by shared/tools/corpus_check.py), keys sorted.
public enum ParseReport {
    public static func json(for m: ParsedMessage) -> String { String(decoding: bytes(for: m), as: UTF8.self) }

    /// The JSON as UTF-8, written directly (see `JSONWriter`).
    public static func bytes(for m: ParsedMessage) -> [UInt8] {
        let extraction = ReplyExtractor.extract(m)
        func address(_ w: inout JSONWriter, _ a: Address) {
            w.object { w in
                w.key("email"); w.string(a.email)
                w.key("name"); w.string(a.name)
            }
        }
        var w = JSONWriter(capacity: m.bodyText.utf8.count + extraction.text.utf8.count + 4096)
        w.object { w in
            w.key("attachments")
            w.array(m.attachments) { w, a in
                w.object { w in
                    w.key("content_id"); w.string(a.contentID)
                    w.key("content_type"); w.string(a.contentType)
                    w.key("filename"); w.string(a.filename)
                    w.key("inline"); w.bool(a.isInline)
                    w.key("sha256"); w.string(a.sha256)
                    w.key("size"); w.int(a.size)
                }
            }
            w.key("body_text"); w.string(m.bodyText)
            w.key("cc"); w.array(m.cc, address)
            w.key("content_type"); w.string(m.contentType)
            w.key("date"); w.string(m.date.map(RFC3339Date.utc))
            w.key("defects"); w.array(m.defects) { w, d in w.string(d) }
            w.key("from"); w.string(m.from?.email)
            w.key("from_name"); w.string(m.from?.name)
            w.key("has_html"); w.bool(m.bodyHTML != nil)
            w.key("in_reply_to"); w.string(m.inReplyTo.first)
            w.key("message_id"); w.string(m.messageID)
            // What the desk stores as the new text, so extraction can be checked from the command line.
            w.key("new_text"); w.string(extraction.text)
            w.key("new_text_is_whole_body"); w.bool(extraction.fellBack)
            w.key("references"); w.array(m.references) { w, r in w.string(r) }
            w.key("reply_to"); w.array(m.replyTo, address)
            w.key("sender")
            if let sender = m.sender { address(&w, sender) } else { w.string(nil) }
            w.key("subject"); w.string(m.subject)
            w.key("to"); w.array(m.to, address)
        }
        return w.bytes
    }
}
