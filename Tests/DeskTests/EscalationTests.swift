import Foundation
import Testing
@testable import Desk
import MIME

@Suite struct EscalationTests {
    let policy = TestDesk.policy()
    let start = TestDesk.at(2026, 11, 16, 10)   // Monday, inside both plans' hours

    func extendedTicket(_ priority: Priority) -> TestTicket {
        var t = TicketState(id: 3, reference: TicketReference(prefix: "PD", year: 2026, number: 3), status: .open,
                            priority: PriorityDecision(priority, reason: "test"), customerID: "bergmann",
                            plan: "extended",
                            requester: Address(email: "admin@bergmann.test"),
                            participants: [Address(email: "admin@bergmann.test")],
                            subject: "Server down", language: "de", createdAt: start)
        t.clock = ReactionClock.start(at: start, priority: priority, plan: TestDesk.extended)
        return TestTicket(state: t)
    }

    struct TestTicket { var state: TicketState }

    @Test func warningAtSeventyFivePercentToCSMThenBreachToCSMAndLead() throws {
        var t = extendedTicket(.p1).state
        let ids = { "pd.e@example.test" }
        // P1 = 120 min: warning at 90 min, breach at 120 min.
        #expect(Escalations.due(t, policy: policy, now: start.addingTimeInterval(89 * 60), makeMessageID: ids) == nil)
        let warning = try #require(Escalations.due(t, policy: policy, now: start.addingTimeInterval(90 * 60),
            makeMessageID: ids))
        #expect(warning.mail?.kind == .escalationWarning)
        #expect(warning.mail?.mail.to.map(\.email) == ["csm@example.test"])
        #expect(warning.mail?.mail.body.contains("Reaction due in 30 min") == true)
        #expect(warning.mail?.mail.body.contains("Bergmann GmbH") == true)
        #expect(warning.mail?.mail.autoSubmitted == "auto-generated")
        t = warning.ticket
        #expect(Escalations.due(t, policy: policy, now: start.addingTimeInterval(100 * 60), makeMessageID: ids) == nil)
        let breach = try #require(Escalations.due(t, policy: policy, now: start.addingTimeInterval(121 * 60),
            makeMessageID: ids))
        #expect(breach.mail?.kind == .escalationBreach)
        #expect(breach.mail?.mail.to.map(\.email) == ["csm@example.test", "lead@example.test"])
        #expect(breach.mail?.mail.body.contains("overdue by 1 min") == true)
        t = breach.ticket
        #expect(Escalations.due(t, policy: policy, now: start.addingTimeInterval(300 * 60), makeMessageID: ids) == nil)
    }

    /// Time left is rounded up: 2 min 59 s reads "3 min"; overdue time is rounded down.
    @Test func timeLeftRoundsUp() {
        let t = extendedTicket(.p1).state
        let due = t.clock!.dueAt
        func headline(_ kind: EscalationKind, _ now: Date) -> String {
            Templates.escalation(EscalationFacts(kind, ticket: t, customer: nil, plan: TestDesk.extended, now: now))
                .body
        }
        #expect(headline(.warning, due.addingTimeInterval(-179)).hasPrefix("Reaction due in 3 min of business time,"))
        #expect(headline(.warning, due.addingTimeInterval(-180)).hasPrefix("Reaction due in 3 min of business time,"))
        #expect(headline(.warning, due.addingTimeInterval(-181)).hasPrefix("Reaction due in 4 min of business time,"))
        #expect(headline(.warning, due.addingTimeInterval(-3600)).hasPrefix("Reaction due in 1 h of business time, by"))
        #expect(headline(.breach, due.addingTimeInterval(119)).hasPrefix("Reaction target missed, overdue by 1 min"))
        #expect(headline(.breach, due.addingTimeInterval(59)).hasPrefix("Reaction target missed (it was"))
        #expect(headline(.breach, due.addingTimeInterval(121)).hasPrefix("Reaction target missed, overdue by 2 min"))
    }

    /// What the store knows shows in the notice; what it does not know is left out rather than guessed.
    @Test func historyFactsAppearOnlyWhenKnown() {
        let t = extendedTicket(.p1).state
        let bare = Templates.escalation(EscalationFacts(.warning, ticket: t, customer: nil, plan: TestDesk.extended,
                                                        now: t.clock!.warnAt)).body
        #expect(!bare.contains("Acknowledged:") && !bare.contains("Phone:") && !bare.contains("The request:"))
        #expect(bare.contains("Came in:      Monday 16 November 2026 at 10:00 CET"))
        #expect(!bare.contains("Clock from:"))
        var reopened = t
        reopened.clock = ReactionClock.start(at: start.addingTimeInterval(86_400), priority: .p1,
                                             plan: TestDesk.extended)
        let history = TicketHistory(requestText: "Alles steht.\n\nGruß\nOliver\nTel. 040 1234567", requestedAt: start,
                                    acknowledgement: .withheld("hourly cap reached"))
        let full = Templates.escalation(EscalationFacts(.breach, ticket: reopened, customer: nil,
                                                        plan: TestDesk.extended,
                                                        now: reopened.clock!.dueAt, history: history)).body
        #expect(full.contains("Came in:      Monday 16 November 2026 at 10:00 CET"))
        #expect(full.contains("Clock from:   Tuesday 17 November 2026 at 10:00 CET"))
        #expect(full.contains("Acknowledged: no — hourly cap reached"))
        #expect(full.contains("Phone:        040 1234567"))
        #expect(full.contains("Requester:    Oliver <admin@bergmann.test> (name from the signature)"))
        #expect(full.contains("----\nAlles steht.\n----"))
        #expect(full.contains("  nothing: no reply and no note"))
        #expect(full.contains("Start it with #reply to answer the customer."))
    }

    @Test func standardPlanWarnsTeamLead() throws {
        var t = extendedTicket(.p3).state
        t.customerID = "nordlys"
        t.plan = "standard"
        t.clock = ReactionClock.start(at: start, priority: .p3, plan: TestDesk.standard)
        let warn = try #require(Escalations.due(t, policy: policy, now: t.clock!.warnAt, makeMessageID: { "x@y" }))
        #expect(warn.mail?.mail.to.map(\.email) == ["lead@example.test"])
    }

    @Test func noEscalationWithoutClockOrAfterAnswer() {
        var t = extendedTicket(.p1).state
        t.clock = nil
        #expect(Escalations.due(t, policy: policy, now: start.addingTimeInterval(86_400),
            makeMessageID: { "x@y" }) == nil)
        var answered = extendedTicket(.p1).state
        answered.status = .answered
        #expect(Escalations.due(answered, policy: policy, now: start.addingTimeInterval(86_400),
            makeMessageID: { "x@y" }) == nil)
    }

    @Test func bestEffortHasNoClock() {
        #expect(ReactionClock.start(at: start, priority: .p5, plan: TestDesk.extended) == nil)
        #expect(ReactionClock.start(at: start, priority: .p5, plan: TestDesk.standard) != nil)
    }
}

@Suite struct EscalationReplyTests {
    @Test func csmAnsweringAnEscalationStaysInternal() {
        let policy = TestDesk.policy()
        #expect(policy.role(of: TestDesk.csm) == .staff)
        #expect(policy.role(of: TestDesk.lead) == .staff)
        let ticket = TestDesk.open(TestDesk.mail(from: "mette@nordlys.test", subject: "Printer", body: "Broken for me",
            id: "m1@nordlys.test"),
                                   at: TestDesk.at(2026, 11, 16, 10))
        let reply = TestDesk.mail(from: "Clara CSM <csm@example.test>", subject: "Re: [PD-2026-000001] Warning",
            body: "Calling the customer now.",
                                  id: "csm1@example.test", inReplyTo: "pd.escalation@example.test")
        let d = Decider(policy: policy).decide(TestDesk.context(
            reply, at: TestDesk.at(2026, 11, 16, 11), byHeader: ticket,
                                                                answers: .escalationWarning))
        #expect(d.role == .staffNote)
        #expect(d.mails.isEmpty)
        #expect(d.ticket?.clock == ticket.clock)
        #expect(d.ticket?.firstResponseAt == nil)
    }
}
