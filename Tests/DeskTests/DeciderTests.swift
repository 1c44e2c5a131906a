import Foundation
import Testing
@testable import Desk
import MIME

@Suite struct DeciderTests {
    let decider = Decider(policy: TestDesk.policy())
    let monday10 = TestDesk.at(2026, 11, 16, 10)

    func adminMail(_ body: String = "Printer in the office does not work for me.") -> ParsedMessage {
        TestDesk.mail(from: "Mette <mette@nordlys.test>", subject: "Printer problem", body: body, id: "m1@nordlys.test")
    }

    /// The staff notice shows the first 4,000 characters of a long mail and says how much more the ticket holds.
    @Test(arguments: [(3990, false), (4000, false), (4001, true), (9000, true)])
    func staffNoticeShowsTheStartOfALongMail(_ length: Int, _ cut: Bool) throws {
        // Two-byte letters, so a cut by bytes instead of characters would show.
        let text = String((0..<length).map { i in i % 50 == 49 ? "\n" : "æ" })
        let d = decider.decide(TestDesk.context(adminMail(text), at: monday10))
        let notice = try #require(d.mails.first { $0.kind == .staffNotification }?.mail.body)
        let shown = try #require(notice.components(separatedBy: "----\n").dropFirst().first)
        #expect(shown.contains("KB more: postdesk show PD-2026-000001") == cut)
        #expect(shown.hasPrefix(String(text.prefix(4000))))
        #expect(!shown.hasPrefix(String(text.prefix(4001))) || !cut)
    }

    /// The cut counts scalars and lands on a character boundary, also inside a run of combining marks.
    @Test func noticeCutCountsScalarsAndKeepsCharactersWhole() throws {
        let marks = String(repeating: "e\u{301}", count: 3000)   // 2 scalars per character
        #expect(Templates.scalarPrefixEnd(marks, 4000).map { marks[..<$0].count } == 2000)
        let odd = "a" + marks   // 4,000 scalars end inside a character: the cut moves back before it
        #expect(Templates.scalarPrefixEnd(odd, 4000).map { odd[..<$0].count } == 2000)
        #expect(Templates.scalarPrefixEnd(String(repeating: "æ", count: 4000), 4000) == nil)
        let long = String(repeating: "x", count: 4001)
        #expect(Templates.scalarPrefixEnd(long, 4000).map { long[..<$0].count } == 4000)
    }

    @Test func administratorOpensTicketWithAcknowledgementAndStaffNotice() throws {
        let d = decider.decide(TestDesk.context(adminMail(), at: monday10))
        guard case .newTicket(let t) = d.outcome else { Issue.record("no ticket: \(d.outcome)"); return }
        #expect(t.reference.description == "PD-2026-000001")
        #expect(t.customerID == "nordlys")
        #expect(t.status == .open)
        #expect(t.clock?.dueAt == TestDesk.standard.deadline(for: t.priority.priority, from: monday10))
        #expect(d.mails.map(\.kind) == [.acknowledgement, .staffNotification])
        let ack = d.mails[0].mail
        #expect(ack.to == [Address(name: "Mette", email: "mette@nordlys.test")])
        #expect(ack.subject == "[PD-2026-000001] Printer problem")
        #expect(ack.inReplyTo == "m1@nordlys.test")
        #expect(ack.references == ["m1@nordlys.test"])
        #expect(ack.autoSubmitted == "auto-replied")
        #expect(ack.body.contains("PD-2026-000001"))
        #expect(ack.body.replacingOccurrences(of: "\n", with: " ").contains("med prioritet P3"))   // Danish customer
        #expect(ack.body.contains("https://kb.example.test"))
        let notice = d.mails[1].mail
        #expect(notice.replyTo?.email == "support@example.test")
        #expect(notice.to.map(\.email) == ["agents@example.test"])
    }

    @Test func nonAdministratorIsRefusedPolitelyInTheirLanguage() {
        let m = TestDesk.mail(from: "lars@nordlys.test", subject: "Skærm", body: "Min skærm flimrer",
            id: "l1@nordlys.test")
        let d = decider.decide(TestDesk.context(m, at: monday10))
        #expect(d.outcome == .rejected("not an administrator of Nordlys ApS"))
        #expect(d.role == .rejected)
        #expect(d.mails.map(\.kind) == [.refusal])
        #expect(d.mails[0].mail.body.contains("administratorer"))
    }

