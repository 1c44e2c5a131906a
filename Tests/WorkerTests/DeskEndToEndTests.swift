import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
@testable import Store

/// Issue 17 on the Maildir default with a moved clock: ownership and its filters, the cap that spares
/// administrators, escalation digests, and what `show`, the log and the metrics file say.
@Suite(.serialized) struct DeskEndToEndTests {
    let monday = copenhagen(2026, 11, 16, 10)

    func mail(from: String, subject: String, id: String, body: String, inReplyTo: String? = nil,
              at date: String = "Mon, 16 Nov 2026 10:00:00 +0100") -> [UInt8] {
        plainMail(from: from, subject: subject, id: id, body: body, inReplyTo: inReplyTo, at: date)
    }

    func newItems(_ store: PostdeskStore, after count: Int) throws -> [OutboxItem] {
        Array(try store.outbox().dropFirst(count))
    }

    func logged(_ event: String, _ field: String, in box: Sandbox) -> Bool {
        box.logLines.lines.contains { $0.contains("event=\(event) ") && $0.contains(field) }
    }

    func postdesk(_ args: [String]) throws -> (out: Data, code: Int32) { try runPostdesk(args) }

    @Test func theFirstToAnswerOwnsTheTicketFollowUpsGoToThemAndTakeAssignAwayMoveThem() throws {
        let box = try Sandbox(now: monday) { json in
            var staff = json["staff"] as! [String: Any]
            staff["addresses"] = ["agent1@example.test", "agent2@example.test"]
            json["staff"] = staff
        }
        let p = try box.pipeline()
        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>", subject: "Printeren virker ikke",
                             id: "o1@nordlys.test", body: "Printeren på kontoret virker ikke."))
        _ = try p.runOnce()
        let store = p.store
        let notification = try #require(try store.outbox().first { $0.kind == .staffNotification })

        box.now = monday.addingTimeInterval(600)
        try box.deliver(mail(from: "Anna Jensen <agent1@example.test>", subject: "Re: \(notification.subject)",
                             id: "a1@example.test", body: "Hej Mette, prøv at genstarte printeren.",
                             inReplyTo: notification.messageID))
        var before = try store.outbox().count
        _ = try p.runOnce()
        var ticket = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(ticket.owner == "agent1@example.test")
        let answered = try newItems(store, after: before)
        let note = try #require(answered.first { $0.kind == .answeredNote })
        #expect(note.recipients == ["agents@example.test"])
        #expect(note.subject == "[PD-2026-000001] Answered by Anna Jensen: Printeren virker ikke")
        let relay = try #require(answered.first { $0.kind == .relay })

        // The customer's follow-up reaches the owner only.
        box.now = monday.addingTimeInterval(1200)
        try box.deliver(mail(from: "mette.holm@nordlys.test", subject: "Re: \(relay.subject)", id: "o2@nordlys.test",
                             body: "Den virker stadig ikke.", inReplyTo: relay.messageID))
        before = try store.outbox().count
        _ = try p.runOnce()
        #expect(try newItems(store, after: before).map(\.recipients) == [["agent1@example.test"]])
        #expect(logged("mail.follow_up", "from=mette.holm@nordlys.test", in: box))
        #expect(logged("mail.staff_reply", "from=agent1@example.test", in: box))

        // Away: the notify list hears instead. Back: the owner again.
        try box.deliver(mail(from: "agent1@example.test", subject: "Ferie", id: "w1@example.test", body: "#away"))
        _ = try p.runOnce()
        #expect(try store.awayStaff() == ["agent1@example.test"])
        try box.deliver(mail(from: "mette.holm@nordlys.test", subject: "Re: \(relay.subject)", id: "o3@nordlys.test",
                             body: "Kan nogen hjælpe i dag?", inReplyTo: relay.messageID))
        before = try store.outbox().count
        _ = try p.runOnce()
        #expect(try newItems(store, after: before).map(\.recipients) == [["agents@example.test"]])
        try box.deliver(mail(from: "agent1@example.test", subject: "Tilbage", id: "w2@example.test", body: "#back"))
        _ = try p.runOnce()
        #expect(try store.awayStaff().isEmpty)

        // #take and #assign move it; the filters follow.
        try box.deliver(mail(from: "agent2@example.test", subject: "Re: [PD-2026-000001] Printeren",
                             id: "t1@example.test", body: "#take"))
        _ = try p.runOnce()
        ticket = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(ticket.owner == "agent2@example.test")
        var args = Arguments(["--mine", "AGENT2@example.test", "--open"])
        let mine = try TicketFilter.take(from: &args)
        #expect(args.items.isEmpty)
        #expect(mine.matches(ticket, now: box.now))
        try box.deliver(mail(from: "agent2@example.test", subject: "Re: [PD-2026-000001] Printeren",
                             id: "t2@example.test", body: "#assign agent1@example.test"))
        _ = try p.runOnce()
        ticket = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(ticket.owner == "agent1@example.test")
        #expect(!mine.matches(ticket, now: box.now))
        let list = try postdesk(["tickets", "--mine", "agent1@example.test", "--customer", "nordlys",
                                 "--config", box.configPath])
        let text = String(decoding: list.out, as: UTF8.self)
        #expect(list.code == 0)
        #expect(text.contains("OWNER") && text.contains("agent1@example.test") && text.contains("1 ticket"))
        let none = try postdesk(["tickets", "--priority", "P1", "--config", box.configPath])
        #expect(String(decoding: none.out, as: UTF8.self).contains("0 tickets"))
    }

    @Test func theNewFieldsAreReadAndCheckedByTheOneReader() throws {
        let box = try Sandbox(now: monday) { json in
            var staff = json["staff"] as! [String: Any]
            staff["away"] = ["Agent1@example.test"]
            staff["answeredNotes"] = "daily"
            json["staff"] = staff
            json["noticeDigestMinutes"] = 10
        }
        #expect(box.config.policy.awayStaff == ["agent1@example.test"])
        #expect(box.config.policy.answeredNotes == .daily)
        #expect(box.config.policy.noticeDigestSeconds == 600)
        let bad = try Sandbox(now: monday)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bad.configPath)))
            as! [String: Any]
        var staff = json["staff"] as! [String: Any]
        staff["answeredNotes"] = "weekly"
        staff["awayList"] = ["x@example.test"]
        json["staff"] = staff
        json["noticeDigestMinutes"] = -1
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: bad.configPath))
        do {
            _ = try Configuration.load(path: bad.configPath)
            Issue.record("expected problems")
        } catch let error as ConfigErrors {
            for field in ["staff.answeredNotes", "staff.awayList", "noticeDigestMinutes"] {
                #expect(error.description.contains(": \(field): "), "no issue for \(field) in:\n\(error)")
            }
        }
    }

    @Test func dailyAnsweredNotesGoFirstAtOnceThenGatheredADayLater() throws {
        let box = try Sandbox(now: monday) { json in
            var staff = json["staff"] as! [String: Any]
            staff["answeredNotes"] = "daily"
            json["staff"] = staff
        }
        let p = try box.pipeline()
        for i in 1...3 {
            try box.deliver(mail(from: "it@nordlys.test", subject: "Sag \(i)", id: "d\(i)@nordlys.test",
                                 body: "Problem nummer \(i)."))
        }
        _ = try p.runOnce()
        for i in 1...3 {
            box.now = monday.addingTimeInterval(Double(i) * 600)
            try box.deliver(mail(from: "Anna Jensen <agent1@example.test>", subject: "Re: [PD-2026-00000\(i)] Sag \(i)",
                                 id: "da\(i)@example.test", body: "Svar på sag \(i)."))
            _ = try p.runOnce()
        }
        func notes() throws -> [OutboxItem] {
            try p.store.outbox().filter { $0.kind == .answeredNote || $0.kind == .noticeDigest }
        }
        #expect(try notes().map(\.kind) == [.answeredNote], "the first at once, the others wait")
        box.now = monday.addingTimeInterval(600 + 86_400)
        _ = try p.runOnce()
        let all = try notes()
        #expect(all.map(\.kind) == [.answeredNote, .noticeDigest])
        #expect(all.last?.subject == "2 notices: PD-2026-000002, PD-2026-000003")
    }

    @Test func overdueAndPriorityFilters() throws {
        let t = TicketState(id: 1, reference: TicketReference(prefix: "PD", year: 2026, number: 1), status: .open,
                            priority: PriorityDecision(.p1, reason: "test"), customerID: "bergmann", plan: "extended",
                            requester: Address(email: "admin@bergmann.test"), participants: [], subject: "x",
                            language: "de", createdAt: monday,
                            clock: ReactionClock(startedAt: monday, dueAt: monday.addingTimeInterval(7200),
                                                 warnAt: monday.addingTimeInterval(5400)))
        var args = Arguments(["--overdue", "--priority", "p1", "--customer", "bergmann"])
        let filter = try TicketFilter.take(from: &args)
        #expect(!filter.matches(t, now: monday.addingTimeInterval(3600)))
        #expect(filter.matches(t, now: monday.addingTimeInterval(7201)))
        var answered = t
        answered.status = .answered
        #expect(!filter.matches(answered, now: monday.addingTimeInterval(7201)), "answered is not waiting for staff")
        var bad = Arguments(["--priority", "P9"])
        #expect(throws: UsageError.self) { try TicketFilter.take(from: &bad) }
    }

    @Test func anAdministratorOpeningElevenTicketsInAnHourGetsElevenAcknowledgementsAndOthersStayCapped() throws {
        let box = try Sandbox(now: monday) { $0["unknownSenders"] = "open" }
        for i in 0..<11 {
            try box.deliver(mail(from: "it@nordlys.test", subject: "Sag \(i)", id: "adm\(i)@nordlys.test",
                                 body: "Bruger nummer \(i) kan ikke logge ind på VPN."))
        }
        for i in 0..<12 {
            try box.deliver(mail(from: "someone@elsewhere.test", subject: "Case \(i)", id: "u\(i)@elsewhere.test",
                                 body: "Question number \(i) about our account."))
        }
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.opened == 23)
        let acks = try p.store.outbox().filter { $0.kind == .acknowledgement }
        #expect(acks.filter { $0.recipients == ["it@nordlys.test"] }.count == 11)
        #expect(acks.filter { $0.recipients == ["someone@elsewhere.test"] }.count == 10, "a stranger keeps the cap")
        #expect(box.logLines.lines.contains { $0.contains("event=mail.ack_withheld ")
            && $0.contains("from=someone@elsewhere.test") && $0.contains("autoReplyLimitPerHour") })
        let withheld = try #require(try p.store.tickets().last?.state)
        let shown = try postdesk(["show", withheld.reference.description, "--config", box.configPath])
        #expect(String(decoding: shown.out, as: UTF8.self)
            .contains("No acknowledgement: 10 automatic mails to someone@elsewhere.test"))
    }

    @Test func noticesDueTogetherToOnePersonGoOutAsOneDigestAndLaterOnesWaitForTheWindow() throws {
        let box = try Sandbox(now: monday)
        for i in 1...3 {
            try box.deliver(mail(from: "admin@bergmann.test", subject: "[P1] Lager \(i) steht still",
                                 id: "p\(i)@bergmann.test", body: "Das Lager \(i) ist ausgefallen."))
        }
        let p = try box.pipeline()
        _ = try p.runOnce()
        let warnAt = try #require(try p.store.ticket(reference: "PD-2026-000001")?.clock?.warnAt)
        box.now = monday.addingTimeInterval(120)
        try box.deliver(mail(from: "j.wagner@bergmann.test", subject: "[P1] Scanner ausgefallen",
                             id: "p4@bergmann.test", body: "Kein Scanner funktioniert."))
        _ = try p.runOnce()
        let tickets = try p.store.tickets().map(\.state)
        #expect(tickets.count == 4)

        box.now = warnAt
        var before = try p.store.outbox().count
        _ = try p.runOnce()
        let first = try newItems(p.store, after: before)
        #expect(first.map(\.kind) == [.noticeDigest], "three warnings to the CSM in one mail")
        let digest = try #require(first.first)
        #expect(digest.recipients == ["csm@example.test"])
        #expect(digest.subject == "3 notices: PD-2026-000001, PD-2026-000002, PD-2026-000003")
        let text = String(decoding: digest.raw, as: UTF8.self)
        let references = headerValue("References", in: text) ?? ""
        for i in 1...3 { #expect(references.contains("<p\(i)@bergmann.test>"), "threaded to ticket \(i)") }

        // The fourth ticket's warning is due 2 minutes later: it waits until 5 minutes after the digest.
        let fourthWarn = try #require(tickets[3].clock?.warnAt)
        box.now = fourthWarn
        before = try p.store.outbox().count
        _ = try p.runOnce()
        #expect(try newItems(p.store, after: before).isEmpty)
        box.now = warnAt.addingTimeInterval(300)
        _ = try p.runOnce()
        let later = try newItems(p.store, after: before)
        #expect(later.map(\.kind) == [.escalationWarning], "one held notice goes out as written")
        #expect(later.first?.subject.contains("PD-2026-000004") == true)

        // An agent's reply to the digest stays internal: it names several tickets.
        try box.deliver(mail(from: "agent1@example.test", subject: "Re: \(digest.subject)", id: "r1@example.test",
                             body: "Ich kümmere mich darum.", inReplyTo: digest.messageID))
        before = try p.store.outbox().count
        _ = try p.runOnce()
        #expect(try newItems(p.store, after: before).allSatisfy { !$0.recipients.contains("admin@bergmann.test") })
    }

    @Test func showDecodesNamesQuarantineShowPutsTheReasonFirstAndTheLogSaysWhatWasSent() throws {
        let box = try Sandbox(now: monday)
        let encoded = Data("Mette Høj".utf8).base64EncodedString()
        try box.deliver(mail(from: "=?utf-8?B?\(encoded)?= <mette.holm@nordlys.test>",
                             subject: "Printer", id: "n1@nordlys.test", body: "Printeren er gået i stå."))
        try box.deliver(Array("To: support@example.test\r\nSubject: no sender\r\n\r\nBody\r\n".utf8))
        _ = try box.pipeline().runOnce()
        let shown = String(decoding: try postdesk(["show", "PD-2026-000001", "--config", box.configPath]).out,
                           as: UTF8.self)
        #expect(shown.contains("Requester:  Mette Høj <mette.holm@nordlys.test>"))
        #expect(!shown.contains("=?utf-8?"))
        #expect(shown.contains("Owner:"))

        let quarantined = try postdesk(["quarantine", "show", "1", "--config", box.configPath])
        let raw = String(decoding: quarantined.out, as: UTF8.self)
        #expect(raw.hasPrefix("Reason: missing or unreadable From\n"))
        #expect(raw.hasSuffix("Body\r\n"))

        let sent = box.logLines.lines.filter { $0.contains("event=mail.sent") }
        #expect(sent.contains { $0.contains("kind=acknowledgement") && $0.contains("to=mette.holm@nordlys.test")
            && $0.contains("ref=PD-2026-000001") && $0.contains("level=info") })
        #expect(logged("mail.ticket", "from=mette.holm@nordlys.test", in: box))
    }

    @Test func theMetricsFileIsValidExpositionWithCountersThatSurviveARestart() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(mail(from: "admin@bergmann.test", subject: "[P1] Lager steht still", id: "m1@bergmann.test",
                             body: "Das Lager ist ausgefallen."))
        try box.deliver(mail(from: "it@nordlys.test", subject: "Printer", id: "m2@nordlys.test",
                             body: "Printeren driller."))
        _ = try box.pipeline().runOnce()
        box.now = monday.addingTimeInterval(3 * 3600)
        let restarted = try box.pipeline()   // a new process: nothing in memory
        restarted.writeMetrics()
        let text = try String(contentsOf: box.dir.appendingPathComponent("postdesk.prom"), encoding: .utf8)
        #expect(text.contains("postdesk_tickets_opened_total 2\n"))
        #expect(text.contains("postdesk_mails_sent_total{kind=\"acknowledgement\"} 2\n"))
        #expect(text.contains("postdesk_open_tickets{priority=\"P1\",plan=\"extended\"} 1\n"))
        #expect(text.contains("postdesk_tickets_past_due 1\n"), "the P1 (2 h) is past due after 3 hours")
        #expect(text.contains("postdesk_oldest_unanswered_request_age_seconds 10800\n"))
        #expect(text.contains("postdesk_acknowledgements_withheld_total 0\n"))
        try ExpositionCheck.validate(text)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/promtool")
            process.arguments = ["check", "metrics"]
            let input = Pipe()
            process.standardInput = input
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            input.fileHandleForWriting.write(Data(text.utf8))
            try input.fileHandleForWriting.close()
            let said = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "promtool: \(said)")
        }
    }
}

