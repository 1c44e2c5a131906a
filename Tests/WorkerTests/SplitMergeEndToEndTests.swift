import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
@testable import Store

/// Issue 14 through `run --once` on the Maildir default with a moved clock: `#split` and `#merge`.
@Suite(.serialized) struct SplitMergeEndToEndTests {
    let monday = copenhagen(2026, 11, 16, 10)

    func mail(from: String, subject: String, id: String, body: String, inReplyTo: String? = nil) -> [UInt8] {
        plainMail(from: from, subject: subject, id: id, body: body, inReplyTo: inReplyTo)
    }

    func output(_ args: [String]) throws -> (String, Int32) {
        let (out, code) = try runPostdesk(args)
        return (String(decoding: out, as: UTF8.self), code)
    }

    /// A desk on which Mette opened PD-2026-000001 on Monday at 10:00.
    func firstTicket() throws -> (Sandbox, Pipeline) {
        let box = try Sandbox(now: monday)
        let p = try box.pipeline()
        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>", subject: "Printeren virker ikke",
                             id: "o1@nordlys.test", body: "Printeren på kontoret virker ikke."))
        _ = try p.runOnce()
        return (box, p)
    }

    @Test func splitMakesTheForwardedProblemATicketAndPutsTheOldOneBack() throws {
        let (box, p) = try firstTicket()
        let store = p.store
        let notification = try #require(try store.outbox().first { $0.kind == .staffNotification })
        box.now = monday.addingTimeInterval(1800)
        try box.deliver(mail(from: "Anna Jensen <agent1@example.test>", subject: "Re: \(notification.subject)",
                             id: "a1@example.test", body: "#close\nPrinteren er skiftet.",
                             inReplyTo: notification.messageID))
        _ = try p.runOnce()
        let closedAt = try #require(try store.ticket(reference: "PD-2026-000001")?.resolvedAt)

        // A day later the customer forwards our old mail with a new problem: it joins and reopens the old ticket.
        box.now = monday.addingTimeInterval(86_400)
        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>",
                             subject: "Fwd: [PD-2026-000001] Printeren virker ikke", id: "fw1@nordlys.test",
                             body: "Alt er nede, ingen kan arbejde!\n\n---------- Forwarded message ----------\n"
                                + "Printeren er skiftet."))
        _ = try p.runOnce()
        #expect(try store.ticket(reference: "PD-2026-000001")?.status == .open)
        let reopened = try #require(try store.outbox().last { $0.kind == .staffNotification })
        #expect(reopened.subject.contains("Reopened"))

        let before = try store.outbox().count
        box.now = monday.addingTimeInterval(86_400 + 600)
        try box.deliver(mail(from: "Anna Jensen <agent1@example.test>", subject: "Re: \(reopened.subject)",
                             id: "a2@example.test", body: "#split", inReplyTo: reopened.messageID))
        let summary = try p.runOnce()
        #expect(summary.opened == 1)

        let fresh = try #require(try store.ticket(reference: "PD-2026-000002"))
        #expect(fresh.requester.email == "mette.holm@nordlys.test")
        #expect(fresh.priority.priority == .p1, "\(fresh.priority)")
        #expect(fresh.clock?.startedAt == monday.addingTimeInterval(86_400), "from when the customer wrote")
        #expect(try store.messages(ticketID: fresh.id).map(\.messageID).contains("fw1@nordlys.test"))
        let old = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(old.status == .resolved)
        #expect(old.resolvedAt == closedAt)
        #expect(old.clock == nil)
        #expect(!(try store.messages(ticketID: old.id).map(\.messageID).contains("fw1@nordlys.test")))

        let new = try store.outbox().dropFirst(before)
        let ack = try #require(new.first { $0.kind == .acknowledgement })
        #expect(ack.recipients == ["mette.holm@nordlys.test"])
        #expect(ack.subject.contains("[PD-2026-000002]"))
        let ackText = MessageParser.parse(ack.raw).bodyText
        #expect(ackText.contains("Hej") && ackText.contains("PD-2026-000002"), "\(ackText)")
        #expect(new.contains { $0.kind == .staffNotification && $0.subject.contains("PD-2026-000002") })
        #expect(!new.contains { $0.kind == .relay }, "the #split mail reaches no customer")

        // The customer's reply to the new acknowledgement threads onto the new ticket.
        box.now = monday.addingTimeInterval(86_400 + 1200)
        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>", subject: "Re: \(ack.subject)",
                             id: "r1@nordlys.test", body: "Det er stadig nede.", inReplyTo: ack.messageID))
        _ = try p.runOnce()
        #expect(try store.messages(ticketID: fresh.id).map(\.messageID).contains("r1@nordlys.test"))
    }

    @Test func mergeFoldsATicketIntoAnotherAndRefusesWhatCannotBe() throws {
        let (box, p) = try firstTicket()
        box.now = monday.addingTimeInterval(3600)
        try box.deliver(mail(from: "IT <it@nordlys.test>", subject: "Printer på 2. sal", id: "o2@nordlys.test",
                             body: "Printeren på 2. sal udskriver ikke."))
        _ = try p.runOnce()
        let store = p.store
        let a = try #require(try store.ticket(reference: "PD-2026-000001"))
        let b = try #require(try store.ticket(reference: "PD-2026-000002"))
        let earlierDue = try #require(a.clock?.dueAt)
        #expect(earlierDue < (b.clock?.dueAt ?? .distantPast))
        let notificationA = try #require(try store.outbox().first { $0.kind == .staffNotification })
        let ackA = try #require(try store.outbox().first { $0.kind == .acknowledgement })

        box.now = monday.addingTimeInterval(4000)
        try box.deliver(mail(from: "Anna Jensen <agent1@example.test>", subject: "Re: \(notificationA.subject)",
                             id: "m1@example.test", body: "#merge PD-2026-000002\nSamme printerfejl.\n#time 15m",
                             inReplyTo: notificationA.messageID))
        _ = try p.runOnce()
        let merged = try #require(try store.ticket(reference: "PD-2026-000001"))
        let kept = try #require(try store.ticket(reference: "PD-2026-000002"))
        #expect(merged.mergedInto == kept.id)
        #expect(kept.clock?.dueAt == earlierDue, "the earlier deadline stands")
        #expect(kept.isParticipant(Address(email: "mette.holm@nordlys.test")))
        #expect(try store.messages(ticketID: kept.id).map(\.messageID).contains("o1@nordlys.test"))
        #expect(try store.messages(ticketID: merged.id).isEmpty)
        #expect(try store.loggedTime(ticketID: kept.id).map(\.entry.minutes) == [15],
                "time logged with #merge moves too")
        let reported = try store.reportRows(from: monday.addingTimeInterval(-86400),
                                            to: monday.addingTimeInterval(86400))
        #expect(reported.map(\.reference) == ["PD-2026-000002"], "the merged ticket is not reported as its own")

        let (shown, code) = try output(["show", "PD-2026-000001", "--config", box.configPath])
        #expect(code == 0)
        #expect(shown.contains("Merged:     into PD-2026-000002"), "\(shown)")
        let (list, _) = try output(["tickets", "--config", box.configPath])
        #expect(list.contains("merged into PD-2026-000002"), "\(list)")

        // Header threading (a reply to A's acknowledgement) and A's subject tag both find B now.
        box.now = monday.addingTimeInterval(5000)
        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>", subject: "Re: \(ackA.subject)",
                             id: "r1@nordlys.test", body: "Den virker stadig ikke.", inReplyTo: ackA.messageID))
        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>", subject: "[PD-2026-000001] igen",
                             id: "r2@nordlys.test", body: "Nu heller ikke scanneren."))
        _ = try p.runOnce()
        let ids = try store.messages(ticketID: kept.id).map(\.messageID)
        #expect(ids.contains("r1@nordlys.test") && ids.contains("r2@nordlys.test"), "\(ids)")
        #expect(try store.tickets().count == 2, "no ticket opened")

        // Refused: into itself, into an unknown ticket, into a merged one; each sender is told why.
        let refusals = [("PD-2026-000002", "into itself"), ("PD-2026-000099", "no ticket has"),
                        ("PD-2026-000001", "itself merged")]
        for (i, (named, why)) in refusals.enumerated() {
            let before = try store.outbox().count
            try box.deliver(mail(from: "Anna Jensen <agent1@example.test>", subject: "Re: [PD-2026-000002] x",
                                 id: "bad\(i)@example.test", body: "#merge \(named)"))
            _ = try p.runOnce()
            let help = try #require(try store.outbox().dropFirst(before).first { $0.kind == .staffHelp })
            #expect(help.recipients == ["agent1@example.test"])
            let text = MessageParser.parse(help.raw).bodyText.split(whereSeparator: \.isWhitespace)
            #expect(text.joined(separator: " ").contains(why), "\(text)")
        }
        #expect(try store.ticket(reference: "PD-2026-000002")?.mergedInto == nil)
    }
}
