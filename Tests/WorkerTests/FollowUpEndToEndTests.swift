import Foundation
import Testing
@testable import Configuration
import Desk
import MIME
@testable import Store

/// Issue 17's follow-ups on the Maildir default through the real `postdesk run --once` with a moved clock: the
/// customer's confirmation (reopen on, join off by default, never to automatic mail, within the cap), and the staff
/// notification's "already answered by" line.
extension DeskEndToEndTests {
    /// `postdesk run --once` at a Copenhagen wall-clock time; the outbox as the database has it afterwards.
    func runOnce(_ box: Sandbox, at date: Date) throws -> [OutboxItem] {
        let run = try postdesk(["run", "--once", "--now", BusinessTimeFormat.iso(date, in: TimeZone(identifier:
            "Europe/Copenhagen")!), "--config", box.configPath])
        #expect(run.code == 0)
        return try PostdeskStore(path: box.config.database).outbox()
    }

    @Test func aReopenAfterCloseIsConfirmedAJoinIsNotAndAnAutoReplyNeverIs() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>", subject: "Printeren virker ikke",
                             id: "c1@nordlys.test", body: "Printeren på 2. sal udskriver ikke."))
        let notification = try #require(try runOnce(box, at: monday).first { $0.kind == .staffNotification })
        try box.deliver(mail(from: "Anna Jensen <agent1@example.test>", subject: "Re: \(notification.subject)",
                             id: "c2@example.test", body: "#close\nHej Mette, køen er genstartet.",
                             inReplyTo: notification.messageID))
        var outbox = try runOnce(box, at: monday.addingTimeInterval(600))
        let closing = try #require(outbox.first { $0.kind == .closingNote })

        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>", subject: "Re: \(closing.subject)",
                             id: "c3@nordlys.test", body: "Den er gået i stå igen i dag.",
                             inReplyTo: closing.messageID))
        var before = outbox.count
        outbox = try runOnce(box, at: monday.addingTimeInterval(86_400))
        let reopened = Array(outbox.dropFirst(before))
        let confirmation = try #require(reopened.first { $0.kind == .followUpConfirmation })
        #expect(reopened.filter { $0.kind == .followUpConfirmation }.count == 1)
        #expect(confirmation.recipients == ["mette.holm@nordlys.test"])
        #expect(confirmation.subject == "[PD-2026-000001] Printeren virker ikke")
        let text = String(decoding: confirmation.raw, as: UTF8.self)
        #expect(headerValue("In-Reply-To", in: text) == "<c3@nordlys.test>")
        #expect(headerValue("Auto-Submitted", in: text) == "auto-replied")
        let file = try #require(box.outboxTexts().first { $0.contains(confirmation.messageID) })
        let body = MessageParser.parse(Array(file.utf8)).bodyText
        #expect(body.hasPrefix("Hej Mette,\n\nTak for din besked. Vi har genåbnet sag PD-2026-000001 og ser på "
            + "den\nigen."))
        #expect(body.contains("Du kan forvente svar senest onsdag den 18. november 2026 kl.\u{A0}14:00."))
        #expect(body.split(separator: "\n").allSatisfy { $0.count <= 72 })
        #expect(try PostdeskStore(path: box.config.database).ticket(reference: "PD-2026-000001")?.status == .open)

        // The ticket is open now: a second follow-up joins it, and joins are not confirmed by default.
        try box.deliver(mail(from: "mette.holm@nordlys.test", subject: "Re: \(confirmation.subject)",
                             id: "c4@nordlys.test", body: "Den blinker også gult."))
        before = outbox.count
        outbox = try runOnce(box, at: monday.addingTimeInterval(86_400 + 600))
        #expect(outbox.dropFirst(before).map(\.kind) == [.staffNotification])

        // An out-of-office answering the confirmation after the next close joins the ticket silently.
        try box.deliver(mail(from: "agent1@example.test", subject: "Re: [PD-2026-000001] Printeren",
                             id: "c5@example.test", body: "#close silent"))
        outbox = try runOnce(box, at: monday.addingTimeInterval(86_400 + 1200))
        try box.deliver(Array(("From: mette.holm@nordlys.test\r\nTo: support@example.test\r\n"
            + "Subject: Automatisk svar: \(confirmation.subject)\r\nMessage-ID: <c6@nordlys.test>\r\n"
            + "In-Reply-To: <\(confirmation.messageID)>\r\nAuto-Submitted: auto-replied\r\n"
            + "Date: Tue, 17 Nov 2026 11:00:00 +0100\r\n\r\nJeg er på ferie til mandag.\r\n").utf8))
        before = outbox.count
        outbox = try runOnce(box, at: monday.addingTimeInterval(86_400 + 3600))
        #expect(outbox.count == before, "no confirmation, no notification")
        #expect(try PostdeskStore(path: box.config.database).ticket(reference: "PD-2026-000001")?.status == .resolved)
    }

    @Test func aCustomerWhoAsksForJoinConfirmationsGetsThemUpToTheHourlyCap() throws {
        let box = try Sandbox(now: monday) { json in
            var customers = json["customers"] as! [[String: Any]]
            customers[0]["confirmFollowUps"] = ["join": true]
            json["customers"] = customers
            json["autoReplyLimitPerHour"] = 3
        }
        #expect(box.config.policy.customers[0].confirmFollowUps == FollowUpConfirmations(reopen: true, join: true))
        #expect(box.config.policy.customers[1].confirmFollowUps == nil)
        try box.deliver(mail(from: "it@nordlys.test", subject: "VPN", id: "j0@nordlys.test", body: "VPN er nede."))
        var outbox = try runOnce(box, at: monday)
        for i in 1...3 {
            try box.deliver(mail(from: "it@nordlys.test", subject: "Re: [PD-2026-000001] VPN", id: "j\(i)@nordlys.test",
                                 body: "Nyt om VPN nummer \(i)."))
            outbox = try runOnce(box, at: monday.addingTimeInterval(Double(i) * 300))
        }
        let toCustomer = outbox.filter { $0.recipients == ["it@nordlys.test"] }.map(\.kind)
        #expect(toCustomer == [.acknowledgement, .followUpConfirmation, .followUpConfirmation],
                "the acknowledgement counts too: 3 automatic mails an hour")
        let shown = String(decoding: try postdesk(["show", "PD-2026-000001", "--config", box.configPath]).out,
                           as: UTF8.self)
        #expect(shown.contains("Nyt om VPN nummer 3."), "the third follow-up is on the ticket all the same")
    }

    @Test func confirmFollowUpsIsReadAndCheckedByTheOneReader() throws {
        let box = try Sandbox(now: monday) { $0["confirmFollowUps"] = ["reopen": false] }
        #expect(box.config.policy.confirmFollowUps == FollowUpConfirmations(reopen: false, join: false))
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.configPath)))
            as! [String: Any]
        json["confirmFollowUps"] = ["reopen": false, "joins": true]
        var customers = json["customers"] as! [[String: Any]]
        customers[1]["confirmFollowUps"] = ["join": "yes"]
        json["customers"] = customers
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: box.configPath))
        let checked = try postdesk(["check-config", "--config", box.configPath])
        #expect(checked.code == 2)
        do {
            _ = try Configuration.load(path: box.configPath)
            Issue.record("expected problems")
        } catch let error as ConfigErrors {
            #expect(error.description.contains("confirmFollowUps.joins: is not a known setting. Fix: did you mean "
                + "confirmFollowUps.join?"), "\(error)")
            #expect(error.description.contains("customers[1].confirmFollowUps.join: must be true or false"))
        }
    }

    @Test func aColleagueSeesWhoAnsweredAlreadyButNotBeforeAnyoneHas() throws {
        let box = try Sandbox(now: monday) { json in
            var staff = json["staff"] as! [String: Any]
            staff["notify"] = ["Mikkel Dahl <agent2@example.test>"]
            json["staff"] = staff
        }
        let p = try box.pipeline()
        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>", subject: "Printeren virker ikke",
                             id: "a1@nordlys.test", body: "Printeren udskriver ikke."))
        _ = try p.runOnce()
        let store = p.store
        let notification = try #require(try store.outbox().first { $0.kind == .staffNotification })
        func notice(after count: Int) throws -> String {
            let item = try #require(try newItems(store, after: count).first { $0.kind == .staffNotification })
            #expect(item.recipients == ["agent2@example.test"])
            return MessageParser.parse(item.raw).bodyText.replacingOccurrences(of: "\n", with: " ")
                .replacingOccurrences(of: "\u{A0}", with: " ")
        }
        box.now = monday.addingTimeInterval(300)
        try box.deliver(mail(from: "mette.holm@nordlys.test", subject: "Re: [PD-2026-000001] Printeren virker ikke",
                             id: "a2@nordlys.test", body: "Den blinker gult."))
        var before = try store.outbox().count
        _ = try p.runOnce()
        #expect(!(try notice(after: before)).contains("Already answered"), "nobody has answered yet")

        box.now = monday.addingTimeInterval(600)
        try box.deliver(mail(from: "Anna Jensen <agent1@example.test>", subject: "Re: \(notification.subject)",
                             id: "a3@example.test", body: "Hej Mette, prøv at slukke og tænde den.",
                             inReplyTo: notification.messageID))
        _ = try p.runOnce()
        try box.deliver(mail(from: "agent1@example.test", subject: "Re: [PD-2026-000001] Printeren",
                             id: "a4@example.test", body: "#assign agent2@example.test"))
        _ = try p.runOnce()
        box.now = monday.addingTimeInterval(1800)
        try box.deliver(mail(from: "mette.holm@nordlys.test", subject: "Re: [PD-2026-000001] Printeren virker ikke",
                             id: "a5@nordlys.test", body: "Det hjalp ikke."))
        before = try store.outbox().count
        _ = try p.runOnce()
        let text = try notice(after: before)
        #expect(text.contains("Already answered by Anna Jensen (agent1@example.test) on Mon 16 Nov 10:10."), "\(text)")
        #expect(!text.contains("agent2@example.test) on"), "an #assign is no answer")
    }
}