/// The text exposition format's rules, checked line by line: each family has HELP and TYPE before its samples, once;
/// sample names belong to the family; label sets are well formed; values are numbers; counters are not negative.
enum ExpositionCheck {
    struct Problem: Error, CustomStringConvertible { var description: String }

    static func validate(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw Problem(description: "no final newline") }
        var types: [String: String] = [:]
        var helped = Set<String>()
        var current: String?
        let name = #"[a-zA-Z_:][a-zA-Z0-9_:]*"#
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            let l = String(line)
            if l.hasPrefix("# HELP ") || l.hasPrefix("# TYPE ") {
                let parts = l.split(separator: " ", maxSplits: 3).map(String.init)
                guard parts.count >= 4, parts[2].range(of: "^\(name)$", options: .regularExpression) != nil else {
                    throw Problem(description: "bad comment: \(l)")
                }
                if parts[1] == "HELP" {
                    guard helped.insert(parts[2]).inserted else { throw Problem(description: "second HELP: \(l)") }
                } else {
                    guard types[parts[2]] == nil, ["counter", "gauge"].contains(parts[3]) else {
                        throw Problem(description: "bad or second TYPE: \(l)")
                    }
                    types[parts[2]] = parts[3]
                }
                current = parts[2]
                continue
            }
            let labels = #"(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})?"#
            let sample = "^(\(name))\(labels) (-?[0-9.e+]+|NaN|[+-]Inf)$"
            guard let match = l.range(of: sample, options: .regularExpression),
                  match == l.startIndex..<l.endIndex else {
                throw Problem(description: "bad sample: \(l)")
            }
            let family = String(l.prefix { $0 != "{" && $0 != " " })
            guard family == current, let type = types[family], helped.contains(family) else {
                throw Problem(description: "sample outside its family's HELP/TYPE: \(l)")
            }
            let value = Double(l.split(separator: " ").last!)!
            if type == "counter", value < 0 { throw Problem(description: "negative counter: \(l)") }
        }
    }
}
