import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
@testable import Store
import Transport

/// Issue 15: a bounce is accepted only when it arrives for one of our envelope tokens (VERP) or quotes one of our
/// Message-IDs whole; a `mailer-daemon@` mail from anyone else marks nothing failed.
@Suite(.serialized) struct EnvelopeBounceTests {
    let monday = copenhagen(2026, 11, 16, 10)

    func adminMail(_ id: String) -> [UInt8] {
        Array(("From: Admin <admin@bergmann.test>\r\nTo: support@example.test\r\nSubject: Drucker\r\n"
            + "Message-ID: <\(id)>\r\nDate: Mon, 16 Nov 2026 09:00:00 +0100\r\n\r\nBitte helfen.\r\n").utf8)
    }

    /// A delivery report from the MTA `from`, addressed to `to`, quoting `quoted` as the returned mail's Message-ID.
    func report(to: String, quoted: String?, id: String, from: String = "MAILER-DAEMON@mx.bergmann.test",
                extra: String = "") -> [UInt8] {
        var text = "From: Mail Delivery System <\(from)>\r\nTo: \(to)\r\n\(extra)"
            + "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <\(id)>\r\n"
            + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n"
            + "--B\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
            + "--B\r\nContent-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; admin@bergmann.test\r\n"
            + "Status: 5.1.1\r\n"
        if let quoted {
            text += "--B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <\(quoted)>\r\nSubject: Drucker\r\n"
        }
        return Array((text + "--B--\r\n").utf8)
    }

    /// A desk with one acknowledgement queued; returns the pipeline and that outbox row.
    func deskWithAcknowledgement(_ box: Sandbox) throws -> (Pipeline, OutboxItem) {
        try box.deliver(adminMail("b1@bergmann.test"))
        let p = try box.pipeline()
        _ = try p.runOnce()
        return (p, try #require(try p.store.outbox().first { $0.kind == .acknowledgement }))
    }

    @Test func everyOutgoingMailHasItsOwnRandomEnvelopeToken() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(adminMail("t1@bergmann.test"))
        try box.deliver(adminMail("t2@bergmann.test"))
        let p = try box.pipeline()
        _ = try p.runOnce()
        let tokens = try p.store.outbox().compactMap(\.envelopeToken)
        #expect(tokens.count == (try p.store.outbox().count) && tokens.count >= 2)
        #expect(Set(tokens).count == tokens.count)
        #expect(tokens.allSatisfy { $0.count == 24 && $0.allSatisfy(\.isHexDigit) })
        let support = Address(email: "support@example.test")
        #expect(EnvelopeToken.address(support: support, token: tokens[0]) == "support+b\(tokens[0])@example.test")
    }

    @Test func aBounceForOurEnvelopeTokenMarksThatMailFailed() throws {
        let box = try Sandbox(now: monday)
        let (p, ack) = try deskWithAcknowledgement(box)
        let token = try #require(ack.envelopeToken)
        // The report quotes nothing of the mail: the envelope alone says which one it was.
        try box.deliver(report(to: "support+b\(token)@example.test", quoted: nil, id: "r1@mx.bergmann.test"))
        let s = try p.runOnce()
        #expect(s.opened == 0)
        #expect(try p.store.outboxItem(messageID: ack.messageID)?.status == .failed)
        #expect(try p.store.outbox().contains { $0.kind == .deliveryFailure })
    }

    @Test func deliveredToAndXOriginalToCountAsTheEnvelope() throws {
        let box = try Sandbox(now: monday)
        let (p, ack) = try deskWithAcknowledgement(box)
        let token = try #require(ack.envelopeToken)
        try box.deliver(report(to: "support@example.test", quoted: nil, id: "r2@mx.bergmann.test",
                               extra: "Delivered-To: SUPPORT+B\(token.uppercased())@example.test\r\n"))
        _ = try p.runOnce()
        #expect(try p.store.outboxItem(messageID: ack.messageID)?.status == .failed)
        #expect(EnvelopeToken.tokens(in: MessageParser.parse(report(
            to: "x@y.test", quoted: nil, id: "r3@x", extra: "X-Original-To: support+b\(token)@example.test\r\n")),
            support: Address(email: "support@example.test")) == [token])
    }

    @Test func aForgedMailerDaemonMailWithAGuessedMessageIDMarksNothingFailed() throws {
        let box = try Sandbox(now: monday)
        let (p, ack) = try deskWithAcknowledgement(box)
        // The forger knows our Message-ID shape and the time part, not the 128 random bits.
        let parts = ack.messageID.split(separator: ".")
        let guessed = "\(parts[0]).\(parts[1])." + String(repeating: "0", count: 32) + "@example.test"
        #expect(guessed != ack.messageID && guessed.count == ack.messageID.count)
        try box.deliver(report(to: "support@example.test", quoted: guessed, id: "f1@evil.test",
                               from: "mailer-daemon@evil.test"))
        // Nor does a wrong envelope token, or another domain's plus address with the right one.
        let token = try #require(ack.envelopeToken)
        try box.deliver(report(to: "support+b\(String(repeating: "f", count: 24))@example.test", quoted: nil,
                               id: "f2@evil.test", from: "mailer-daemon@evil.test"))
        try box.deliver(report(to: "support+b\(token)@evil.test", quoted: nil, id: "f3@evil.test",
                               from: "mailer-daemon@evil.test"))
        let s = try p.runOnce()
        #expect(s.ignored == 3 && s.opened == 0)
        #expect(try p.store.outbox(status: .failed).isEmpty)
        #expect(try !p.store.outbox().contains { $0.kind == .deliveryFailure })
    }

    @Test func anOutOfOfficeReplyToTheEnvelopeMarksNothingFailed() throws {
        let box = try Sandbox(now: monday)
        let (p, ack) = try deskWithAcknowledgement(box)
        let token = try #require(ack.envelopeToken)
        let ooo = "From: Admin <admin@bergmann.test>\r\nTo: support+b\(token)@example.test\r\n"
            + "Auto-Submitted: auto-replied\r\nSubject: Abwesenheitsnotiz\r\nMessage-ID: <ooo@bergmann.test>\r\n\r\n"
            + "Ich bin bis Montag nicht im Büro.\r\n"
        try box.deliver(Array(ooo.utf8))
        _ = try p.runOnce()
        #expect(try p.store.outbox(status: .failed).isEmpty)
    }

    @Test func verpIsOnByDefaultAndCanBeSwitchedOff() throws {
        let env = ["POSTDESK_IMAP_PASSWORD": "x", "POSTDESK_SMTP_PASSWORD": "y"]
        let path = Sandbox.repo.appendingPathComponent("Config/examples/hosted-imaps-submission.json").path
        guard case .smtp(let hosted) = try Configuration.load(path: path, environment: env).outbox else {
            Issue.record("not SMTP"); return
        }
        #expect(hosted.verp)
        let exchange = Sandbox.repo.appendingPathComponent("Config/examples/exchange-onprem.json").path
        guard case .smtp(let onprem) = try Configuration.load(path: exchange, environment: env).outbox else {
            Issue.record("not SMTP"); return
        }
        #expect(!onprem.verp, "on-prem Exchange takes no plus-addressed mail")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
            as! [String: Any]
        var outbox = json["outbox"] as! [String: Any]
        outbox["verp"] = "yes"
        json["outbox"] = outbox
        let bad = FileManager.default.temporaryDirectory.appendingPathComponent("verp-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: bad) }
        try JSONSerialization.data(withJSONObject: json).write(to: bad)
        #expect { try Configuration.load(path: bad.path, environment: env) } throws: { error in
            "\(error)".contains("outbox.verp")
        }
    }
}
