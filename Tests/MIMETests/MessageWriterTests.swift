import Foundation
import Testing
@testable import MIME

@Suite struct MessageWriterTests {
    func mail(subject: String = "Hello", name: String? = "Mette Holm", extra: [OutgoingMail.ExtraHeader] = [],
              inReplyTo: String? = "parent@x.test", references: [String] = ["root@x.test"]) -> OutgoingMail {
        OutgoingMail(from: Address(name: "Support", email: "support@example.test"),
            to: [Address(name: name, email: "mette@nordlys.test")],
                     subject: subject, messageID: "pd.1@example.test", inReplyTo: inReplyTo, references: references,
                     date: Date(timeIntervalSince1970: 1_795_000_000), autoSubmitted: "auto-replied",
                     extraHeaders: extra,
                     body: "Hej Mette,\n\nvi har modtaget din henvendelse. Æøå.\n")
    }

    func headerNames(_ raw: [UInt8]) -> [String] {
        let text = String(decoding: raw, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        return head.components(separatedBy: "\r\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("\t") }
            .map { String($0.prefix { $0 != ":" }) }
    }

    @Test func rendersRFC5322WithThreadingAndAutoSubmitted() {
        let raw = MessageWriter.render(mail())
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.contains("\r\nMessage-ID: <pd.1@example.test>\r\n"))
        #expect(text.contains("\r\nIn-Reply-To: <parent@x.test>\r\n"))
        #expect(text.contains("\r\nReferences: <root@x.test>\r\n"))
        #expect(text.contains("\r\nAuto-Submitted: auto-replied\r\n"))
        #expect(text.contains("\r\nTo: \"Mette Holm\" <mette@nordlys.test>\r\n"))
        // Round trip through our own parser.
        let parsed = MessageParser.parse(raw)
        #expect(parsed.messageID == "pd.1@example.test")
        #expect(parsed.inReplyTo == ["parent@x.test"])
        #expect(parsed.bodyText.contains("vi har modtaget din henvendelse. Æøå."))
        #expect(!text.split(separator: "\r\n").contains { $0.utf8.count > 998 })
    }

    @Test func nonASCIISubjectIsEncodedAndFolded() {
        let subject = String(repeating: "Skærmen flimrer på kontoret ", count: 8)
        let raw = MessageWriter.render(mail(subject: subject))
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.contains("Subject: =?utf-8?B?"))
        #expect(raw.allSatisfy { $0 < 0x80 })   // 7-bit clean on the wire
        for line in text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 78, "header line too long: \(line)")
        }
        #expect(MessageParser.parse(raw).header("Subject") != nil)
    }

    /// Header injection: nothing in a field may start a header of its own.
    static let payloads: [String] = [
        "Hi\r\nBcc: victim@evil.test", "Hi\nBcc: victim@evil.test", "Hi\rBcc: victim@evil.test",
        "Hi\u{0}Bcc: x@evil.test",
        "Hi\r\n\r\nInjected body", "x\r\n Bcc: folded@evil.test", "x\u{85}Bcc: nel@evil.test",
        "x\u{2028}Bcc: ls@evil.test",
        "x\u{2029}Bcc: ps@evil.test", "x\r\nContent-Type: text/html", "x\nX-Mailer: evil",
        "%0d%0aBcc: encoded@evil.test",
        "=?utf-8?Q?x=0D=0ABcc:_q@evil.test?=", "Ünïcödé\r\nBcc: u@evil.test", "\r\nBcc: lead@evil.test",
        "x\u{0B}Bcc: vt@evil.test",
        "x\u{0C}Bcc: ff@evil.test", "x\t\r\n\tBcc: tab@evil.test", "a\r\nSubject: second",
        "\"quoted\"\r\nReply-To: evil@evil.test",
        "<id@x>\r\nBcc: id@evil.test", "x\r\n.\r\nMAIL FROM:<evil@evil.test>",
    ]

    @Test(arguments: payloads)
    func injectionCannotCreateHeaders(_ payload: String) {
        let m = mail(subject: payload, name: payload, extra: [.init("X-Postdesk-Ticket", payload)],
                     inReplyTo: payload, references: [payload])
        let raw = MessageWriter.render(m)
        let names = headerNames(raw).map { $0.lowercased() }
        let allowed: Set<String> = ["date", "from", "to", "subject", "message-id", "in-reply-to", "references",
            "auto-submitted",
                                    "x-auto-response-suppress", "x-postdesk-ticket", "mime-version", "content-type",
                                    "content-transfer-encoding"]
        #expect(Set(names).isSubset(of: allowed), "unexpected header in \(names)")
        #expect(names.filter { $0 == "subject" }.count == 1)
        #expect(!names.contains("bcc"))
        let text = String(decoding: raw, as: UTF8.self)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(!head.contains("\0"))
        // Every line break in the header block is a CRLF fold or a header start, never bare CR or LF.
        #expect(!head.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        #expect(!head.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func dateHeaderMatchesDateFormatter() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        for seconds in [0.0, 951_782_400.5, 1_795_000_000, 1_798_761_599.999, 4_102_444_800] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(MessageWriter.rfc5322Date(date) == formatter.string(from: date))
        }
    }

    /// The Date header carries the mail's zone offset, winter and summer, and still names the same instant.
    @Test func dateHeaderUsesTheMailsZoneOffset() {
        let zone = TimeZone(identifier: "Europe/Copenhagen")!
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        for seconds in [1_796_205_600.0, 1_782_900_000, 1_774_746_000, 1_774_742_399] {   // Dec, Jul, the DST switch
            let date = Date(timeIntervalSince1970: seconds)
            var mail = OutgoingMail(from: Address(email: "support@example.test"), to: [Address(email: "a@b.test")],
                                    subject: "x", messageID: "id@example.test", date: date, timeZone: zone, body: "x")
            let header = String(decoding: MessageWriter.render(mail), as: UTF8.self).components(separatedBy: "\r\n")[0]
            #expect(header == "Date: " + formatter.string(from: date))
            #expect(header.hasSuffix(zone.isDaylightSavingTime(for: date) ? "+0200" : "+0100"))
            let wholeSeconds = date.timeIntervalSince1970.rounded(.down)
            #expect(RFC5322Date.parse(String(header.dropFirst(6))) == Date(timeIntervalSince1970: wholeSeconds))
            mail.timeZone = nil
            #expect(String(decoding: MessageWriter.render(mail), as: UTF8.self).hasPrefix("Date: "
                + MessageWriter.rfc5322Date(date) + "\r\n"))
        }
        #expect(MessageWriter.rfc5322Date(Date(timeIntervalSince1970: 0), offsetSeconds: -(3 * 3600 + 30 * 60))
                == "Wed, 31 Dec 1969 20:30:00 -0330")
    }

    @Test func quotedPrintableRoundTripsLongLines() {
        let body = String(repeating: "æøå ", count: 60) + "\nend="
        let encoded = QuotedPrintable.encode(body)
        #expect(encoded.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        let raw = Array(
            ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: " +
                "quoted-printable\r\n\r\n\(encoded)").utf8)
        _ = raw
    }
}
