import Foundation
import Testing
@testable import Desk
import MIME

/// Issue 17: who has a ticket (first answer, #take, #assign, #away), and notices gathered into one digest.
struct OwnershipTests {
    let decider = Decider(policy: TestDesk.policy())
    let monday10 = TestDesk.at(2026, 11, 16, 10)

    func owned(by owner: String?) -> TicketState {
        let first = TestDesk.mail(from: "Mette <mette@nordlys.test>", subject: "Printer problem",
                                  body: "Printer in the office does not work.", id: "m1@nordlys.test")
        var t = TestDesk.open(first, at: monday10)
        t.owner = owner
        t.status = .answered
        return t
    }

    func followUp() -> ParsedMessage {
        TestDesk.mail(from: "Mette <mette@nordlys.test>", subject: "Re: [PD-2026-000001] Printer problem",
                      body: "It stopped again.", id: "m2@nordlys.test", inReplyTo: "m1@nordlys.test")
    }

    @Test func commandsForOwnershipAndPresence() {
        let c = StaffCommands.parse("#take\n#assign Agent Two <agent2@example.test>\n#away\n\nText")
        #expect(c.take && c.away && !c.back)
        #expect(c.assign?.email == "agent2@example.test")
        #expect(c.text == "Text")
        #expect(StaffCommands.parse("#back").back)
        #expect(!StaffCommands.parse("#back").isEmpty)
    }

    @Test func aFollowUpGoesToTheOwnerAndToTheNotifyListWhileTheOwnerIsAway() {
        let ticket = owned(by: "agent1@example.test")
        let later = monday10.addingTimeInterval(600)
        let present = decider.decide(TestDesk.context(followUp(), at: later, byHeader: ticket))
        #expect(present.mails.map(\.kind) == [.staffNotification])
        #expect(present.mails.first?.mail.to.map(\.email) == ["agent1@example.test"])

        var context = TestDesk.context(followUp(), at: later, byHeader: ticket)
        context.awayStaff = ["agent1@example.test"]
        let away = decider.decide(context)
        #expect(away.mails.first?.mail.to.map(\.email) == ["agents@example.test"])

        var policy = TestDesk.policy()
        policy.awayStaff = ["agent1@example.test"]
        let byConfig = Decider(policy: policy).decide(TestDesk.context(followUp(), at: monday10, byHeader: ticket))
        #expect(byConfig.mails.first?.mail.to.map(\.email) == ["agents@example.test"])

        let nobody = decider.decide(TestDesk.context(followUp(), at: monday10, byHeader: owned(by: nil)))
        #expect(nobody.mails.first?.mail.to.map(\.email) == ["agents@example.test"])
    }

    @Test func takeAndAssignMoveTheTicketOnlyToStaff() {
        var policy = TestDesk.policy()
        policy.staffAddresses.append("agent2@example.test")
        let d = Decider(policy: policy)
        let ticket = owned(by: "agent1@example.test")
        let take = TestDesk.mail(from: "agent2@example.test", subject: "Re: [PD-2026-000001] Printer problem",
                                 body: "#take", id: "s1@example.test")
        let taken = d.decide(TestDesk.context(take, at: monday10, bySubject: ticket))
        #expect(taken.ticket?.owner == "agent2@example.test")
        #expect(taken.mails.isEmpty, "a bare #take writes to nobody")
        let assign = TestDesk.mail(from: "agent2@example.test", subject: "Re: [PD-2026-000001] Printer problem",
                                   body: "#assign agent1@example.test", id: "s2@example.test")
        let assigned = d.decide(TestDesk.context(assign, at: monday10, bySubject: ticket))
        #expect(assigned.ticket?.owner == "agent1@example.test")
        let outsider = TestDesk.mail(from: "agent2@example.test", subject: "Re: [PD-2026-000001] Printer problem",
                                     body: "#assign mette@nordlys.test", id: "s3@example.test")
        let refused = d.decide(TestDesk.context(outsider, at: monday10, bySubject: ticket))
        #expect(refused.ticket?.owner == "agent1@example.test")
        #expect(refused.summary.contains("not assigned"))
    }

    @Test func awayWithoutATicketChangesPresenceAndAnswersNobody() {
        let away = TestDesk.mail(from: "agent1@example.test", subject: "Holiday", body: "#away", id: "w1@example.test")
        let d = decider.decide(TestDesk.context(away, at: monday10))
        #expect(d.presence == PresenceChange(email: "agent1@example.test", away: true))
        #expect(d.mails.isEmpty)
    }

    @Test func theAnsweredNoteNamesWhoHasTheTicketAndCanBeSwitchedOff() {
        let ticket = TestDesk.open(TestDesk.mail(from: "Mette <mette@nordlys.test>", subject: "Printer problem",
                                                 body: "Broken.", id: "m1@nordlys.test"), at: monday10)
        let reply = TestDesk.mail(from: "Anna Jensen <agent1@example.test>",
                                  subject: "Re: [PD-2026-000001] Printer problem", body: "Restart it, please.",
                                  id: "a1@example.test")
        let d = decider.decide(TestDesk.context(reply, at: monday10, bySubject: ticket))
        let note = d.mails.first { $0.kind == .answeredNote }?.mail
        #expect(note?.subject == "[PD-2026-000001] Answered by Anna Jensen: Printer problem")
        #expect(note?.to.map(\.email) == ["agents@example.test"])
        var second = d.ticket!
        second.status = .open
        let again = decider.decide(TestDesk.context(reply, at: monday10, bySubject: second))
        #expect(!again.mails.contains { $0.kind == .answeredNote }, "one note per ticket")
        var policy = TestDesk.policy()
        policy.answeredNotes = .off
        #expect(!Decider(policy: policy).decide(TestDesk.context(reply, at: monday10, bySubject: ticket)).mails
            .contains { $0.kind == .answeredNote })
    }

    @Test func severalNoticesToOnePersonBecomeOneDigestThreadedToEachTicket() {
        let policy = TestDesk.policy()
        func notice(_ n: Int) -> QueuedMail {
            QueuedMail(.escalationWarning, OutgoingMail(
                from: policy.supportAddress, to: [TestDesk.lead, TestDesk.csm],
                subject: "[PD-2026-00000\(n)] Warning: due soon", messageID: "w\(n)@example.test",
                inReplyTo: "last\(n)@customer.test", references: ["root\(n)@customer.test"], date: monday10,
                extraHeaders: [.init("X-Postdesk-Ticket", "PD-2026-00000\(n)")], body: "Ticket \(n) body"))
        }
        let one = NoticeDigest.mail([notice(1)], to: TestDesk.lead, policy: policy, now: monday10,
                                    messageID: "x@example.test")
        #expect(one?.kind == .escalationWarning)
        #expect(one?.mail.to == [TestDesk.lead])
        #expect(one?.mail.messageID == "x@example.test")
        let digest = NoticeDigest.mail([notice(1), notice(2)], to: TestDesk.lead, policy: policy, now: monday10,
                                       messageID: "d@example.test")
        #expect(digest?.kind == .noticeDigest)
        #expect(digest?.mail.subject == "2 notices: PD-2026-000001, PD-2026-000002")
        #expect(digest?.mail.references == ["root1@customer.test", "last1@customer.test", "root2@customer.test",
                                            "last2@customer.test"])
        #expect(digest?.mail.body.contains("── [PD-2026-000001] Warning: due soon\n\nTicket 1 body") == true)
        #expect(digest?.mail.body.contains("Ticket 2 body") == true)
    }
}
