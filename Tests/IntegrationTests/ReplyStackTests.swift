import Foundation
import StackTestSupport
import Testing
@testable import Desk
@testable import Store
@testable import CLI
@testable import Configuration
@testable import Pipeline

/// Replies written the way people write them reach the other side with their words (issue 13), with the real
/// binary, s-nail, Dovecot and Postfix.
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct ReplyStackTests {
    let stack = MailStack.current!

    /// customer1 answers the acknowledgement under the quoted text (s-nail with `quote`): the follow-up keeps
    /// the words below the quote, and the staff notification carries them.
    @Test func bottomPostedCustomerReplyKeepsItsWords() throws {
        let desk = try Desk(stack)
        let (store, ticket) = try desk.openTicket(subject: "Scanner on floor 3",
                                                  body: "Hello,\n\nthe scanner is offline.")
        let box = try desk.handOver(stack, to: "customer1@customer.test")
        defer { try? box.delete(desk.folder) }
        let words = "It is the Canon by the stairs, and it says paper jam although the tray is empty."
        try desk.snailReply(as: "customer1@customer.test", fullName: "Customer One", box: desk.folder,
                            text: "\n\(words)\n\nCustomer One", options: ["quote", "indentprefix=> "])
        try desk.route(count: 1)
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")

        let incoming = try store.messages(ticketID: ticket.id).filter { $0.direction == .incoming }
        try #require(incoming.count == 2, "threaded: \(run.log)")
        let newText = incoming[1].newText
        #expect(newText.contains(words), "new text: \(newText)")
        #expect(!newText.contains(ticket.reference.description), "the quoted acknowledgement is not new: \(newText)")
        #expect(incoming[1].bodyText.contains("> "), "s-nail quoted the acknowledgement above the answer")
        let agent = try StackIMAP(stack, user: "agent1@example.test")
        let notes = try agent.waitFor("INBOX",
                                      "SUBJECT \(StackIMAP.q(desk.token)) BODY \"paper jam although the tray\"")
        #expect(notes.count == 1, "staff were told the customer's words")
    }

    /// agent1 answers with the attribution directly under the last line of the answer (s-nail `~Q` right after
    /// the text): the whole answer is relayed to the customer.
    @Test func staffAnswerDirectlyAboveTheAttributionIsRelayed() throws {
        let desk = try Desk(stack)
        let (store, ticket) = try desk.openTicket(subject: "File server unreachable",
                                                  body: "Hi,\n\nthe file server is gone.")
        let box = try desk.handOver(stack, to: "agent1@example.test")
        defer { try? box.delete(desk.folder) }
        let last = "We have restarted the file server, it is reachable again."
        try desk.snailReply(as: "agent1@example.test", fullName: "Agent One", box: desk.folder,
                            text: "Hello Customer One,\n\n\(last)\n~Q", options: ["indentprefix=> "])
        try desk.route(count: 1)
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")
        #expect(run.log.contains("staff reply on \(ticket.reference.description)"), "\(run.log)")

        let staffMail = try #require(try store.messages(ticketID: ticket.id)
            .first { $0.from?.email == "agent1@example.test" })
        #expect(staffMail.bodyText.contains("\(last)\n\"Example IT Support\" <support@example.test> wrote:"),
                "the attribution is directly under the answer: \(staffMail.bodyText)")
        #expect(staffMail.newText.contains(last), "new text: \(staffMail.newText)")
        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let relays = try customer1.waitFor("INBOX",
                                           "SUBJECT \(StackIMAP.q(desk.token)) BODY \"restarted the file server\"")
        #expect(relays.count == 1, "the answer reached the customer; log:\n\(run.log)")
    }
}

extension Desk {
    /// A customer1 mail through `run --once`: the store and the ticket it opened.
    func openTicket(subject: String, body: String) throws -> (PostdeskStore, TicketState) {
        try sendCustomerMail(subject: subject, body: body + "\n\nCustomer One")
        try route(count: 1)
        let run = try runOnce()
        guard run.status == 0 else { throw ITError.failed("run --once: \(run.log)") }
        let store = try store()
        guard let ticket = try store.tickets().first?.state else { throw ITError.failed("no ticket: \(run.log)") }
        return (store, ticket)
    }

    /// The mail support sent `user` about this desk's ticket, moved into a folder of its own so that s-nail's
    /// `reply 1` answers it; the caller deletes the folder.
    func handOver(_ stack: MailStack, to user: String) throws -> StackIMAP {
        let imap = try StackIMAP(stack, user: user)
        let uids = try imap.waitFor("INBOX", "SUBJECT \(StackIMAP.q(token)) FROM \"support@example.test\"")
        guard uids.count == 1 else { throw ITError.failed("\(uids.count) mails from support reached \(user)") }
        try imap.create(folder)
        try imap.move("INBOX", uids: uids, to: folder)
        return imap
    }
}
