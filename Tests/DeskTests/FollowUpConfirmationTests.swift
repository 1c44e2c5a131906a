import Foundation
import Testing
@testable import Desk
import MIME

/// The short confirmation a customer gets when their follow-up reopens a resolved ticket (on by default) or joins an
/// open one (off by default), as automatic mail under the loop rules; and the staff notification's "already answered"
/// line from the answers the store gathered.
@Suite struct FollowUpConfirmationTests {
    let monday10 = TestDesk.at(2026, 11, 16, 10)

    func request() -> ParsedMessage {
        TestDesk.mail(from: "Mette Holm <mette@nordlys.test>", subject: "Printeren virker ikke",
                      body: "Printeren på 2. sal udskriver ikke.", id: "m1@nordlys.test")
    }

    func followUp(_ body: String = "Den er gået i stå igen.", extra: [String] = []) -> ParsedMessage {
        TestDesk.mail(from: "Mette Holm <mette@nordlys.test>", subject: "Re: [PD-2026-000001] Printeren virker ikke",
                      body: body, id: "m5@nordlys.test", inReplyTo: "pd.relay@example.test", extra: extra)
    }

    func resolved() -> TicketState {
        var t = TestDesk.open(request(), at: monday10)
        t.status = .resolved
        t.resolvedAt = monday10.addingTimeInterval(3600)
        t.clock = nil
        return t
    }

    func confirmations(_ d: Decision) -> [OutgoingMail] {
        d.mails.filter { $0.kind == .followUpConfirmation }.map(\.mail)
    }

    @Test func aReopeningFollowUpIsConfirmedThreadedAndTagged() throws {
        let later = monday10.addingTimeInterval(86_400)
        let d = Decider(policy: TestDesk.policy()).decide(TestDesk.context(followUp(), at: later, byHeader: resolved()))
        #expect(d.ticket?.status == .open)
        let mail = try #require(confirmations(d).first)
        #expect(confirmations(d).count == 1)
        #expect(mail.to.map(\.email) == ["mette@nordlys.test"])
        #expect(mail.inReplyTo == "m5@nordlys.test")
        #expect(mail.references.last == "m5@nordlys.test")
        #expect(mail.subject == "[PD-2026-000001] Printeren virker ikke")
        #expect(mail.autoSubmitted == "auto-replied")
        #expect(mail.body.hasPrefix("Hej Mette,\n\n"))
        #expect(mail.body.contains("genåbnet sag PD-2026-000001"))
        #expect(mail.body.contains("kan forvente svar senest"), "the new clock's promise")
        #expect(MailKind.followUpConfirmation.isAutomaticToCustomer)
        #expect(d.summary.contains("confirmed to mette@nordlys.test"))
    }

    @Test func joiningAnOpenTicketIsConfirmedOnlyWhenConfigured() throws {
        let open = TestDesk.open(request(), at: monday10)
        let later = monday10.addingTimeInterval(600)
        let byDefault = Decider(policy: TestDesk.policy())
            .decide(TestDesk.context(followUp(), at: later, byHeader: open))
        #expect(byDefault.ticket?.status == .open)
        #expect(confirmations(byDefault).isEmpty)
        var policy = TestDesk.policy()
        policy.confirmFollowUps.join = true
        let joined = Decider(policy: policy).decide(TestDesk.context(followUp(), at: later, byHeader: open))
        let mail = try #require(confirmations(joined).first)
        #expect(mail.body.contains("sag PD-2026-000001"))
        #expect(!mail.body.contains("genåbnet"))
        #expect(!mail.body.contains("kan forvente svar"), "the running clock's promise was given already")
    }

    @Test func aCustomersOwnSettingWinsOverTheDesks() {
        var policy = TestDesk.policy()
        policy.customers[0].confirmFollowUps = FollowUpConfirmations(reopen: false, join: false)
        let d = Decider(policy: policy).decide(TestDesk.context(followUp(), at: monday10.addingTimeInterval(86_400),
                                                                byHeader: resolved()))
        #expect(d.ticket?.status == .open)
        #expect(confirmations(d).isEmpty)
        #expect(policy.confirmations(for: policy.customers[1]) == FollowUpConfirmations(reopen: true, join: false))
    }

