import Foundation
@testable import Desk
import MIME
import Testing

/// Issue 14: `#split` makes a message that joined a ticket a ticket of its own; `#merge` folds one ticket into another.
@Suite struct SplitMergeTests {
    let decider = Decider(policy: TestDesk.policy())
    let monday10 = TestDesk.at(2026, 11, 16, 10)
    let tuesday10 = TestDesk.at(2026, 11, 17, 10)

    func oldTicket(id: Int64 = 7) -> TicketState {
        var t = TestDesk.open(TestDesk.mail(from: "Mette Holm <mette@nordlys.test>", subject: "Printer",
                                            body: "Printeren virker ikke.", id: "m1@nordlys.test"),
                              at: monday10, id: id)
        t.status = .resolved
        t.resolvedAt = monday10.addingTimeInterval(3600)
        t.clock = nil
        return t
    }

    /// The forward of an old mail carrying a new problem, as it joined and reopened the old ticket.
    var forward: ParsedMessage {
        TestDesk.mail(from: "Mette Holm <mette@nordlys.test>", subject: "Fwd: [PD-2026-000001] Printer",
                      body: "Alt er nede, ingen kan arbejde!\n\n---------- Forwarded message ----------\n"
                        + "Printeren virker ikke.", id: "fw1@nordlys.test")
    }

    func staff(_ body: String, id: String = "s1@example.test") -> ParsedMessage {
        TestDesk.mail(from: "Anna Agent <agent1@example.test>", subject: "Re: [PD-2026-000001] Printer", body: body,
                      id: id, inReplyTo: "pd.n1@example.test")
    }

    @Test func commandsParse() {
        let c = StaffCommands.parse("#split\n#merge pd-2026-000004\nrest")
        #expect(c.split)
        #expect(c.mergeInto == "PD-2026-000004")
        #expect(c.text == "rest")
        #expect(!c.isEmpty)
    }

