import Foundation
import Testing
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
@testable import Store

/// Issue 14 through `run --once` with a moved clock: the daily refused-mail digest, once a day across restarts.
@Suite(.serialized) struct RefusedDigestEndToEndTests {
    let monday8 = copenhagen(2026, 11, 16, 8)

    func mail(from: String, subject: String, id: String, body: String) -> [UInt8] {
        plainMail(from: from, subject: subject, id: id, body: body, at: "Mon, 16 Nov 2026 08:00:00 +0100")
    }

    func digests(_ store: PostdeskStore) throws -> [OutboxItem] {
        try store.outbox().filter { $0.kind == .refusedDigest }
    }

    @Test func onceADayFromTheOpeningHourNamingWhatWasRefusedSince() throws {
        let box = try Sandbox(now: monday8)
        try box.deliver(mail(from: "Kim Berg <kim@nordlys.test>", subject: "Ny skærm", id: "k1@nordlys.test",
                             body: "Kan jeg få en ny skærm?"))
        try box.deliver(mail(from: "sales@prospect.test", subject: "Quote for 40 laptops", id: "s1@prospect.test",
                             body: "Could you send us a quote?"))
        var p = try box.pipeline()
        _ = try p.runOnce()
        #expect(try digests(p.store).isEmpty, "before the working day starts (09:00, the default plan's opening)")

        box.now = copenhagen(2026, 11, 16, 9, 30)
        _ = try p.runOnce()
        let first = try #require(try digests(p.store).first)
        #expect(first.recipients == ["agents@example.test"])
        let text = MessageParser.parse(first.raw).bodyText
        #expect(text.contains("Kim Berg <kim@nordlys.test>") && text.contains("Ny skærm"), "\(text)")
        #expect(text.contains("not an administrator of Nordlys ApS"))
        #expect(text.contains("<sales@prospect.test>") && text.contains("unknown sender"))

        // A restart later the same day: no second digest, though more was refused.
        box.now = copenhagen(2026, 11, 16, 11)
        try box.deliver(mail(from: "Lars <lars@nordlys.test>", subject: "Adgang til drev", id: "l1@nordlys.test",
                             body: "Jeg kan ikke komme på drevet."))
        p = try box.pipeline()
        _ = try p.runOnce()
        #expect(try digests(p.store).count == 1)

        box.now = copenhagen(2026, 11, 17, 9, 1)
        p = try box.pipeline()
        _ = try p.runOnce()
        let all = try digests(p.store)
        #expect(all.count == 2)
        let second = MessageParser.parse(try #require(all.last).raw).bodyText
        #expect(second.contains("lars@nordlys.test") && !second.contains("kim@nordlys.test"), "only since the last")

        // A day with nothing refused sends nothing.
        box.now = copenhagen(2026, 11, 18, 9, 1)
        _ = try p.runOnce()
        #expect(try digests(p.store).count == 2)
    }

    @Test func offSendsNoDigestAndABadTimeIsAConfigIssue() throws {
        let box = try Sandbox(now: monday8) { json in
            var staff = json["staff"] as! [String: Any]
            staff["refusedDigest"] = "off"
            json["staff"] = staff
        }
        try box.deliver(mail(from: "Kim Berg <kim@nordlys.test>", subject: "Ny skærm", id: "k1@nordlys.test",
                             body: "Kan jeg få en ny skærm?"))
        box.now = copenhagen(2026, 11, 16, 12)
        let p = try box.pipeline()
        _ = try p.runOnce()
        #expect(try digests(p.store).isEmpty)

        let bad = try ConfigCase { json, _ in nested(&json, "staff") { $0["refusedDigest"] = "8 o'clock" } }
        #expect(bad.issues().fields == ["staff.refusedDigest"])
        let early = try ConfigCase { json, _ in nested(&json, "staff") { $0["refusedDigest"] = "06:30" } }
        #expect(try early.load().get().policy.refusedDigestMinute == 6 * 60 + 30)
        let unset = try ConfigCase()
        #expect(try unset.load().get().policy.refusedDigestMinute == 9 * 60, "the default plan's opening")
    }

    @Test func aRefusalCanBeCopiedToTheCustomersAdministrators() throws {
        let box = try Sandbox(now: monday8) { json in
            customers(&json) { $0[0]["copyRefusalsToAdministrators"] = true }
        }
        try box.deliver(mail(from: "Kim Berg <kim@nordlys.test>", subject: "Ny skærm", id: "k1@nordlys.test",
                             body: "Kan jeg få en ny skærm?"))
        let p = try box.pipeline()
        _ = try p.runOnce()
        let copy = try #require(try p.store.outbox().first { $0.kind == .refusalCopy })
        #expect(copy.recipients == ["it@nordlys.test", "mette.holm@nordlys.test"])
        let text = MessageParser.parse(copy.raw).bodyText.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("Kim Berg (kim@nordlys.test) med emnet »Ny skærm«"), "\(text)")
        #expect(try p.store.outbox().contains { $0.kind == .refusal && $0.recipients == ["kim@nordlys.test"] })

        let plan = try ConfigCase { json, _ in
            nested(&json, "plans") { plans in
                var standard = plans["standard"] as! [String: Any]
                standard["copyRefusalsToAdministrators"] = true
                plans["standard"] = standard
            }
        }
        #expect(try plan.load().get().policy.plans["standard"]?.copyRefusalsToAdministrators == true)
        let bad = try ConfigCase { json, _ in customers(&json) { $0[0]["copyRefusalsToAdministrators"] = "yes" } }
        #expect(bad.issues().fields == ["customers[0].copyRefusalsToAdministrators"])
    }
}
