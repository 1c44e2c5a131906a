import Foundation
@testable import Desk
import MIME
import Testing

/// Issue 14: refused mail reaches a person through a daily digest to the notify list.
@Suite struct RefusedDigestTests {
    @Test func dueFromTheConfiguredTimeInTheDesksZone() {
        var policy = TestDesk.policy()
        policy.refusedDigestMinute = 8 * 60
        #expect(RefusedDigest.dueDay(at: TestDesk.at(2026, 11, 16, 7, 59), policy: policy) == nil)
        #expect(RefusedDigest.dueDay(at: TestDesk.at(2026, 11, 16, 8), policy: policy) == "2026-11-16")
        #expect(RefusedDigest.dueDay(at: TestDesk.at(2026, 11, 16, 23, 59), policy: policy) == "2026-11-16")
        // 00:30 in Copenhagen is still the day before in UTC: the desk's day counts.
        policy.refusedDigestMinute = 0
        #expect(RefusedDigest.dueDay(at: TestDesk.at(2026, 11, 17, 0, 30), policy: policy) == "2026-11-17")
        policy.refusedDigestMinute = nil
        #expect(RefusedDigest.dueDay(at: TestDesk.at(2026, 11, 16, 12), policy: policy) == nil, "off")
    }

    @Test func namesEachSenderSubjectTimeAndReason() throws {
        let policy = TestDesk.policy()
        let refused = [
            RefusedMail(from: Address(name: "Kim Berg", email: "kim@nordlys.test"), subject: "Ny skærm",
                        at: TestDesk.at(2026, 11, 16, 10, 5), reason: "not an administrator of Nordlys ApS"),
            RefusedMail(from: Address(email: "sales@prospect.test"), subject: "Quote for 40 laptops?",
                        at: TestDesk.at(2026, 11, 16, 14), reason: "unknown sender"),
        ]
        let queued = try #require(RefusedDigest.mail(refused, day: "2026-11-17", policy: policy,
                                                     now: TestDesk.at(2026, 11, 17, 8),
                                                     messageID: "pd.d1@example.test"))
        #expect(queued.kind == .refusedDigest)
        #expect(queued.mail.to.map(\.email) == ["agents@example.test"])
        #expect(queued.mail.subject.contains("2 since the last digest"))
        let body = queued.mail.body
        #expect(body.contains("From:    Kim Berg <kim@nordlys.test>"))
        #expect(body.contains("Subject: Ny skærm"))
        #expect(body.contains("Reason:  not an administrator of Nordlys ApS"))
        #expect(body.contains("From:    <sales@prospect.test>"))
        #expect(body.contains("Reason:  unknown sender"))
        #expect(body.contains("10:05"), "\(body)")
        #expect(body.split(separator: "\n").allSatisfy { $0.count <= 76 })
    }

    @Test func nothingRefusedSendsNothing() {
        let none = RefusedDigest.mail([], day: "2026-11-17", policy: TestDesk.policy(), now: Date(), messageID: "x")
        #expect(none == nil)
    }
}
