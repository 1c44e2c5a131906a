import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
@testable import Store

/// Issue 14 through `run --once` on the Maildir default: files reach staff, `postdesk attachment` writes them out,
/// a CSM's reply to a breach notice stays internal, a thank-you after a close does not reopen.
@Suite(.serialized) struct RoutingEndToEndTests {
    let monday = copenhagen(2026, 11, 16, 10)

    func mailWithFile(_ data: [UInt8], name: String) -> [UInt8] {
        let text = [
            "From: Mette Holm <mette.holm@nordlys.test>", "To: support@example.test", "Subject: Fejl i lønkørsel",
            "Message-ID: <file1@nordlys.test>", "Date: Mon, 16 Nov 2026 10:00:00 +0100", "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"x\"", "", "--x", "Content-Type: text/plain; charset=utf-8", "",
            "Lønkørslen fejler for to medarbejdere. Logfilen er vedhæftet.", "--x",
            "Content-Type: text/plain; name=\"\(name)\"", "Content-Disposition: attachment; filename=\"\(name)\"",
            "Content-Transfer-Encoding: base64", "", Data(data).base64EncodedString(options: .lineLength76Characters),
            "--x--", "",
        ]
        return Array(text.joined(separator: "\r\n").utf8)
    }

    @Test func customerFilesReachStaffAndCanBeWrittenOut() throws {
        let box = try Sandbox(now: monday)
        let log = Array((0..<5000).map { UInt8(($0 * 31) % 256) })
        try box.deliver(mailWithFile(log, name: "løn.log"))
        let summary = try box.pipeline().runOnce()
        #expect(summary.opened == 1)
        let notification = try #require(box.outboxTexts().first { $0.contains(
            "To: \"Support team\" <agents@example.test>") })
        let parsed = MessageParser.parse(Array(notification.utf8))
        #expect(parsed.attachments.first?.data == log, "the staff notification carries the customer's file")

        let out = box.dir.appendingPathComponent("written.log").path
        #expect(PostdeskCommand.main(["attachment", "PD-2026-000001", "1", "-o", out, "--config", box.configPath]) == 0)
        #expect(FileManager.default.contents(atPath: out).map([UInt8].init) == log)
        let mode = (try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? NSNumber)?.intValue
        #expect(mode == 0o600)
        #expect(PostdeskCommand.main(["attachment", "PD-2026-000001", "1", "-o", out, "--config", box.configPath]) == 1,
                "an existing file is never overwritten")
        #expect(PostdeskCommand.main(["attachment", "PD-2026-000001", "2", "--config", box.configPath]) == 1)
    }

    /// NeoMutt trial finding: after an answer and a follow-up the clock runs from the follow-up, and the breach
    /// notice must show that text (what waits), not only the first request.
    @Test func aBreachAfterAFollowUpShowsTheFollowUpThatWaits() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(Array(("From: admin@bergmann.test\r\nTo: support@example.test\r\nSubject: Drucker\r\n"
            + "Message-ID: <w1@bergmann.test>\r\nDate: Mon, 16 Nov 2026 10:00:00 +0100\r\n\r\n"
            + "Der Drucker im zweiten Stock druckt für niemanden.\r\n").utf8))
        _ = try box.pipeline().runOnce()
        let store = try PostdeskStore(path: box.config.database)
        let ack = try #require(try store.outbox().first { $0.kind == .acknowledgement })
        box.now = monday.addingTimeInterval(600)
        try box.deliver(
            Array(("From: agent1@example.test\r\nTo: support@example.test\r\nSubject: Re: \(ack.subject)\r\n"
            + "Message-ID: <w2@example.test>\r\nDate: Mon, 16 Nov 2026 10:10:00 +0100\r\n\r\n"
            + "Wir haben die Druckwarteschlange neu gestartet.\r\n").utf8))
        _ = try box.pipeline().runOnce()
        box.now = monday.addingTimeInterval(1800)
        try box.deliver(
            Array(("From: admin@bergmann.test\r\nTo: support@example.test\r\nSubject: Re: \(ack.subject)\r\n"
            + "Message-ID: <w3@bergmann.test>\r\nDate: Mon, 16 Nov 2026 10:30:00 +0100\r\n\r\n"
            + "Lenas PC kann immer noch nicht drucken.\r\n").utf8))
        _ = try box.pipeline().runOnce()
        let clock = try #require(try store.tickets().first?.state.clock)
        #expect(abs(clock.startedAt.timeIntervalSince(monday.addingTimeInterval(1800))) < 2,
            "the follow-up restarts it")
        box.now = clock.dueAt.addingTimeInterval(3600 * 4)
        _ = try box.pipeline().runOnce()
        let breach = try #require(try store.outbox().last { $0.kind == .escalationBreach })
        let notice = MessageParser.parse(breach.raw).bodyText
        #expect(notice.contains("Waiting for an answer") && notice.contains("Lenas PC kann immer noch nicht drucken"),
                "\(notice)")
        #expect(notice.contains("Der Drucker im zweiten Stock"), "the first request is still shown")
    }

    @Test func aCSMReplyToABreachStaysInternalEndToEnd() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(Array(("From: admin@bergmann.test\r\nTo: support@example.test\r\nSubject: Server down\r\n"
            + "Message-ID: <b1@bergmann.test>\r\nDate: Mon, 16 Nov 2026 10:00:00 +0100\r\n\r\n"
            + "Der Server ist für alle Benutzer ausgefallen.\r\n").utf8))
        var summary = try box.pipeline().runOnce()
        box.now = monday.addingTimeInterval(6 * 3600)
        summary = try box.pipeline().runOnce()
        #expect(summary.escalations >= 1)
        let store = try PostdeskStore(path: box.config.database)
        let breach = try #require(try store.outbox().last { $0.kind == .escalationBreach })
        // The notice carries what the CSM needs, gathered from the store.
        let notice = MessageParser.parse(breach.raw).bodyText
        #expect(notice.contains("Der Server ist für alle Benutzer ausgefallen"), "\(notice)")
        #expect(notice.contains("Came in:") && notice.contains("Acknowledged: yes"), "\(notice)")
        #expect(notice.contains("Staff told:") && notice.contains("agents@example.test"), "\(notice)")
        try box.deliver(
            Array(("From: Lena Berg <lead@example.test>\r\nTo: support@example.test\r\nCc: csm@example.test\r\n"
            + "Subject: Re: \(breach.subject)\r\nMessage-ID: <lead1@example.test>\r\nIn-Reply-To: " +
                "<\(breach.messageID)>\r\n"
            + "References: <\(breach.messageID)>\r\nDate: Mon, 16 Nov 2026 16:10:00 +0100\r\n\r\n"
            + "Vertragsverlängerung im Januar, der Kunde hat sich schon beschwert.\r\n").utf8))
        let before = box.outboxFiles().count
        summary = try box.pipeline().runOnce()
        #expect(summary.staffMails == 1 && summary.followUps == 0, "the lead's note is a staff mail")
        let newMails = box.outboxTexts().suffix(box.outboxFiles().count - before)
        #expect(newMails.allSatisfy { !$0.contains("admin@bergmann.test") }, "nothing new to the customer")
        let ticket = try #require(try store.tickets().first?.state)
        #expect(ticket.firstResponseAt == nil)
        #expect(ticket.status == .open)
    }
}
