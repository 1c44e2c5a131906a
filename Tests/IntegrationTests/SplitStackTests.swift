import Foundation
import MIME
import StackTestSupport
import Testing
@testable import Store
@testable import Transport
@testable import Pipeline

/// Issue 14 on the real stack: `#split`, written with s-nail as a reply to the "reopened" notification, makes the
/// forwarded problem a ticket of its own, whose acknowledgement reaches the customer's IMAP inbox.
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct SplitStackTests {
    let stack = MailStack.current!

    /// Moves agent1's notifications matching `criteria` into a fresh folder and replies to the first with s-nail.
    func agentReplies(_ desk: Desk, to criteria: String, folder: String, text: String) throws {
        let agent = try StackIMAP(stack, user: "agent1@example.test")
        let notes = try agent.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) " + criteria)
        try #require(notes.count == 1)
        try agent.create(folder)
        try agent.move("INBOX", uids: notes, to: folder)
        try desk.snailReply(as: "agent1@example.test", fullName: "Agent One", box: folder, text: text)
        try desk.route(count: 1)
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")
        try? agent.delete(folder)
    }

    @Test func splitOnTheReopenedNotificationOpensANewTicketForTheCustomer() throws {
        let desk = try Desk(stack)
        _ = try desk.sendCustomerMail(subject: "Printer jam", body: "Hello,\n\nthe printer jams.\n\nCustomer One")
        try desk.route(count: 1)
        #expect(try desk.runOnce().status == 0)
        let store = try desk.store()
        let old = try #require(try store.tickets().first?.state)
        try agentReplies(desk, to: "SUBJECT \"New\"", folder: desk.folder + "-new", text: "#close\nFixed the tray.")
        #expect(try store.ticket(id: old.id)?.status == .resolved)

        _ = try desk.sendCustomerMail(subject: "Fwd: [\(old.reference)] Printer jam",
                                      body: "Everything is down now, nobody can work!\n\n"
                                        + "---------- Forwarded message ----------\nFixed the tray.")
        try desk.route(count: 1)
        #expect(try desk.runOnce().status == 0)
        #expect(try store.ticket(id: old.id)?.status == .open, "the forward reopened the old ticket")

        try agentReplies(desk, to: "SUBJECT \"Reopened\"", folder: desk.folder + "-reopened", text: "#split")
        let tickets = try store.tickets().map(\.state)
        try #require(tickets.count == 2)
        let fresh = tickets[1]
        #expect(fresh.priority.priority == .p1, "\(fresh.priority)")
        #expect(try store.ticket(id: old.id)?.status == .resolved, "the old ticket is back to resolved")

        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let acks = try customer1.waitFor("INBOX", "SUBJECT \(StackIMAP.q(fresh.reference.tag)) "
                                            + "SUBJECT \(StackIMAP.q(desk.token)) HEADER Auto-Submitted auto-replied")
        #expect(acks.count == 1, "the customer received the new ticket's acknowledgement")
        let ack = try customer1.fetch("INBOX", uid: acks[0])
        #expect(ack.contains(fresh.reference.description))
    }
}