    @Test func splitOpensANewTicketForTheMessageAndPutsTheOldOneBack() {
        var reopened = oldTicket()
        reopened.status = .open
        reopened.resolvedAt = nil
        reopened.clock = ReactionClock.start(at: tuesday10, priority: .p3, plan: TestDesk.standard)
        var context = TestDesk.context(staff("#split"), at: tuesday10.addingTimeInterval(1800), byHeader: reopened)
        context.nextReference = TicketReference(prefix: "PD", year: 2026, number: 2)
        context.splitSource = SplitSource(messageRow: 42, message: forward, receivedAt: tuesday10,
                                          statusBefore: .resolved, resolvedAtBefore: monday10.addingTimeInterval(3600),
                                          isLatest: true)
        let d = decider.decide(context)
        let split = try! #require(d.split)
        #expect(split.messageRow == 42)
        #expect(split.ticket.reference.description == "PD-2026-000002")
        #expect(split.ticket.requester.email == "mette@nordlys.test")
        #expect(split.ticket.priority.priority == .p1, "from the forwarded problem: \(split.ticket.priority)")
        #expect(split.ticket.clock?.startedAt == tuesday10, "the clock counts from when the customer wrote")
        #expect(split.ticket.linkedTicketID == 7)
        #expect(split.ticket.claimedReference == nil)
        let ack = try! #require(split.mails.first { $0.kind == .acknowledgement })
        #expect(ack.mail.to.map(\.email) == ["mette@nordlys.test"])
        #expect(ack.mail.subject.contains("[PD-2026-000002]"))
        #expect(ack.mail.body.contains("Hej"), "Danish, the customer's language: \(ack.mail.body)")
        #expect(ack.mail.inReplyTo == "fw1@nordlys.test")
        #expect(ack.mail.date == tuesday10.addingTimeInterval(1800), "sent now")
        let notice = try! #require(split.mails.first { $0.kind == .staffNotification }?.mail)
        #expect(notice.subject.hasPrefix("[PD-2026-000002] New P1, split from PD-2026-000001:"), "\(notice.subject)")
        let flat = notice.body.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("Split from PD-2026-000001 by Anna Agent"), "\(notice.body)")
        #expect(d.role == .staffNote)
        #expect(d.mails.isEmpty, "nothing goes to the customer of the old ticket")
        #expect(d.ticket?.status == .resolved)
        #expect(d.ticket?.resolvedAt == monday10.addingTimeInterval(3600))
        #expect(d.ticket?.clock == nil)
    }

    @Test func splitKeepsTheOldTicketWhenTheCustomerWroteAgainAfterwards() {
        var reopened = oldTicket()
        reopened.status = .open
        reopened.clock = ReactionClock.start(at: tuesday10, priority: .p3, plan: TestDesk.standard)
        var context = TestDesk.context(staff("#split"), at: tuesday10.addingTimeInterval(1800), byHeader: reopened)
        context.splitSource = SplitSource(messageRow: 42, message: forward, receivedAt: tuesday10,
                                          statusBefore: .resolved, isLatest: false)
        let d = decider.decide(context)
        #expect(d.split != nil)
        #expect(d.ticket?.status == .open)
        #expect(d.ticket?.clock != nil)
    }

    @Test func splitWithNothingToSplitTellsTheSender() {
        let d = decider.decide(TestDesk.context(staff("#split"), at: tuesday10, byHeader: oldTicket()))
        #expect(d.split == nil)
        #expect(d.mails.map(\.kind) == [.staffHelp])
        #expect(d.mails.first?.mail.body.contains("#split") == true)
    }

    @Test func mergeMovesPeopleAndKeepsTheEarlierDeadline() {
        var a = oldTicket(id: 7)
        a.status = .open
        a.clock = ReactionClock.start(at: monday10, priority: .p3, plan: TestDesk.standard)
        a.participants.append(Address(email: "it@nordlys.test"))
        var b = oldTicket(id: 9)
        b.reference = TicketReference(prefix: "PD", year: 2026, number: 9)
        b.status = .open
        b.clock = ReactionClock.start(at: tuesday10, priority: .p3, plan: TestDesk.standard)
        var context = TestDesk.context(staff("#merge PD-2026-000009"), at: tuesday10, byHeader: a)
        context.mergeTarget = b
        let d = decider.decide(context)
        let merge = try! #require(d.merge)
        #expect(merge.fromID == 7)
        #expect(merge.into.id == 9)
        #expect(merge.into.isParticipant(Address(email: "it@nordlys.test")))
        #expect(merge.into.clock?.dueAt == a.clock?.dueAt, "the earlier deadline stands")
        #expect(merge.into.clock?.warnAt == a.clock?.warnAt)
        #expect(d.ticket?.mergedInto == 9)
        #expect(d.ticket?.status == .resolved)
        #expect(d.ticket?.clock == nil)
        #expect(d.mails.isEmpty)
        #expect(d.role == .staffNote)
    }

    @Test func mergeIntoATicketWithoutAClockGivesItTheWaitingRequestsClock() {
        var a = oldTicket(id: 7)
        a.status = .open
        a.clock = ReactionClock.start(at: monday10, priority: .p3, plan: TestDesk.standard)
        var b = oldTicket(id: 9)
        b.status = .answered
        var context = TestDesk.context(staff("#merge PD-2026-000009"), at: tuesday10, byHeader: a)
        context.mergeTarget = b
        let into = try! #require(decider.decide(context).merge?.into)
        #expect(into.status == .open)
        #expect(into.clock == a.clock)
    }

    @Test func mergeIsRefusedIntoItselfUnknownOrMerged() {
        let a = oldTicket(id: 7)
        var merged = oldTicket(id: 9)
        merged.mergedInto = 3
        let cases: [(TicketState?, String)] = [(a, "into itself"), (nil, "no ticket has"), (merged, "itself merged")]
        for (target, why) in cases {
            var context = TestDesk.context(staff("#merge PD-2026-000009"), at: tuesday10, byHeader: a)
            context.mergeTarget = target
            let d = decider.decide(context)
            #expect(d.merge == nil)
            #expect(d.ticket == a, "the ticket is unchanged")
            #expect(d.mails.map(\.kind) == [.staffHelp])
            let body = (d.mails.first?.mail.body ?? "").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(body.contains(why), "\(body)")
        }
    }

    @Test func aFollowUpThatReopensRemembersTheStatusBefore() {
        let resolved = oldTicket()
        let d = decider.decide(TestDesk.context(forward, at: tuesday10, bySubject: resolved))
        #expect(d.ticket?.status == .open)
        #expect(d.statusBefore == StatusBefore(status: .resolved, resolvedAt: resolved.resolvedAt))
    }
}