    @Test func unknownSenderPolicies() {
        let m = TestDesk.mail(from: "x@elsewhere.test", subject: "Hello", body: "Hi there", id: "x1@elsewhere.test")
        let reply = decider.decide(TestDesk.context(m, at: monday10))
        #expect(reply.role == .rejected)
        #expect(reply.mails.map(\.kind) == [.refusal])
        let quarantine = Decider(policy: TestDesk.policy(unknown: .quarantine)).decide(
            TestDesk.context(m, at: monday10))
        #expect(quarantine.outcome == .quarantined("unknown sender x@elsewhere.test"))
        let open = Decider(policy: TestDesk.policy(unknown: .open)).decide(TestDesk.context(m, at: monday10))
        guard case .newTicket(let t) = open.outcome else { Issue.record("expected ticket"); return }
        #expect(t.customerID == nil)
        #expect(t.plan == "standard")
    }

    @Test func headerThreadingJoinsTicket() {
        let ticket = TestDesk.open(adminMail(), at: monday10)
        let followUp = TestDesk.mail(from: "mette@nordlys.test", subject: "Re: whatever", body: "More info",
            id: "m2@nordlys.test", inReplyTo: "m1@nordlys.test")
        let d = decider.decide(TestDesk.context(followUp, at: monday10.addingTimeInterval(600), byHeader: ticket))
        guard case .update(let t) = d.outcome else { Issue.record("expected update"); return }
        #expect(t.id == ticket.id)
        #expect(t.clock == ticket.clock)       // still waiting: the first clock keeps running
        #expect(d.mails.map(\.kind) == [.staffNotification])
    }

    @Test func subjectReferenceTrustedOnlyFromEntitledSenders() {
        let ticket = TestDesk.open(adminMail(), at: monday10)
        let subject = "Re: \(ticket.reference.tag) Printer problem"
        // Another administrator of the same customer may use the reference.
        let colleague = TestDesk.mail(from: "it@nordlys.test", subject: subject, body: "Same here",
            id: "c1@nordlys.test")
        #expect(decider.decide(TestDesk.context(colleague, at: monday10, bySubject: ticket)).outcome.isUpdate)
        // A stranger (administrator of another customer) opens a new ticket that notes the claimed reference.
        let stranger = TestDesk.mail(from: "admin@bergmann.test", subject: subject, body: "Let me in",
            id: "s1@bergmann.test")
        let d = decider.decide(TestDesk.context(stranger, at: monday10, bySubject: ticket))
        guard case .newTicket(let t) = d.outcome else { Issue.record("stranger joined a foreign ticket"); return }
        #expect(t.claimedReference == ticket.reference.description)
        #expect(t.customerID == "bergmann")
        #expect(t.subject == "Printer problem")
    }

    @Test func staffReplyIsRelayedAndStopsTheClock() {
        let ticket = TestDesk.open(adminMail(), at: monday10)
        let reply = TestDesk.mail(from: "Agent One <agent1@example.test>",
            subject: "Re: \(ticket.reference.tag) Printer problem",
                                  body: "Please restart the print spooler.\n\n> old quoted text",
                                  id: "a1@example.test", inReplyTo: "pd.test2@example.test")
        let at = monday10.addingTimeInterval(1800)
        let d = decider.decide(TestDesk.context(reply, at: at, byHeader: ticket))
        guard case .update(let t) = d.outcome else { Issue.record("expected update"); return }
        #expect(t.clock == nil)
        #expect(t.firstResponseAt == at)
        #expect(t.status == .answered)
        #expect(d.role == .staffReply)
        #expect(d.mails.map(\.kind) == [.relay, .answeredNote])
        #expect(t.owner == "agent1@example.test", "the first to answer owns the ticket")
        let relay = d.mails[0].mail
        #expect(relay.to.map(\.email) == ["mette@nordlys.test"])
        #expect(relay.from.email == "support@example.test")
        #expect(relay.from.name?.contains("Agent One") == true)
        #expect(relay.subject == "[PD-2026-000001] Printer problem")
        #expect(relay.body.hasPrefix("Please restart the print spooler."))
        #expect(!relay.body.contains("old quoted text"))
        #expect(relay.inReplyTo == "m1@nordlys.test")
        #expect(relay.autoSubmitted == nil)
    }

    @Test func staffReplyAlreadySentToCustomerIsNotSentAgain() {
        let ticket = TestDesk.open(adminMail(), at: monday10)
        let reply = TestDesk.mail(from: "agent1@example.test", to: "mette@nordlys.test", cc: "support@example.test",
                                  subject: "Re: Printer problem", body: "Done.", id: "a2@example.test",
                                  inReplyTo: "m1@nordlys.test")
        let d = decider.decide(TestDesk.context(reply, at: monday10, byHeader: ticket))
        #expect(d.mails.map(\.kind) == [.answeredNote], "nothing to the customer again; the notify list hears")
        #expect(d.ticket?.clock == nil)
        #expect(d.ticket?.firstResponseAt == monday10)
    }

