import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
@testable import Store

/// Maildir → SQLite → outbox over the demo fixtures, with the clock held still.
@Suite(.serialized) struct EndToEndTests {
    let monday = copenhagen(2026, 11, 16, 10)

    @Test func demoFixturesBecomeTicketsThreadsAndMails() throws {
        let box = try Sandbox(now: monday)
        let fixtures = try FileManager.default.contentsOfDirectory(
            atPath: Sandbox.repo.appendingPathComponent("Fixtures/demo").path).sorted()
        for f in fixtures { try box.deliver(fixture: "Fixtures/demo/\(f)") }
        let pipeline = try box.pipeline()
        let summary = try pipeline.runOnce()
        #expect(summary.taken == 12)
        #expect(summary.opened == 5)
        #expect(summary.followUps == 1 && summary.staffMails == 1)   // a customer follow-up and a staff reply
        #expect(summary.rejected == 2)           // non-administrator + unknown sender
        #expect(summary.ignored == 1)            // out-of-office
        #expect(summary.duplicates == 1)
        #expect(summary.quarantined == 1)        // no From
        #expect(box.count("new") == 0)
        #expect(box.count("cur") == 11)
        #expect(box.count(".Postdesk.Quarantine/cur") == 1)

        let store = pipeline.store
        let first = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(first.requester.email == "mette.holm@nordlys.test")
        #expect(first.status == .answered)
        #expect(first.firstResponseAt == monday)
        #expect(first.clock == nil)
        let roles = try store.messages(ticketID: first.id).map { "\($0.direction.rawValue):\($0.role)" }
        #expect(roles == ["in:customer", "out:acknowledgement", "out:staff-notification", "in:customer",
            "out:staff-notification",
                          "in:staff-reply", "out:relay", "out:answered-note"])

        // The acknowledgement as the customer receives it.
        let acks = box.outboxTexts().filter { headerValue("Auto-Submitted", in: $0) == "auto-replied" &&
            $0.contains("mette.holm@nordlys.test") }
        let ack = try #require(acks.first { headerValue("In-Reply-To",
            in: $0) == "<a1f3c2d9.nordlys-001@nordlys.test>" })
        #expect(headerValue("From", in: ack) == "\"Example IT Support\" <support@example.test>")
        #expect(headerValue("References", in: ack) == "<a1f3c2d9.nordlys-001@nordlys.test>")
        #expect(headerValue("Message-ID", in: ack)?.hasPrefix("<pd.") == true)
        let parsedAck = MessageParser.parse(Array(ack.utf8))
        #expect(parsedAck.subject.hasPrefix("[PD-2026-000001] "))
        #expect(parsedAck.bodyText.contains("PD-2026-000001"))
        #expect(parsedAck.bodyText.replacingOccurrences(of: "\n", with: " ").contains("med prioritet P"))
        #expect(parsedAck.bodyText.contains("https://kb.example.test"))

        // The staff reply reached the customer from the support address, quoted history removed.
        let relay = try #require(box.outboxTexts().first { headerValue("Auto-Submitted", in: $0) == nil &&
            $0.contains("X-Envelope-To: <mette.holm@nordlys.test>") })
        let parsedRelay = MessageParser.parse(Array(relay.utf8))
        #expect(parsedRelay.from?.email == "support@example.test")
        #expect(parsedRelay.subject.hasPrefix("[PD-2026-000001]"))
        #expect(parsedRelay.bodyText.contains("DHCP svarer nu"))
        #expect(!parsedRelay.bodyText.contains("Tilføjelse: det ser ud til"))

        // A second pass over the same Maildir changes nothing.
        let filesBefore = box.outboxFiles()
        let countsBefore = try store.intakeCounts()
        for f in fixtures { _ = f }
        let again = try box.pipeline().runOnce()
        #expect(again == PassSummary())
        #expect(box.outboxFiles() == filesBefore)
        #expect(try store.intakeCounts() == countsBefore)
        #expect(try store.tickets().count == 5)
    }

    @Test func crashBetweenCommitAndSettleDoesNotDuplicate() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(fixture: "Fixtures/demo/02-en-p2-acme.eml")
        _ = try box.pipeline().runOnce()
        // Put the mail back in new/ as if the process died right after the commit.
        let cur = try FileManager.default.contentsOfDirectory(atPath: box.maildir.appendingPathComponent("cur").path)
        let name = try #require(cur.first)
        try FileManager.default.moveItem(at: box.maildir.appendingPathComponent("cur/\(name)"),
                                         to: box.maildir.appendingPathComponent("new/\(name.split(separator: ":")[0])"))
        let files = box.outboxFiles()
        let second = try box.pipeline().runOnce()
        #expect(second.alreadyDone == 1)
        #expect(second.opened == 0)
        #expect(box.outboxFiles() == files)
        #expect(box.count("new") == 0)
    }

    @Test func sameMailDeliveredTwiceUnderAnotherNameIsOneTicket() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(fixture: "Fixtures/demo/02-en-p2-acme.eml")
        try box.deliver(fixture: "Fixtures/demo/02-en-p2-acme.eml")
        let s = try box.pipeline().runOnce()
        #expect(s.opened == 1)
        #expect(s.duplicates == 1)
    }

    /// Without a Message-ID the bytes identify a mail: the same bytes twice are one ticket, other bytes another.
    @Test func mailWithoutMessageIDIsRecognizedByItsContent() throws {
        let box = try Sandbox(now: monday)
        func mail(_ body: String) -> [UInt8] {
            Array(("From: Admin <admin@bergmann.test>\r\nTo: support@example.test\r\nSubject: " +
                "Drucker\r\n\r\n\(body)\r\n").utf8)
        }
        try box.deliver(mail("Der Drucker im Lager druckt nicht."))
        try box.deliver(mail("Der Drucker im Lager druckt nicht."))
        try box.deliver(mail("Der Drucker im Büro druckt nicht."))
        let pipeline = try box.pipeline()
        let s = try pipeline.runOnce()
        #expect(s.opened == 2)
        #expect(s.duplicates == 1)
        let hashes = try pipeline.store.db.query(
            "SELECT content_hash FROM intake WHERE outcome = 'ticket'").compactMap { $0.text("content_hash") }
        #expect(hashes.count == 2 && hashes.allSatisfy { $0.count == 64 })
    }

    func bergmannMail(
        _ subject: String, id: String, body: String = "Unser Lagerverwaltungssystem ist ausgefallen.") -> [UInt8] {
        Array("""
            From: Admin <admin@bergmann.test>\r
            To: support@example.test\r
            Subject: \(subject)\r
            Message-ID: <\(id)>\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            \(body)\r

            """.utf8)
    }

    @Test func escalationWarningAtSeventyFivePercentBreachAtHundredOncePerClockAcrossRestarts() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(bergmannMail("[P1] Lager steht still", id: "p1@bergmann.test"))
        _ = try box.pipeline().runOnce()
        let ticket = try #require(try box.pipeline().store.ticket(reference: "PD-2026-000001"))
        #expect(ticket.priority.priority == .p1)
        let clock = try #require(ticket.clock)
        #expect(clock.dueAt == monday.addingTimeInterval(2 * 3600))   // extended plan, Monday 10:00 + 2 h

        func escalations() -> [String] { box.outboxTexts().compactMap { headerValue("X-Postdesk-Escalation", in: $0) } }
        box.now = clock.warnAt.addingTimeInterval(-60)
        _ = try box.pipeline().runOnce()
        #expect(escalations().isEmpty)

        box.now = clock.warnAt
        _ = try box.pipeline().runOnce()
        #expect(escalations() == ["warning"])
        let warning = try #require(box.outboxTexts().first { headerValue(
            "X-Postdesk-Escalation", in: $0) == "warning" })
        #expect(warning.contains("X-Envelope-To: <csm@example.test>"))
        #expect(MessageParser.parse(Array(warning.utf8)).bodyText.contains("Bergmann Logistik GmbH"))

        // A restart (new pipeline, same database) does not send the warning again.
        box.now = clock.warnAt.addingTimeInterval(600)
        _ = try box.pipeline().runOnce()
        #expect(escalations() == ["warning"])

        box.now = clock.dueAt
        _ = try box.pipeline().runOnce()
        // One breach notice to each person (each person's notices are gathered into digests of their own).
        #expect(escalations().sorted() == ["breach", "breach", "warning"])
        let breaches = box.outboxTexts().filter { headerValue("X-Postdesk-Escalation", in: $0) == "breach" }
        #expect(breaches.contains { $0.contains("X-Envelope-To: <csm@example.test>") })
        #expect(breaches.contains { $0.contains("X-Envelope-To: <lead@example.test>") })

        box.now = clock.dueAt.addingTimeInterval(3600)
        _ = try box.pipeline().runOnce()
        #expect(escalations().count == 3)
    }

    @Test func noEscalationAfterStaffReply() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(bergmannMail("[P1] Lager steht still", id: "p1b@bergmann.test"))
        _ = try box.pipeline().runOnce()
        box.now = monday.addingTimeInterval(1800)
        try box.deliver(Array("""
            From: Agent One <agent1@example.test>\r
            To: support@example.test\r
            Subject: Re: [PD-2026-000001] Lager steht still\r
            Message-ID: <reply1@example.test>\r
            In-Reply-To: <p1b@bergmann.test>\r
            \r
            Wir sind dran und melden uns in 30 Minuten.\r

            """.utf8))
        let s = try box.pipeline().runOnce()
        #expect(s.staffMails == 1)
        box.now = monday.addingTimeInterval(5 * 3600)
        _ = try box.pipeline().runOnce()
        #expect(box.outboxTexts().allSatisfy { headerValue("X-Postdesk-Escalation", in: $0) == nil })
        let t = try #require(try box.pipeline().store.ticket(reference: "PD-2026-000001"))
        #expect(t.firstResponseAt == monday.addingTimeInterval(1800))
    }

    @Test func replyToOurAcknowledgementThreadsByHeader() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(bergmannMail("Drucker", id: "d1@bergmann.test"))
        _ = try box.pipeline().runOnce()
        let ack = try #require(box.outboxTexts().first { headerValue("Auto-Submitted", in: $0) == "auto-replied" })
        let ackID = try #require(headerValue("Message-ID", in: ack))
        // The customer answers our acknowledgement with a subject that lost the tag.
        try box.deliver(
            Array(("From: admin@bergmann.test\r\nTo: support@example.test\r\nSubject: Re: Drucker\r\nMessage-ID: " +
                "<d2@bergmann.test>\r\nIn-Reply-To: \(ackID)\r\n\r\nNoch eine Info.\r\n").utf8))
        let s = try box.pipeline().runOnce()
        #expect(s.followUps == 1)
        #expect(s.opened == 0)
    }

    @Test func metricsFileIsWritten() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(fixture: "Fixtures/demo/02-en-p2-acme.eml")
        let p = try box.pipeline()
        _ = try p.runOnce()
        p.writeMetrics()
        let text = try String(contentsOf: box.dir.appendingPathComponent("postdesk.prom"), encoding: .utf8)
        #expect(text.contains("postdesk_tickets_opened_total 1"))
        #expect(text.contains("postdesk_outbox_depth 0"))
    }
}
