import Foundation
import Testing
@testable import MIME

/// `postdesk parse` writes its JSON itself; it must stay the text JSONSerialization gave (compact, sorted keys,
/// `\/`, control characters escaped), so tools that compared outputs before still compare equal.
@Suite struct ParseReportFormatTests {
    /// The report as it was built before: a dictionary through JSONSerialization with sorted keys.
    static func foundationReport(_ m: ParsedMessage) throws -> String {
        let extraction = ReplyExtractor.extract(m)
        func address(_ a: Address) -> [String: Any] { ["email": a.email, "name": a.name as Any? ?? NSNull()] }
        let object: [String: Any] = [
            "from": m.from?.email as Any? ?? NSNull(), "from_name": m.from?.name as Any? ?? NSNull(),
            "subject": m.subject, "message_id": m.messageID as Any? ?? NSNull(),
            "in_reply_to": m.inReplyTo.first as Any? ?? NSNull(), "references": m.references,
            "content_type": m.contentType, "body_text": m.bodyText, "new_text": extraction.text,
            "new_text_is_whole_body": extraction.fellBack,
            "attachments": m.attachments.map { a -> [String: Any] in
                ["filename": a.filename as Any? ?? NSNull(), "size": a.size, "content_type": a.contentType,
                 "sha256": a.sha256, "inline": a.isInline, "content_id": a.contentID as Any? ?? NSNull()]
            },
            "to": m.to.map(address), "cc": m.cc.map(address), "reply_to": m.replyTo.map(address),
            "sender": m.sender.map(address) as Any? ?? NSNull(), "has_html": m.bodyHTML != nil, "defects": m.defects,
            "date": m.date.map { d -> String in
                let f = ISO8601DateFormatter()
                f.timeZone = TimeZone(identifier: "UTC")
                return f.string(from: d)
            } as Any? ?? NSNull(),
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
                      as: UTF8.self)
    }

    static let mails: [String] = [
        // Every ASCII control character, quotes, backslashes and slashes in the body; names and a Sender.
        "From: \"Mette \\\"MH\\\" Holm\" <mette@nordlys.test>\r\nSender: it@nordlys.test\r\n"
            + "To: a@b.test, \"C/D\" <c@d.test>\r\nCc: e@f.test\r\nReply-To: r@s.test\r\n"
            + "Subject: a/b \\ \"c\"\r\nMessage-ID: <x/1@nordlys.test>\r\nIn-Reply-To: <p@q>\r\n"
            + "References: <o@q> <p@q>\r\nDate: Tue, 1 Jul 2025 10:52:37 +0200\r\n\r\n"
            + (0..<32).map { String(UnicodeScalar(UInt8($0))) }.joined() + "\u{7f} æøå € 😀 </p>\r\n",
        // A multipart with an HTML part, an attachment with a file name and one with a Content-ID; no date.
        "From: x@y.test\r\nSubject: =?utf-8?Q?S=C3=B8ren?=\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
            + "--B\r\nContent-Type: text/html\r\n\r\n<p>Hej <b>du</b></p>\r\n"
            + "--B\r\nContent-Type: application/pdf; name=\"a/b.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + "JVBERi0xLjQK\r\n"
            + "--B\r\nContent-Type: image/png\r\nContent-ID: <img1>\r\nContent-Disposition: inline\r\n\r\n"
            + "PNG\r\n--B--\r\n",
        // Nothing at all, and a date before the epoch.
        "",
        "From: old@x.test\r\nDate: Wed, 31 Dec 1969 23:59:58 +0000\r\n\r\nhi",
    ]

    @Test(arguments: 0..<mails.count)
    func sameTextAsJSONSerialization(_ i: Int) throws {
        let m = MessageParser.parse(Array(Self.mails[i].utf8))
        #expect(ParseReport.json(for: m) == (try Self.foundationReport(m)))
    }

    @Test func controlCharactersAreEscapedAsFoundationDoes() {
        var w = JSONWriter()
        w.string("\u{0}\u{8}\u{9}\u{a}\u{b}\u{c}\u{d}\u{1f}\"\\/\u{7f}é")
        let expected = "\"\\u0000\\b\\t\\n\\u000b\\f\\r\\u001f\\\"\\\\\\/\u{7f}é\""
        #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
    }

    @Test func utcInstantsAsISO8601DateFormatterWritesThem() {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        for t in [0, -1.5, 1.7, 951_782_400, 1_796_202_000, -86_400 * 365.0, 253_402_300_799, 32_503_680_000] {
            let d = Date(timeIntervalSince1970: t)
            #expect(RFC3339Date.utc(d) == f.string(from: d), "\(t)")
        }
    }
}