    @Test func staffCommandsNotePriorityClose() {
        let ticket = TestDesk.open(adminMail(), at: monday10)
        let note = TestDesk.mail(from: "agent1@example.test", subject: "Re: x",
            body: "#note\nCustomer is on the old driver.",
                                 id: "n1@example.test", inReplyTo: "m1@nordlys.test")
        let dn = decider.decide(TestDesk.context(note, at: monday10, byHeader: ticket))
        #expect(dn.role == .staffNote)
        #expect(dn.mails.isEmpty)
        #expect(dn.ticket?.clock == ticket.clock)        // a note is no reaction to the customer
        #expect(dn.newText == "Customer is on the old driver.")

        let bump = TestDesk.mail(from: "agent1@example.test", subject: "Re: x", body: "#priority P1\n",
                                 id: "p1@example.test", inReplyTo: "m1@nordlys.test")
        let dp = decider.decide(TestDesk.context(bump, at: monday10, byHeader: ticket))
        #expect(dp.ticket?.priority.priority == .p1)
        #expect(dp.ticket?.clock?.startedAt == monday10)
        #expect(dp.mails.isEmpty)

        let close = TestDesk.mail(from: "agent1@example.test", subject: "Re: x", body: "#close\nAll fixed, closing.",
                                  id: "c1@example.test", inReplyTo: "m1@nordlys.test")
        let dc = decider.decide(TestDesk.context(close, at: monday10, byHeader: ticket))
        #expect(dc.ticket?.status == .resolved)
        #expect(dc.mails.first?.mail.body.hasPrefix("All fixed, closing.") == true)
        #expect(dc.mails.first?.mail.body.contains("#close") == false)
    }

    @Test func replyToResolvedTicketReopensWithinWindowElseLinksNewTicket() {
        var ticket = TestDesk.open(adminMail(), at: monday10)
        ticket.status = .resolved
        ticket.resolvedAt = monday10
        ticket.clock = nil
        let reply = TestDesk.mail(from: "mette@nordlys.test", subject: "Re: Printer problem", body: "It broke again",
            id: "m9@nordlys.test", inReplyTo: "m1@nordlys.test")
        let soon = decider.decide(TestDesk.context(reply, at: monday10.addingTimeInterval(3 * 86_400),
            byHeader: ticket))
        #expect(soon.ticket?.status == .open)
        #expect(soon.ticket?.clock != nil)
        let late = decider.decide(TestDesk.context(reply, at: monday10.addingTimeInterval(20 * 86_400),
            byHeader: ticket))
        guard case .newTicket(let t) = late.outcome else { Issue.record("expected a new linked ticket"); return }
        #expect(t.linkedTicketID == ticket.id)
    }

    @Test func answeredTicketFollowUpStartsNewClock() {
        var ticket = TestDesk.open(adminMail(), at: monday10)
        ticket.status = .answered
        ticket.clock = nil
        let later = monday10.addingTimeInterval(7200)
        let m = TestDesk.mail(from: "mette@nordlys.test", subject: "Re: x", body: "Still broken",
            id: "m3@nordlys.test", inReplyTo: "m1@nordlys.test")
        let d = decider.decide(TestDesk.context(m, at: later, byHeader: ticket))
        #expect(d.ticket?.status == .open)
        #expect(d.ticket?.clock?.startedAt == later)
    }

    @Test func outOfOfficeNeverOpensTicketsAndNeverGetsAnswered() {
        let oof = TestDesk.mail(from: "mette@nordlys.test", subject: "Automatic reply: Printer problem",
            body: "I am away",
                                id: "o1@nordlys.test", extra: ["Auto-Submitted: auto-replied"])
        let d = decider.decide(TestDesk.context(oof, at: monday10))
        #expect(d.role == .ignored)
        #expect(d.mails.isEmpty)
        let ticket = TestDesk.open(adminMail(), at: monday10)
        let joined = decider.decide(TestDesk.context(oof, at: monday10, byHeader: ticket))
        #expect(joined.role == .autoReply)
        #expect(joined.ticket?.clock == ticket.clock)
        #expect(joined.mails.isEmpty)
    }

    @Test func bulkMailOpensTicketWithoutAcknowledgement() {
        let m = TestDesk.mail(from: "it@nordlys.test", subject: "Backup report", body: "Backup failed on NAS01",
            id: "b1@nordlys.test",
                              extra: ["Precedence: bulk"])
        let d = decider.decide(TestDesk.context(m, at: monday10))
        #expect(d.outcome.isNewTicket)
        #expect(!d.mails.contains { $0.kind == .acknowledgement })
    }

