import Foundation
import MIME
import StackTestSupport
import Testing
@testable import Desk
@testable import Store

/// Postdesk as its users meet it: the mails are written in NeoMutt (driven in tmux), sent through the stack's
/// Postfix and read back from each person's Dovecot inbox; the real `postdesk` binary sits in between.
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)),
       .enabled(if: NeoMuttSession.missing == nil, Comment(rawValue: NeoMuttSession.missing ?? "")))
struct NeoMuttStackTests {
    let stack = MailStack.current!

    static let request = """
        Hej,

        Vores printer på 2. sal virker ikke for nogen i afdelingen. Den blinker orange, og når vi sender en
        udskrift, får vi en fejl om "offline". Vi har prøvet at slukke og tænde den, men det hjælper ikke.

        Hele økonomiafdelingen på 12 personer kan ikke printe fakturaer.

        Med venlig hilsen
        Mette Kunde
        Økonomichef
        """

    static let answer = """
        Hej Mette,

        Printeren har mistet sin netværksadresse efter strømudfaldet i nat. Vi har givet den en fast
        adresse igen, så den virker nu for hele afdelingen. Vejledningen til at genoprette køen på jeres
        pc'er er vedhæftet.

        Venlig hilsen
        Anna Agent
        """

    /// customer1 writes a new request in Danish; agent1 answers the staff notification under the quote (`r`),
    /// Cc's the team lead and attaches a PDF (`a`); customer1's inbox holds every word and the PDF byte for byte.
    @Test func danishRequestAndBottomPostedAnswerWithAPDF() throws {
        let desk = try Desk(stack) { json in
            var customers = json["customers"] as! [[String: Any]]
            customers[0]["language"] = nil   // detected: the request is Danish
            json["customers"] = customers
        }
        let subject = "Printer på 2. sal virker ikke \(desk.token)"
        let customer = try NeoMuttSession(stack, user: "customer1@customer.test", fullName: "Mette Kunde",
                                          dir: desk.dir)
        try customer.willWrite(Self.request + "\n", .replace)
        try customer.keys("m")
        try customer.waitFor("To:", what: "the To prompt")
        try customer.type("Example IT Support <support@example.test>")
        try customer.waitFor("Subject:", what: "the Subject prompt")
        try customer.type(subject)
        try customer.send()

        try desk.route(count: 1)
        let first = try desk.runOnce()
        #expect(first.status == 0, "\(first.log)")
        let store = try desk.store()
        let ticket = try #require(try store.tickets().first?.state, "\(first.log)")
        let reference = ticket.reference.description
        let request = try #require(try store.messages(ticketID: ticket.id).first)
        #expect(request.subject == subject)
        for line in Self.request.split(separator: "\n") {
            #expect(request.bodyText.contains(line), "the request lost \"\(line)\": \(request.bodyText)")
        }

        let agentBox = try desk.handOver(stack, to: "agent1@example.test")
        defer { try? agentBox.delete(desk.folder) }
        let pdf = Self.pdf()
        let file = desk.dir.appendingPathComponent("vejledning-printerkø.pdf")
        try Data(pdf).write(to: file)
        let agent = try NeoMuttSession(stack, user: "agent1@example.test", fullName: "Anna Agent", dir: desk.dir,
                                       folder: desk.folder)
        try agent.keys("Enter")
        try agent.waitFor("New ticket \(reference)", what: "the staff notification")
        try agent.willWrite(Self.answer + "\n", .below)
        try agent.keys("r")
        try agent.waitFor("y:Send", what: "the compose screen")
        try agent.keys("c")
        try agent.waitFor("Cc:", what: "the Cc prompt")
        try agent.type("Lena Lead <lead@example.test>")
        try agent.keys("a")
        try agent.waitFor("Attach file", what: "the attach prompt")
        try agent.type(file.path)
        try agent.waitFor("/pdf, base64", what: "the PDF in the attachment list")
        try agent.send()

        try desk.route(count: 1)
        let second = try desk.runOnce()
        #expect(second.status == 0, "\(second.log)")
        #expect(second.log.contains("staff reply on \(reference): relayed"), "\(second.log)")

        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let relays = try customer1.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\" "
                                           + "BODY \"Vejledningen til at genoprette\"")
        try #require(relays.count == 1, "the answer reached customer1; log:\n\(second.log)")
        let relay = MessageParser.parse(Array(try customer1.fetch("INBOX", uid: relays[0]).utf8))
        #expect(relay.subject == "[\(reference)] \(subject)")
        for line in Self.answer.split(separator: "\n") {
            #expect(relay.bodyText.contains(line), "the relay lost \"\(line)\": \(relay.bodyText)")
        }
        #expect(!relay.bodyText.contains("New ticket"), "the quoted notification stays behind: \(relay.bodyText)")
        #expect(!relay.bodyText.contains("> "), "no quote reaches the customer: \(relay.bodyText)")
        #expect(relay.cc.isEmpty && relay.to.map(\.email) == ["customer1@customer.test"],
                "staff in Cc stay out of the customer's mail: to \(relay.to) cc \(relay.cc)")
        #expect(relay.inReplyTo == [request.messageID].compactMap { $0 }, "threaded under the customer's request")
        let attachment = try #require(relay.attachments.first, "the relay carries the PDF")
        #expect(attachment.data == pdf, "byte for byte")
        #expect(attachment.filename == file.lastPathComponent)
        #expect(attachment.contentType == "application/pdf")

        let lead = try StackIMAP(stack, user: "lead@example.test")
        #expect(try lead.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"agent1@example.test\"").count == 1,
                "the colleague in Cc has the agent's own mail")
    }

    /// agent1 writes the answer above the quote with NeoMutt's attribution directly under its last line; customer1
    /// answers the relay with reply-all (`g`): the whole answer reached her, and her reply is a follow-up on the
    /// ticket that the owner is told about.
    @Test func answerAboveTheAttributionAndTheCustomersReplyAll() throws {
        let desk = try Desk(stack)
        let (store, ticket) = try desk.openTicket(subject: "Scanner on floor 3",
                                                  body: "Hello,\n\nthe scanner is offline.")
        let reference = ticket.reference.description
        let agentBox = try desk.handOver(stack, to: "agent1@example.test")
        defer { try? agentBox.delete(desk.folder) }
        let agent = try NeoMuttSession(stack, user: "agent1@example.test", fullName: "Anna Agent", dir: desk.dir,
                                       folder: desk.folder)
        let last = "The scanner had lost its network address; it is back and scans to the shared folder again."
        let second = try desk.answer(in: agent, key: "r", "Hello,\n\n\(last)\n", .above)
        #expect(second.status == 0, "\(second.log)")
        let staffMail = try #require(try store.messages(ticketID: ticket.id)
            .first { $0.from?.email == "agent1@example.test" }, "\(second.log)")
        #expect(staffMail.bodyText.contains("\(last)\nOn "), "the attribution is right under: \(staffMail.bodyText)")

        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let relays = try customer1.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) BODY \"lost its network\"")
        try #require(relays.count == 1, "the answer reached customer1; log:\n\(second.log)")
        let relay = MessageParser.parse(Array(try customer1.fetch("INBOX", uid: relays[0]).utf8))
        #expect(relay.bodyText.contains(last), "\(relay.bodyText)")
        #expect(!relay.bodyText.contains("wrote:"), "no attribution reaches the customer: \(relay.bodyText)")
        try customer1.create(desk.folder)
        defer { try? customer1.delete(desk.folder) }
        try customer1.move("INBOX", uids: relays, to: desk.folder)
        let customer = try NeoMuttSession(stack, user: "customer1@customer.test", fullName: "Customer One",
                                          dir: desk.dir, folder: desk.folder)
        let third = try desk.answer(in: customer, key: "g",
                                    "\nThank you, it scans again. Could you also look at the copier next to it?\n",
                                    .below)
        #expect(third.status == 0, "\(third.log)")
        #expect(third.log.contains("event=mail.follow_up") && third.log.contains("ref=\(reference)"), "\(third.log)")
        let agentIMAP = try StackIMAP(stack, user: "agent1@example.test")
        let told = try agentIMAP.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) BODY \"look at the copier\"")
        #expect(told.count == 1, "the owner was told the customer's words")
    }

    /// The CSM answers the breach notice with reply-all in NeoMutt: an internal note, nothing reaches the customer.
    @Test func csmReplyAllToTheBreachStaysInternal() throws {
        let desk = try Desk(stack, target: "1h")
        let (store, ticket) = try desk.openTicket(subject: "Mail server down", body: "Hello,\n\nnobody can send mail.")
        let later = ISO8601DateFormatter().string(from: Date().addingTimeInterval(2 * 3600))
        let breachRun = try desk.runOnce(extra: ["--now", later])
        #expect(breachRun.status == 0, "\(breachRun.log)")
        let csmIMAP = try StackIMAP(stack, user: "csm@example.test")
        let breach = try csmIMAP.waitFor("INBOX",
                                         "SUBJECT \(StackIMAP.q(desk.token)) HEADER X-Postdesk-Escalation breach")
        try #require(breach.count == 1, "the breach notice reached the CSM")
        try csmIMAP.create(desk.folder)
        defer { try? csmIMAP.delete(desk.folder) }
        try csmIMAP.move("INBOX", uids: breach, to: desk.folder)
        let csm = try NeoMuttSession(stack, user: "csm@example.test", fullName: "Clara CSM", dir: desk.dir,
                                     folder: desk.folder)
        let noteRun = try desk.answer(in: csm, key: "g", "Her renewal is due in January; please call her today.\n\n"
                                      + "Clara\n\n", .above, extra: ["--now", later])
        #expect(noteRun.status == 0, "\(noteRun.log)")
        #expect(try store.messages(ticketID: ticket.id).contains { $0.role == .incoming(.staffNote) },
                "\(noteRun.log)")
        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        Thread.sleep(forTimeInterval: 1)
        #expect(try customer1.search("INBOX", "BODY \"renewal is due in January\"").isEmpty,
                "the customer got the note")
        #expect(try customer1.search("INBOX", "SUBJECT \(StackIMAP.q(desk.token))").count == 1,
                "only the acknowledgement")
    }

    /// A PDF-looking file with every byte value in it.
    static func pdf() -> [UInt8] {
        var pdf = Array("%PDF-1.4\n% Postdesk vejledning\n".utf8)
        for i in 0..<30_000 { pdf.append(UInt8((i * 7919) % 256)) }
        return pdf + Array("\n%%EOF\n".utf8)
    }
}

extension Desk {
    /// `session` answers the mail on its screen with `key` (`r`, `g`), its editor putting `text` at `placement`; the
    /// mail is routed to this desk and `run --once` takes it (`extra`: e.g. `--now`).
    func answer(in session: NeoMuttSession, key: String, _ text: String, _ placement: NeoMuttSession.Placement,
                extra: [String] = []) throws -> (status: Int32, log: String) {
        try session.willWrite(text, placement)
        try session.keys(key)
        try session.send()
        try route(count: 1)
        return try runOnce(extra: extra)
    }
}
