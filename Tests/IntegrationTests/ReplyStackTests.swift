import Foundation
import StackTestSupport
import Testing
@testable import Store
@testable import Worker

/// Replies written the way people write them reach the other side with their words (issue 13), with the real
/// binary, s-nail, Dovecot and Postfix.
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct ReplyStackTests {
    let stack = MailStack.current!

    /// customer1 answers the acknowledgement under the quoted text (s-nail with `quote`): the follow-up keeps
    /// the words below the quote, and the staff notification carries them.
    @Test func bottomPostedCustomerReplyKeepsItsWords() throws {
        let desk = try Desk(stack)
        try desk.sendCustomerMail(subject: "Scanner on floor 3", body: "Hello,\n\nthe scanner on floor 3 is offline.\n\nCustomer One")
        try desk.route(count: 1)
        #expect(try desk.runOnce().status == 0)
        let store = try desk.store()
        let ticket = try #require(try store.tickets().first?.state)

        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let acks = try customer1.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        try #require(acks.count == 1)
        try customer1.create(desk.folder)
        defer { try? customer1.delete(desk.folder) }
        try customer1.move("INBOX", uids: acks, to: desk.folder)
        let words = "It is the Canon by the stairs, and it says paper jam although the tray is empty."
        try desk.snailReply(as: "customer1@customer.test", fullName: "Customer One", box: desk.folder,
                            text: "\n\(words)\n\nCustomer One", options: ["quote", "indentprefix=> "])
        try desk.route(count: 1)
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")

        let incoming = try store.messages(ticketID: ticket.id).filter { $0.direction == "in" }
        try #require(incoming.count == 2, "threaded: \(run.log)")
        let newText = incoming[1].newText
        #expect(newText.contains(words), "new text: \(newText)")
        #expect(!newText.contains(ticket.reference.description), "the quoted acknowledgement is not new text: \(newText)")
        #expect(incoming[1].bodyText.contains("> "), "s-nail quoted the acknowledgement above the answer")
        let agent = try StackIMAP(stack, user: "agent1@example.test")
        let notes = try agent.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) BODY \"paper jam although the tray\"")
        #expect(notes.count == 1, "staff were told the customer's words")
    }

    /// agent1 answers with the attribution directly under the last line of the answer (s-nail `~Q` right after
    /// the text): the whole answer is relayed to the customer.
    @Test func staffAnswerDirectlyAboveTheAttributionIsRelayed() throws {
        let desk = try Desk(stack)
        try desk.sendCustomerMail(subject: "File server unreachable", body: "Hi,\n\nnobody reaches the file server.\n\nCustomer One")
        try desk.route(count: 1)
        #expect(try desk.runOnce().status == 0)
        let store = try desk.store()
        let ref = try #require(try store.tickets().first?.state.reference.description)

        let agent = try StackIMAP(stack, user: "agent1@example.test")
        let notes = try agent.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        try #require(notes.count == 1)
        try agent.create(desk.folder)
        defer { try? agent.delete(desk.folder) }
        try agent.move("INBOX", uids: notes, to: desk.folder)
        let last = "We have restarted the file server, it is reachable again."
        try desk.snailReply(as: "agent1@example.test", fullName: "Agent One", box: desk.folder,
                            text: "Hello Customer One,\n\n\(last)\n~Q", options: ["indentprefix=> "])
        try desk.route(count: 1)
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")
        #expect(run.log.contains("staff reply on \(ref)"), "\(run.log)")

        let ticketID = try #require(try store.tickets().first?.state.id)
        let staffMail = try #require(try store.messages(ticketID: ticketID).first { $0.from?.email == "agent1@example.test" })
        #expect(staffMail.bodyText.contains("\(last)\nExample IT Support <support@example.test> wrote:")
                || staffMail.bodyText.contains("\(last)\n"), "body: \(staffMail.bodyText)")
        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let relays = try customer1.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) BODY \"restarted the file server\"")
        #expect(relays.count == 1, "the answer reached the customer; log:\n\(run.log)")
    }
}
