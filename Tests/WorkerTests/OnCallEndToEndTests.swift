import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
import Store

/// The døgnvagt end to end on the Maildir default (issue 18): `postdesk run --once --now …` at exact instants.
@Suite(.serialized) struct OnCallEndToEndTests {
    /// The extended plan (bergmann, vandijk) has an on-call: Anna, Bo and Carl take turns from week 49 of 2026.
    static func sandbox(now: Date, rota: Any = ["anna@example.test", "bo@example.test",
                                                 "carl@example.test"],
                        edit: (inout [String: Any]) -> Void = { _ in }) throws -> Sandbox {
        try Sandbox(now: now) { json in
            json["log"] = ["format": "logfmt", "level": "warning"]
            nested(&json, "plans") { plans in
                var extended = plans["extended"] as! [String: Any]
                var onCall: [String: Any] = ["rota": rota]
                if rota is [Any] { onCall["rotaStarts"] = "2026-W49" }
                extended["onCall"] = onCall
                plans["extended"] = extended
            }
            edit(&json)
        }
    }

    static func mail(from: String = "Jonas Wagner <j.wagner@bergmann.test>", id: String, subject: String,
                     inReplyTo: String? = nil, _ body: String) -> [UInt8] {
        Array(("From: \(from)\r\nTo: support@example.test\r\nSubject: \(subject)\r\nMessage-ID: <\(id)>\r\n"
               + (inReplyTo.map { "In-Reply-To: <\($0)>\r\nReferences: <\($0)>\r\n" } ?? "")
               + "Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n").utf8)
    }

    static let outage = """
        Guten Abend,

        seit 23 Uhr kann niemand bei uns telefonieren, die Telefonanlage ist komplett ausgefallen.
        Eingehende Anrufe landen alle auf der Mailbox.

        Mit freundlichen Grüßen
        Jonas Wagner
        Bergmann Logistik GmbH
        Tel.: +49 40 9876 5432
        """

    /// The pages in the outbox, in order: (X-Postdesk-Page, the To address).
    static func pages(_ box: Sandbox) -> [(number: String, to: String)] {
        box.outboxTexts().compactMap { text in
            headerValue("X-Postdesk-Page", in: text).map {
                ($0, AddressList.parse(headerValue("To", in: text) ?? "").map(\.email).joined(separator: ","))
            }
        }
    }

    static func acknowledgement(_ box: Sandbox) throws -> String {
        let raw = try #require(box.outboxTexts().first { headerValue("Auto-Submitted", in: $0) == "auto-replied" })
        return MessageParser.parse(Array(raw.utf8)).bodyText
    }