    @Test func automaticMailAndAnswersToOurAutomaticMailGetNone() {
        let decider = Decider(policy: TestDesk.policy())
        let later = monday10.addingTimeInterval(86_400)
        let bulk = followUp(extra: ["Precedence: bulk"])
        #expect(confirmations(decider.decide(TestDesk.context(bulk, at: later, byHeader: resolved()))).isEmpty)
        let oof = followUp("Jeg er på ferie til mandag.", extra: ["Auto-Submitted: auto-replied"])
        let auto = decider.decide(TestDesk.context(oof, at: later, byHeader: resolved()))
        #expect(auto.mails.isEmpty)
        var answering = TestDesk.context(followUp(), at: later, byHeader: resolved())
        answering.answersOurAutomaticMail = true
        let d = decider.decide(answering)
        #expect(d.ticket?.status == .open, "a person's answer still reopens")
        #expect(confirmations(d).isEmpty)
        #expect(d.summary.contains("no confirmation: it answers our automatic mail"))
    }

    @Test func theHourlyCapHoldsWithoutTheAdministratorsException() {
        let decider = Decider(policy: TestDesk.policy())
        let later = monday10.addingTimeInterval(86_400)
        let under = decider.decide(TestDesk.context(followUp(), at: later, byHeader: resolved(), autoCount: 9))
        #expect(confirmations(under).count == 1)
        let capped = decider.decide(TestDesk.context(followUp(), at: later, byHeader: resolved(), autoCount: 10))
        #expect(capped.ticket?.status == .open)
        #expect(confirmations(capped).isEmpty)
        #expect(capped.summary.contains("no confirmation: 10 automatic mails to mette@nordlys.test in the last hour"))
    }

    @Test func backfillAndThanksGetNone() {
        let decider = Decider(policy: TestDesk.policy())
        let later = monday10.addingTimeInterval(86_400)
        var old = TestDesk.context(followUp(), at: later, byHeader: resolved())
        old.backfill = true
        #expect(decider.decide(old).mails.isEmpty)
        let thanks = decider.decide(TestDesk.context(followUp("Tak!"), at: later, byHeader: resolved()))
        #expect(thanks.ticket?.status == .resolved)
        #expect(thanks.mails.isEmpty)
    }

    @Test func theNotificationNamesWhoAnsweredFirstFirstAndNothingBefore() throws {
        var policy = TestDesk.policy()
        policy.staffNotify = [Address(email: "agent2@example.test")]
        let decider = Decider(policy: policy)
        let open = TestDesk.open(request(), at: monday10)
        let later = monday10.addingTimeInterval(1800)
        let before = decider.decide(TestDesk.context(followUp(), at: later, byHeader: open))
        let first = try #require(before.mails.first { $0.kind == .staffNotification })
        #expect(!first.mail.body.contains("Already answered"))
        var context = TestDesk.context(followUp(), at: later, byHeader: open)
        context.staffAnswers[open.id] = [
            StaffAnswer(staff: Address(name: "Anna Jensen", email: "agent1@example.test"),
                        at: monday10.addingTimeInterval(600)),
            StaffAnswer(staff: Address(email: "agent3@example.test"), at: monday10.addingTimeInterval(1200)),
        ]
        let after = decider.decide(context)
        let notice = try #require(after.mails.first { $0.kind == .staffNotification })
        #expect(notice.mail.to.map(\.email) == ["agent2@example.test"])
        // The line is wrapped at 72, the times kept whole by no-break spaces.
        let body = notice.mail.body.replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\u{A0}", with: " ")
        #expect(body.contains("Already answered by Anna Jensen (agent1@example.test) on Mon 16 Nov 10:10"
            + " and agent3@example.test on Mon 16 Nov 10:20."), "\(notice.mail.body)")
    }
}