    @Test func hourlyCapSparesAnAdministratorsNewTicketButNotARepeatedText() {
        let d = decider.decide(TestDesk.context(adminMail(), at: monday10, autoCount: 10))
        #expect(d.outcome.isNewTicket)
        #expect(d.mails.contains { $0.kind == .acknowledgement }, "a person opening tickets is not loop traffic")
        #expect(d.acknowledgementWithheld == nil)
        var repeated = TestDesk.context(adminMail(), at: monday10, autoCount: 10)
        repeated.repeatsRecentText = true
        let capped = decider.decide(repeated)
        #expect(capped.outcome.isNewTicket)
        #expect(!capped.mails.contains { $0.kind == .acknowledgement })
        #expect(capped.acknowledgementWithheld?.contains("autoReplyLimitPerHour 10") == true)
        #expect(capped.summary.contains("no acknowledgement"))
    }

    @Test func oversizedAndFromlessMailIsQuarantined() {
        var ctx = TestDesk.context(adminMail(), at: monday10)
        ctx.size = 30_000_000
        #expect(decider.decide(ctx).role == .quarantined)
        let noFrom = MessageParser.parse(Array("To: support@example.test\r\nSubject: x\r\n\r\nbody".utf8))
        #expect(decider.decide(TestDesk.context(noFrom, at: monday10)).outcome == .quarantined(
            "missing or unreadable From"))
    }

    @Test func ourOwnMailComingBackIsIgnored() {
        let m = TestDesk.mail(from: "support@example.test", subject: "[PD-2026-000001] x", body: "loop",
            id: "pd.x@example.test")
        #expect(decider.decide(TestDesk.context(m, at: monday10)).role == .ignored)
    }
}

extension Decision.Outcome {
    var isUpdate: Bool { if case .update = self { return true } else { return false } }
    var isNewTicket: Bool { if case .newTicket = self { return true } else { return false } }
}

@Suite struct StaffAuthenticationTests {
    func policy() -> Policy {
        var p = TestDesk.policy()
        p.staffAuthservID = "mx.example.test"
        return p
    }

    func staffReply(_ authResults: [String]) -> ParsedMessage {
        TestDesk.mail(from: "Agent One <agent1@example.test>", subject: "Re: x", body: "Fixed.",
            id: "s\(authResults.count)@example.test",
                      inReplyTo: "m1@nordlys.test", extra: authResults.map { "Authentication-Results: \($0)" })
    }

    @Test func staffMailNeedsDKIMOrSPFPassFromOurServer() {
        let ticket = TestDesk.open(TestDesk.mail(from: "mette@nordlys.test", subject: "Printer", body: "Broken for me",
            id: "m1@nordlys.test"),
                                   at: TestDesk.at(2026, 11, 16, 10))
        let d = Decider(policy: policy())
        let at = TestDesk.at(2026, 11, 16, 11)
        let forged = d.decide(TestDesk.context(staffReply([]), at: at, byHeader: ticket))
        #expect(forged.role == .quarantined)
        #expect(forged.mails.isEmpty)
        let otherServer = d.decide(TestDesk.context(staffReply(["evil.test; dkim=pass header.d=example.test"]), at: at,
            byHeader: ticket))
        #expect(otherServer.role == .quarantined)
        let failed = d.decide(TestDesk.context(staffReply(
            ["mx.example.test; dkim=fail header.d=example.test; spf=softfail smtp.mailfrom=agent1@example.test"]),
            at: at, byHeader: ticket))
        #expect(failed.role == .quarantined)
        let wrongDomain = d.decide(TestDesk.context(staffReply(["mx.example.test; dkim=pass header.d=evil.test"]),
            at: at, byHeader: ticket))
        #expect(wrongDomain.role == .quarantined)
        let dkim = d.decide(
            TestDesk.context(staffReply(["mx.example.test 1; dkim=pass header.d=example.test header.s=sel"]), at: at,
            byHeader: ticket))
        #expect(dkim.role == .staffReply)
        #expect(dkim.mails.map(\.kind) == [.relay, .answeredNote])
        let spf = d.decide(
            TestDesk.context(staffReply(["mx.example.test; spf=pass smtp.mailfrom=agent1@example.test"]), at: at,
            byHeader: ticket))
        #expect(spf.role == .staffReply)
        // Only the topmost header from our server counts: a forged pass below a real fail does not help.
        let below = d.decide(TestDesk.context(staffReply(["mx.example.test; dkim=fail header.d=example.test",
                                                          "mx.example.test; dkim=pass header.d=example.test"]), at: at,
                                                          byHeader: ticket))
        #expect(below.role == .quarantined)
    }
}
