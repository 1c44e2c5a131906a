import Foundation
@testable import Desk
import MIME
import Testing

/// Issue 14: a customer's non-administrator refusal can be copied to that customer's administrators.
@Suite struct RefusalCopyTests {
    let monday10 = TestDesk.at(2026, 11, 16, 10)
    let kim = TestDesk.mail(from: "Kim Berg <kim@nordlys.test>", subject: "Ny skærm",
                            body: "Kan jeg få en ny skærm?", id: "k1@nordlys.test")

    func policy(customer: Bool?, plan: Bool = false) -> Policy {
        var policy = TestDesk.policy()
        policy.customers[0].copyRefusalsToAdministrators = customer
        policy.plans["standard"]?.copyRefusalsToAdministrators = plan
        return policy
    }

    @Test func offByDefault() {
        let d = Decider(policy: TestDesk.policy()).decide(TestDesk.context(kim, at: monday10))
        #expect(d.mails.map(\.kind) == [.refusal])
    }

    @Test func theAdministratorsHearWhoWroteAboutWhatInTheCustomersLanguage() throws {
        for p in [policy(customer: true), policy(customer: nil, plan: true)] {
            let d = Decider(policy: p).decide(TestDesk.context(kim, at: monday10))
            #expect(d.mails.map(\.kind) == [.refusal, .refusalCopy])
            let copy = try #require(d.mails.last?.mail)
            #expect(copy.to.map(\.email) == ["it@nordlys.test", "mette@nordlys.test"])
            #expect(copy.subject == "Mail fra Kim Berg (kim@nordlys.test) – ingen sag oprettet")
            #expect(copy.body.hasPrefix("Hej,"))
            let flat = copy.body.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(flat.contains("Kim Berg (kim@nordlys.test) med emnet »Ny skærm«"), "\(copy.body)")
            #expect(flat.contains("bede en administrator om at kontakte os"))
            #expect(copy.autoSubmitted == "auto-generated")
        }
        let customerOff = Decider(policy: policy(customer: false, plan: true))
            .decide(TestDesk.context(kim, at: monday10))
        #expect(customerOff.mails.map(\.kind) == [.refusal], "the customer's own setting wins")
    }

    @Test func cappedLikeTheRefusal() {
        let p = policy(customer: true)
        let decider = Decider(policy: p)
        let global = decider.decide(TestDesk.context(kim, at: monday10, refusals: p.refusalLimitPerHour))
        #expect(global.mails.isEmpty)
        let perSender = decider.decide(TestDesk.context(kim, at: monday10, autoCount: p.autoReplyLimitPerHour))
        #expect(perSender.mails.isEmpty)
        var looped = TestDesk.context(kim, at: monday10)
        looped.answersOurAutomaticMail = true
        #expect(decider.decide(looped).mails.isEmpty)
        let unknown = TestDesk.mail(from: "sales@prospect.test", subject: "Quote", body: "A quote, please?",
                                    id: "s1@prospect.test")
        #expect(decider.decide(TestDesk.context(unknown, at: monday10)).mails.map(\.kind) == [.refusal],
                "no customer, no administrators to copy")
    }
}