    /// `postdesk run --once` with the clock moved to `instant` (the hidden `--now`).
    static func run(_ box: Sandbox, at instant: Date) throws {
        box.now = instant
        let now = ISO8601DateFormatter().string(from: instant)
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath, "--now", now]) == 0)
    }

    /// Wednesday 10:00, inside the extended plan's hours: the P1 gets its two-hour promise and nobody is woken.
    @Test func insideHoursNoPage() throws {
        let box = try Self.sandbox(now: copenhagen(2026, 12, 2, 10))
        try box.deliver(Self.mail(id: "in@bergmann.test", subject: "Telefonanlage ausgefallen", Self.outage))
        try Self.run(box, at: box.now)
        try Self.run(box, at: copenhagen(2026, 12, 2, 10, 30))
        #expect(Self.pages(box).isEmpty)
        let ack = try Self.acknowledgement(box)
        #expect(ack.contains("spätestens am Mittwoch, 2. Dezember 2026, um 12:00"), "\(ack)")
        #expect(!ack.contains("Bereitschaftsdienst"))
    }

    /// Saturday 02:14 (week 49: Anna's): Anna at once, Bo after 15 minutes, then the team lead; each once.
    @Test func outsideHoursPagesAtOnceThenTheNextThenTheTeamLead() throws {
        let night = copenhagen(2026, 12, 5, 2, 14)
        let box = try Self.sandbox(now: night)
        try box.deliver(Self.mail(id: "out@bergmann.test", subject: "Telefonanlage ausgefallen", Self.outage))
        try Self.run(box, at: night)
        #expect(Self.pages(box).map(\.to) == ["anna@example.test"])
        let page = try #require(box.outboxTexts().first { headerValue("X-Postdesk-Page", in: $0) == "1" })
        let body = MessageParser.parse(Array(page.utf8)).bodyText
        #expect(body.hasPrefix("PD-2026-000001 P1 Bergmann Logistik GmbH: Telefonanlage ausgefallen\n"), "\(body)")
        #expect(body.contains("Requester: Jonas Wagner <j.wagner@bergmann.test>"))
        #expect(body.contains("Phone:     +49 40 9876 5432"))
        #expect(body.contains("seit 23 Uhr kann niemand bei uns telefonieren"))
        let ack = try Self.acknowledgement(box)
        #expect(ack.contains("Bereitschaftsdienst verständigt"), "\(ack)")
        #expect(!ack.contains("spätestens"), "no promise of Monday")

        try Self.run(box, at: night.addingTimeInterval(14 * 60 + 59))
        #expect(Self.pages(box).count == 1, "not before 15 minutes")
        try Self.run(box, at: night.addingTimeInterval(15 * 60))
        #expect(Self.pages(box).map(\.to) == ["anna@example.test", "bo@example.test"])
        try Self.run(box, at: night.addingTimeInterval(30 * 60))
        try Self.run(box, at: night.addingTimeInterval(45 * 60))
        try Self.run(box, at: night.addingTimeInterval(3 * 3600))
        #expect(Self.pages(box).map(\.number) == ["1", "2", "3"])
        #expect(Self.pages(box).last?.to == "lead@example.test")
    }

    /// A page's Message-ID, for a reply to it.
    static func pageMessageID(_ box: Sandbox, number: String = "1") throws -> String {
        let page = try #require(box.outboxTexts().first { headerValue("X-Postdesk-Page", in: $0) == number })
        let id = try #require(headerValue("Message-ID", in: page))
        return id.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
    }

    /// An agent's answer to the customer stops the paging.
    @Test func staffReplyStopsThePaging() throws {
        let night = copenhagen(2026, 12, 5, 2, 14)
        let box = try Self.sandbox(now: night)
        try box.deliver(Self.mail(id: "r@bergmann.test", subject: "Telefonanlage ausgefallen", Self.outage))
        try Self.run(box, at: night)
        box.now = night.addingTimeInterval(6 * 60)
        try box.deliver(Self.mail(from: "Agent One <agent1@example.test>", id: "s1@example.test",
                                  subject: "Re: [PD-2026-000001] Telefonanlage ausgefallen",
                                  inReplyTo: "r@bergmann.test",
                                  "Guten Morgen Herr Wagner,\n\nwir haben die Anlage neu gestartet.\n\nAnna"))
        try Self.run(box, at: box.now)
        try Self.run(box, at: night.addingTimeInterval(20 * 60))
        try Self.run(box, at: night.addingTimeInterval(40 * 60))
        #expect(Self.pages(box).count == 1)
    }

    /// A P1 paged on Saturday at 02:14, answered by an agent's reply to the page `minutes` later.
    static func pagedAndAnswered(after minutes: Double, _ reply: String) throws -> (box: Sandbox, night: Date) {
        let night = copenhagen(2026, 12, 5, 2, 14)
        let box = try Self.sandbox(now: night)
        try box.deliver(Self.mail(id: "paged@bergmann.test", subject: "Telefonanlage ausgefallen", Self.outage))
        try Self.run(box, at: night)
        box.now = night.addingTimeInterval(minutes * 60)
        try box.deliver(Self.mail(from: "agent1@example.test", id: "page-reply@example.test",
                                  subject: "Re: [PD-2026-000001] On-call: P1", inReplyTo: try pageMessageID(box),
                                  reply))
        try Self.run(box, at: box.now)
        return (box, night)
    }

    /// `#ack` in a reply to the page: no word to the customer, no more pages.
    @Test func ackStopsThePagingWithoutAnsweringTheCustomer() throws {
        let (box, night) = try Self.pagedAndAnswered(after: 5, "#ack\nIch schaue es mir an.")
        try Self.run(box, at: night.addingTimeInterval(20 * 60))
        try Self.run(box, at: night.addingTimeInterval(40 * 60))
        #expect(Self.pages(box).count == 1)
        let toCustomer = box.outboxTexts().filter { (headerValue("To", in: $0) ?? "").contains("j.wagner@") }
        #expect(toCustomer.count == 1, "only the acknowledgement")
        let store = try PostdeskStore(path: box.config.database)
        let ticket = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(ticket.status == .open && ticket.clock != nil, "the clock runs on: the customer has no answer")
        #expect(try store.messages(ticketID: ticket.id).contains { $0.role == .incoming(.staffNote) })
    }

    /// A reply to a page is internal, like a reply to any notice, unless it starts with #reply.
    @Test func aReplyToAPageStaysInternalUnlessReply() throws {
        let (box, night) = try Self.pagedAndAnswered(after: 3, "Ich bin unterwegs ins Büro.")
        let pageID = try Self.pageMessageID(box)
        #expect(!box.outboxTexts().contains { $0.contains("unterwegs ins B") && $0.contains("j.wagner@") })
        try Self.run(box, at: night.addingTimeInterval(20 * 60))
        #expect(Self.pages(box).count == 1, "a reply to the page also says someone has it")
        box.now = night.addingTimeInterval(25 * 60)
        try box.deliver(Self.mail(from: "agent1@example.test", id: "n2@example.test",
                                  subject: "Re: On-call", inReplyTo: pageID,
                                  "#reply\nGuten Morgen,\n\nwir sind dran.\n\nAnna"))
        try Self.run(box, at: box.now)
        #expect(box.outboxTexts().contains { $0.contains("wir sind dran.") && $0.contains("j.wagner@") })
    }

    /// Sunday 23:59 is week 49 (Anna), Monday 00:00 week 50 (Bo), Copenhagen time.
    @Test func rotaHandsOverAtMondayMidnightCopenhagen() throws {
        let box = try Self.sandbox(now: copenhagen(2026, 12, 6, 23, 59))
        try box.deliver(Self.mail(id: "sun@bergmann.test", subject: "Telefonanlage ausgefallen", Self.outage))
        try Self.run(box, at: box.now)
        box.now = copenhagen(2026, 12, 7, 0, 0)
        try box.deliver(Self.mail(from: "admin@bergmann.test", id: "mon@bergmann.test", subject: "Server weg",
                                  "Guten Abend,\n\nseit Mitternacht kann niemand bei uns arbeiten, der Server ist "
                                    + "weg."))
        try Self.run(box, at: box.now)
        #expect(Self.pages(box).map(\.to) == ["anna@example.test", "bo@example.test"])
    }

    /// Across the end of summer time: Monday 26 October 2026 00:00 CET is still Sunday in UTC, and already Bo's week
    /// when the rota starts with Anna in week 43.
    @Test func rotaHandsOverAcrossTheDSTChange() throws {
        let rota = ["2026-W43": "anna@example.test", "2026-W44": "bo@example.test"]
        let sunday = copenhagen(2026, 10, 25, 23, 59)
        let box = try Self.sandbox(now: sunday, rota: rota)
        try box.deliver(Self.mail(id: "dst1@bergmann.test", subject: "Telefonanlage ausgefallen", Self.outage))
        try Self.run(box, at: sunday)
        let monday = copenhagen(2026, 10, 26, 0, 0)
        #expect(monday.timeIntervalSince(sunday) == 60)
        box.now = monday
        try box.deliver(Self.mail(from: "admin@bergmann.test", id: "dst2@bergmann.test", subject: "Server weg",
                                  "Guten Abend,\n\nseit Mitternacht kann niemand bei uns arbeiten, der Server ist "
                                    + "weg."))
        try Self.run(box, at: monday)
        #expect(Self.pages(box).map(\.to) == ["anna@example.test", "bo@example.test"])
    }

    /// Juledag (Friday 25 December 2026) at 10:00 is outside hours; with a fixed address there is nobody between
    /// it and the team lead.
    @Test func aHolidayCountsAsOutsideHours() throws {
        let christmas = copenhagen(2026, 12, 25, 10)
        let box = try Self.sandbox(now: christmas, rota: "Vagt SMS <4512345678@sms.example.test>")
        try box.deliver(Self.mail(id: "x@bergmann.test", subject: "Telefonanlage ausgefallen", Self.outage))
        try Self.run(box, at: christmas)
        try Self.run(box, at: christmas.addingTimeInterval(15 * 60))
        try Self.run(box, at: christmas.addingTimeInterval(30 * 60))
        #expect(Self.pages(box).map(\.to) == ["4512345678@sms.example.test", "lead@example.test"])
    }

    /// The SMS gateway's answer to a page (from the rota's address, threaded on the page) is the on-call's: an
    /// internal note that stops the paging, and the gateway never joins the customer's side of the ticket.
    @Test func anSMSGatewayAnswerToAPageIsTheOnCalls() throws {
        let night = copenhagen(2026, 12, 5, 2, 14)
        let box = try Self.sandbox(now: night, rota: "Vagt SMS <4512345678@sms.example.test>")
        try box.deliver(Self.mail(id: "g@bergmann.test", subject: "Telefonanlage ausgefallen", Self.outage))
        try Self.run(box, at: night)
        box.now = night.addingTimeInterval(4 * 60)
        try box.deliver(Self.mail(from: "4512345678@sms.example.test", id: "sms1@sms.example.test",
                                  subject: "SMS", inReplyTo: try Self.pageMessageID(box), "OK kigger på det"))
        try Self.run(box, at: box.now)
        try Self.run(box, at: night.addingTimeInterval(20 * 60))
        #expect(Self.pages(box).count == 1)
        let store = try PostdeskStore(path: box.config.database)
        let ticket = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(ticket.participants.map(\.email) == ["j.wagner@bergmann.test"])
        #expect(try store.messages(ticketID: ticket.id).contains { $0.role == .incoming(.staffNote) })
    }

    /// `#priority P1` on a Saturday pages as a new P1 would; a standard-plan customer (no on-call) is never paged.
    @Test func raisedToP1OutsideHoursPages() throws {
        let saturday = copenhagen(2026, 12, 5, 11)
        let box = try Self.sandbox(now: saturday)
        try box.deliver(Self.mail(from: "admin@bergmann.test", id: "q@bergmann.test", subject: "Drucker",
                                  "Guten Tag,\n\nder Drucker im Lager druckt sehr langsam.\n\nViele Grüße"))
        try box.deliver(Self.mail(from: "it@nordlys.test", id: "n@nordlys.test", subject: "Telefoni nede",
                                  "Hej\n\nIngen kan ringe ud, hele firmaet står stille.\n\nMvh\nIT"))
        try Self.run(box, at: saturday)
        #expect(Self.pages(box).isEmpty)
        box.now = saturday.addingTimeInterval(600)
        try box.deliver(Self.mail(from: "agent1@example.test", id: "p@example.test",
                                  subject: "Re: [PD-2026-000001] Drucker",
                                  "#priority P1\n#note\nKunde hat angerufen: das ganze Lager steht."))
        try Self.run(box, at: box.now)
        #expect(Self.pages(box).map(\.to) == ["anna@example.test"])
    }

    // MARK: configuration

    static func config(_ onCall: Any) throws -> ConfigCase {
        try ConfigCase { json, _ in
            nested(&json, "plans") { plans in
                var extended = plans["extended"] as! [String: Any]
                extended["onCall"] = onCall
                plans["extended"] = extended
            }
        }
    }

    static func issues(_ onCall: Any) throws -> [ConfigIssue] { try config(onCall).issues() }

    @Test func onCallConfigIsReadAndEveryProblemNamed() throws {
        let good = try Self.config(["rota": ["2026-W49": "anna@example.test", "2026-W50": "Bo <bo@example.test>"],
                                    "priorities": ["P1", "P2"], "repageAfter": "10min"])
        let onCall = try #require(try good.load().get().policy.plan(named: "extended")?.onCall)
        #expect(onCall.priorities == [.p1, .p2] && onCall.repageMinutes == 10)
        #expect(onCall.onCall(in: ISOWeek("2026-W50")!)?.email == "bo@example.test")

        func fields(_ onCall: Any) throws -> [String] {
            try Self.issues(onCall).map { "\($0.field): \($0.problem)" }
        }
        let p = "plans.extended.onCall"
        #expect(try fields(["rota": [String](), "rotaStarts": "2026-W49"]) == ["\(p).rota: is empty"])
        #expect(try fields(["rota": ["anna@example.test", "not an address"], "rotaStarts": "2026-W49"])
                == ["\(p).rota[1]: \"not an address\" is not a mail address"])
        #expect(try fields(["rota": ["anna@example.test"]]) == ["\(p).rotaStarts: is missing"])
        #expect(try fields(["rota": ["anna@example.test"], "rotaStarts": "2025-W53"])
                == ["\(p).rotaStarts: \"2025-W53\" is not an ISO week"])
        #expect(try fields(["rota": ["week 49": "anna@example.test"]])
                == ["\(p).rota.week 49: \"week 49\" is not an ISO week"])
        #expect(try fields(["rota": "anna@example.test", "repageAfter": "soon"])
                == ["\(p).repageAfter: \"soon\" is not a duration"])
        #expect(try fields(["rota": "anna@example.test", "repageAfter": "0min"])
                == ["\(p).repageAfter: is not a positive duration"])
        #expect(try fields(["rota": "anna@example.test", "priorities": ["P0"]])
                == ["\(p).priorities: \"P0\" is not a priority"])
        #expect(try fields([:]) == ["\(p).rota: is missing"])
        // A customer's administrator on the rota would count as staff: their requests would be taken as replies.
        #expect(try fields(["rota": "it@nordlys.test"]) == ["customers[0].administrators: \"it@nordlys.test\" "
                + "counts as staff (staff address or domain, team lead, a CSM or an on-call rota), so its mail would "
                + "be taken as a staff reply"])
        let typo = try Self.issues(["rota": "anna@example.test", "repageafter": "5min"])
        #expect(typo.map(\.field) == ["\(p).repageafter"])
        #expect(typo.first?.fix == "did you mean \(p).repageAfter?")
        // check-config names the file and the fix, and run refuses what it reports (exit 2).
        let empty = try Self.config(["rota": [String](), "rotaStarts": "2026-W49", "repageAfter": "-5min"])
        #expect(empty.issues().map(\.description) == [
            "\(empty.path): \(p).rota: is empty. Fix: list the people who take turns a week each",
            "\(empty.path): \(p).repageAfter: \"-5min\" is not a duration. Fix: write \"15min\" or \"1h\"",
        ])
        #expect(PostdeskCommand.main(["check-config", "--config", empty.path]) == 2)
        #expect(PostdeskCommand.main(["run", "--once", "--config", empty.path]) == 2)
        #expect(PostdeskCommand.main(["check-config", "--config", good.path]) == 0)
    }
}
