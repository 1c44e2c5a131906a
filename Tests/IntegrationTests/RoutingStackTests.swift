import Foundation
import MIME
import StackTestSupport
import Testing
@testable import Store
@testable import Transport
@testable import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// Issue 14 on the real stack: who receives what, written with real clients (s-nail) and read in each IMAP inbox.
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct RoutingStackTests {
    let stack = MailStack.current!

    /// The breach notice reaches the CSM; her reply-all (s-nail: To support, Cc the team lead) stays internal:
    /// the customer receives nothing, the clock still runs and no first response is counted.
    @Test func csmReplyAllToABreachNoticeReachesNoCustomer() throws {
        let desk = try Desk(stack, target: "1h")
        try desk.sendCustomerMail(subject: "Mail server down", body: "Hello,\n\nnobody can send mail.\n\nCustomer One")
        try desk.route(count: 1)
        #expect(try desk.runOnce().status == 0)
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 3600))
        let breachRun = try desk.runOnce(extra: ["--now", later])
        #expect(breachRun.status == 0, "\(breachRun.log)")

        let csm = try StackIMAP(stack, user: "csm@example.test")
        let breach = try csm.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) HEADER X-Postdesk-Escalation breach")
        try #require(breach.count == 1, "the breach notice reached the CSM")
        try csm.create(desk.folder)
        defer { try? csm.delete(desk.folder) }
        try csm.move("INBOX", uids: breach, to: desk.folder)
        let secret = "Her renewal is up in January \(desk.token), she already complained."
        try desk.snailReply(as: "csm@example.test", fullName: "Clara CSM", box: desk.folder, text: secret)
        try desk.route(count: 1)
        let noteRun = try desk.runOnce(extra: ["--now", later])
        #expect(noteRun.status == 0, "\(noteRun.log)")
        #expect(noteRun.log.contains("internal note"), "\(noteRun.log)")

        let store = try desk.store()
        let ticket = try #require(try store.tickets().first?.state)
        #expect(ticket.firstResponseAt == nil, "a CSM's note is no first response")
        #expect(ticket.status == .open)
        #expect(try store.messages(ticketID: ticket.id).contains { $0.role == .incoming(.staffNote) })
        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        Thread.sleep(forTimeInterval: 1)
        #expect(try customer1.search("INBOX", "BODY \"renewal is up in January\"").isEmpty, "the customer got the note")
        #expect(try store.outbox().allSatisfy { !$0.recipients.contains("customer1@customer.test") ||
            $0.kind != .relay })
    }

    /// agent1 answers the notification with s-nail and attaches a PDF (`~@`): customer1's inbox receives the PDF byte
    /// for byte, with its name and media type.
    @Test func staffReplyWithAPDFReachesTheCustomerByteForByte() throws {
        let desk = try Desk(stack)
        try desk.sendCustomerMail(subject: "How do I set up the VPN",
            body: "Hello,\n\nhow do I set up the VPN?\n\nCustomer One")
        try desk.route(count: 1)
        #expect(try desk.runOnce().status == 0)
        let agent = try StackIMAP(stack, user: "agent1@example.test")
        let notes = try agent.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        try #require(notes.count == 1)
        try agent.create(desk.folder)
        defer { try? agent.delete(desk.folder) }
        try agent.move("INBOX", uids: notes, to: desk.folder)

        var pdf = Array("%PDF-1.4\n% Postdesk test guide\n".utf8)
        for i in 0..<40_000 { pdf.append(UInt8((i * 7919) % 256)) }
        let file = desk.dir.appendingPathComponent("vpn-guide.pdf")
        try Data(pdf).write(to: file)
        try desk.snailReply(as: "agent1@example.test", fullName: "Agent One", box: desk.folder,
                            text: "Hello,\n\nthe guide is attached (\(desk.token)).\n\nAgent One\n~@ \(file.path)")
        try desk.route(count: 1)
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")

        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let relays = try customer1.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) BODY \"the guide is attached\"")
        try #require(relays.count == 1, "the relay reached customer1")
        let relay = MessageParser.parse(Array(try customer1.fetch("INBOX", uid: relays[0]).utf8))
        let attachment = try #require(relay.attachments.first, "the relay carries the PDF")
        #expect(attachment.data == pdf, "byte for byte")
        #expect(attachment.filename == "vpn-guide.pdf")
        #expect(attachment.contentType == "application/pdf")
    }

    /// A customer Cc's a colleague of the same company: the colleague receives the acknowledgement (Cc) and the
    /// staff notification shows the Cc line.
    @Test func aCopiedColleagueReceivesTheAcknowledgement() throws {
        let desk = try Desk(stack)
        try desk.sendMail(from: "Customer One <customer1@customer.test>", cc: "Customer Two <customer2@customer.test>",
                          subject: "Scanner offline",
                          body: "Hello,\n\nthe scanner is offline. I have put my colleague on Cc.")
        try desk.route(count: 1)
        #expect(try desk.runOnce().status == 0)
        let customer2 = try StackIMAP(stack, user: "customer2@customer.test")
        let acks = try customer2.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        try #require(acks.count == 1, "the colleague received the acknowledgement")
        let ack = try customer2.fetch("INBOX", uid: acks[0])
        #expect(header("To", in: ack)?.contains("customer1@customer.test") == true)
        #expect(header("Cc", in: ack)?.contains("customer2@customer.test") == true)
        let agent = try StackIMAP(stack, user: "agent1@example.test")
        let notes = try agent.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        try #require(notes.count == 1)
        #expect(try agent.fetch("INBOX", uid: notes[0]).contains("Cc:        Customer Two <customer2@customer.test>"))
    }

    /// After a phone call agent1 writes `#open customer2@customer.test`: a ticket opens for customer2, who receives
    /// the acknowledgement.
    @Test func staffOpenATicketForACustomerByMail() throws {
        let desk = try Desk(stack)
        try desk.sendMail(from: "Agent One <agent1@example.test>", subject: "Phone call: printer jam",
                          body: "#open customer2@customer.test\nCustomer Two called: the printer on floor 3 jams.")
        try desk.route(count: 1)
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")
        let store = try desk.store()
        let ticket = try #require(try store.tickets().first?.state, "\(run.log)")
        #expect(ticket.requester.email == "customer2@customer.test")
        let customer2 = try StackIMAP(stack, user: "customer2@customer.test")
        let acks = try customer2.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        #expect(acks.count == 1, "customer2 received the acknowledgement")
    }
}

extension Desk {
    /// Any mail over plain SMTP to the stack's port-25 stand-in; the subject carries the token.
    func sendMail(from: String, cc: String? = nil, subject: String, body: String) throws {
        let id = "\(stackToken("it")).\(token)@mail.test"
        let address = AddressList.parse(from).first?.email ?? from
        var text = "From: \(from)\r\nTo: Example IT Support <support@example.test>\r\n"
        if let cc { text += "Cc: \(cc)\r\n" }
        text += "Subject: \(subject) \(token)\r\nDate: \(MessageWriter.rfc5322Date(Date()))\r\nMessage-ID: <\(id)>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + body + "\r\n"
        let sender = try SMTPSender(settings: SMTPSettings(
            url: "smtp://\(stack.host):\(stack.smtpPort)", tls: TLSMode.none,
                                                           heloName: "mail.test"), log: { _ in })
        try sender.send(Array(text.utf8), envelopeFrom: address, recipients: ["support@example.test"], messageID: id)
    }
}
