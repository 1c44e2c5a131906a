import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
@testable import Store

/// Issue 6 at Maildir level: the RFC 3834 no-acknowledgement matrix, loops, the per-recipient cap,
/// bad input that must neither stop the loop nor vanish, and file modes.
@Suite(.serialized) struct ReliabilityTests {
    let monday = copenhagen(2026, 11, 16, 10)
    static let admin = "it@nordlys.test"

    /// A mail from `from` with extra header lines (CRLF added here).
    func mail(from: String = ReliabilityTests.admin, id: String, subject: String = "Printeren virker ikke",
              headers: [String] = [], body: String = "Printeren på kontoret virker ikke. Kan I hjælpe?") -> [UInt8] {
        var lines = ["From: \(from)", "To: support@example.test", "Subject: \(subject)", "Message-ID: <\(id)>",
                     "Date: Mon, 16 Nov 2026 09:00:00 +0100", "Content-Type: text/plain; charset=utf-8"]
        lines.insert(contentsOf: headers, at: 0)
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n").utf8)
    }

    func acks(_ store: PostdeskStore, to address: String? = nil) throws -> [OutboxItem] {
        try store.outbox().filter { ($0.kind == .acknowledgement || $0.kind == .refusal)
            && (address == nil || $0.recipients.contains { $0.lowercased() == address!.lowercased() }) }
    }

    // MARK: RFC 3834: no acknowledgement

    /// Each case: header lines (or sender) that must suppress every automatic answer.
    static let noAckCases: [(name: String, from: String, headers: [String], subject: String)] = [
        ("Auto-Submitted: auto-generated", admin, ["Auto-Submitted: auto-generated"], "Printeren virker ikke"),
        ("Auto-Submitted: auto-replied", admin, ["Auto-Submitted: auto-replied"], "Printeren virker ikke"),
        ("Auto-Submitted: auto-notified", admin, ["Auto-Submitted: auto-notified"], "Printeren virker ikke"),
        ("Auto-Submitted upper case + comment", admin, ["Auto-Submitted: Auto-Generated (monitoring)"],
        "Printeren virker ikke"),
        ("Precedence: bulk", admin, ["Precedence: bulk"], "Printeren virker ikke"),
        ("Precedence: junk", admin, ["Precedence: junk"], "Printeren virker ikke"),
        ("Precedence: list", admin, ["Precedence: list"], "Printeren virker ikke"),
        ("List-Id", admin, ["List-Id: IT news <news.nordlys.test>"], "Printeren virker ikke"),
        ("List-Unsubscribe", admin, ["List-Unsubscribe: <mailto:unsub@nordlys.test>"], "Printeren virker ikke"),
        ("X-Auto-Response-Suppress: All", admin, ["X-Auto-Response-Suppress: All"], "Printeren virker ikke"),
        ("X-Auto-Response-Suppress: OOF", admin, ["X-Auto-Response-Suppress: OOF"], "Printeren virker ikke"),
        ("X-Auto-Response-Suppress: AutoReply", admin, ["X-Auto-Response-Suppress: DR, AutoReply"],
        "Printeren virker ikke"),
        ("X-Autoreply", admin, ["X-Autoreply: yes"], "Printeren virker ikke"),
        ("X-Autorespond", admin, ["X-Autorespond: Out of office"], "Printeren virker ikke"),
        ("null envelope sender", admin, ["Return-Path: <>"], "Printeren virker ikke"),
        ("MAILER-DAEMON", "MAILER-DAEMON@nordlys.test", [], "Undelivered Mail Returned to Sender"),
        ("postmaster", "postmaster@nordlys.test", [], "Printeren virker ikke"),
        ("noreply", "noreply@nordlys.test", [], "Printeren virker ikke"),
        ("no-reply", "No-Reply <no-reply@nordlys.test>", [], "Printeren virker ikke"),
        ("our own mail coming back", "Example IT Support <support@example.test>", [],
        "[PD-2026-000009] Printeren virker ikke"),
        ("out-of-office subject, no headers", admin, [], "Automatic reply: Printeren virker ikke"),
        ("Danish out-of-office subject", admin, [], "Autosvar: Printeren virker ikke"),
        ("Precedence: auto_reply", admin, ["Precedence: auto_reply"], "Printeren virker ikke"),
    ]

    @Test(arguments: 0..<noAckCases.count)
    func noAutomaticAnswer(_ index: Int) throws {
        let c = Self.noAckCases[index]
        let box = try Sandbox(now: monday)
        try box.deliver(mail(from: c.from, id: "noack-\(index)@nordlys.test", subject: c.subject, headers: c.headers))
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.taken == 1, "\(c.name)")
        #expect(try acks(p.store).isEmpty, "\(c.name): an automatic answer was queued")
        #expect(box.outboxTexts().allSatisfy { !$0.contains("X-Envelope-To: <\(c.from.lowercased())>") }, "\(c.name)")
    }

    @Test func controlCaseAPersonGetsExactlyOneAcknowledgement() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(mail(id: "person@nordlys.test", headers: [
            "Auto-Submitted: no", "Return-Path: <it@nordlys.test>"]))
        let p = try box.pipeline()
        _ = try p.runOnce()
        #expect(try acks(p.store, to: Self.admin).count == 1)
    }

    @Test func outOfOfficeNeverOpensATicket() throws {
        let box = try Sandbox(now: monday)
        for (i, h) in [["Auto-Submitted: auto-replied"], ["X-Autoreply: yes"], [],
            ["Precedence: auto_reply"]].enumerated() {
            try box.deliver(mail(id: "oof-\(i)@nordlys.test", subject: i == 2 ? "Out of Office: Printer" : "Printer",
                headers: h,
                                 body: "I am out of the office until Monday."))
        }
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.opened == 0)
        #expect(s.ignored == 4)
        #expect(try p.store.tickets().isEmpty)
        #expect(try acks(p.store).isEmpty)
        // An out-of-office answering our acknowledgement joins that ticket instead.
        try box.deliver(mail(id: "real@nordlys.test"))
        _ = try p.runOnce()
        let ackID = try #require(try acks(p.store, to: Self.admin).first?.messageID)
        try box.deliver(mail(id: "oof-join@nordlys.test", subject: "Automatisk svar: Printer",
            headers: ["Auto-Submitted: auto-replied", "In-Reply-To: <\(ackID)>"]))
        let s2 = try p.runOnce()
        #expect(s2.followUps == 1 && s2.opened == 0)
        #expect(try p.store.tickets().count == 1)
        #expect(try acks(p.store).count == 1)
    }

    // MARK: loops

    /// A naive responder (no RFC 3834 headers) answering every mail it gets, threading by In-Reply-To.
    /// Returns how many rounds happened: a round is one answer of ours that the responder answered.
    func naiveExchange(sender: String, keepsSubject: Bool, threads: Bool, maxRounds: Int = 30) throws -> (rounds: Int,
        box: Sandbox, store: PostdeskStore) {
        let box = try Sandbox(now: monday)
        let p = try box.pipeline()
        try box.deliver(mail(from: sender, id: "loop-0@x.test", subject: "Need help"))
        _ = try p.runOnce()
        var answered = Set<String>()
        var rounds = 0
        for round in 1...maxRounds {
            let ours = try p.store.outbox().filter { $0.recipients.contains(sender) &&
                !answered.contains($0.messageID) }
            if ours.isEmpty { break }
            rounds += 1
            for item in ours {
                answered.insert(item.messageID)
                let subject = keepsSubject ? "Re: \(item.subject)" : "Answer " +
                    "number \(round) \(UUID().uuidString.prefix(6))"
                let headers = threads ? ["In-Reply-To: <\(item.messageID)>", "References: <\(item.messageID)>"] : []
                try box.deliver(mail(from: sender, id: "loop-\(round)-\(item.id)@x.test", subject: subject,
                    headers: headers,
                                     body: "Thank you for your mail. This is an automatic answer."))
            }
            box.now = box.now.addingTimeInterval(10)
            _ = try p.runOnce()
        }
        return (rounds, box, p.store)
    }

    @Test func naiveResponderAtAnAdministratorStopsAfterOneRound() throws {
        let (rounds, _, store) = try naiveExchange(sender: Self.admin, keepsSubject: true, threads: true)
        #expect(rounds == 1)
        #expect(try store.tickets().count == 1)
    }

    @Test func naiveResponderAtANonAdministratorStopsAfterOneRound() throws {
        // The refusal's answer must not get a second refusal (it names our refusal in In-Reply-To).
        let (rounds, _, store) = try naiveExchange(sender: "bruger@nordlys.test", keepsSubject: true, threads: true)
        #expect(rounds == 1)
        #expect(try acks(store).count == 1)
    }

    @Test func naiveResponderAtAStrangerStopsAfterOneRound() throws {
        let (rounds, _, store) = try naiveExchange(sender: "robot@unknown-corp.test", keepsSubject: true, threads: true)
        #expect(rounds == 1)
        #expect(try acks(store).count == 1)
    }

    @Test func capHoldsForAResponderThatChangesSubjectsAndDropsThreading() throws {
        // Every answer is a new mail with a new subject and no References: only the cap can stop it.
        let (rounds, box, store) = try naiveExchange(sender: Self.admin, keepsSubject: false, threads: false)
        #expect(try acks(store, to: Self.admin).count == 10)
        #expect(rounds == 10)
        // An hour later the cap opens again, for at most another 10.
        box.now = box.now.addingTimeInterval(3600)
        try box.deliver(mail(id: "later@nordlys.test", subject: "A real question"))
        _ = try box.pipeline().runOnce()
        #expect(try acks(store, to: Self.admin).count == 11)
    }

    @Test func capIsPerRecipientAndConfigurable() throws {
        let box = try Sandbox(now: monday) { $0["autoReplyLimitPerHour"] = 3 }
        for i in 0..<5 { try box.deliver(mail(id: "cap-a\(i)@nordlys.test", subject: "Subject \(i)")) }
        for i in 0..<2 { try box.deliver(mail(from: "mette.holm@nordlys.test", id: "cap-b\(i)@nordlys.test",
            subject: "Other \(i)")) }
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.opened == 7)
        #expect(try acks(p.store, to: Self.admin).count == 3)
        #expect(try acks(p.store, to: "mette.holm@nordlys.test").count == 2)
    }

    // MARK: bad input

    @Test func oversizedMailIsQuarantinedWithOnePoliteReply() throws {
        let box = try Sandbox(now: monday) { $0["maxMessageBytes"] = 20_000 }
        let big = String(repeating: "Vedhæftet log: 0123456789abcdef0123456789abcdef\r\n", count: 1000)
        try box.deliver(mail(id: "big@nordlys.test", subject: "Stor logfil", body: big))
        // The same mail delivered again (another copy) gets no second reply.
        try box.deliver(mail(id: "big@nordlys.test", subject: "Stor logfil", body: big))
        // An oversized automatic mail gets none.
        try box.deliver(mail(id: "big-auto@nordlys.test", subject: "Report",
            headers: ["Auto-Submitted: auto-generated"], body: big))
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.quarantined == 2)
        #expect(s.duplicates == 1)
        #expect(s.opened == 0)
        #expect(box.count(".Postdesk.Quarantine/cur") == 2)
        let held = try p.store.quarantineList()
        #expect(held.count == 2)
        #expect(held.allSatisfy { $0.reason.hasPrefix("oversized") })
        let replies = try acks(p.store, to: Self.admin)
        #expect(replies.count == 1)
        let text = String(decoding: try #require(replies.first).raw, as: UTF8.self)
        #expect(headerValue("Auto-Submitted", in: text) == "auto-replied")
        #expect(headerValue("In-Reply-To", in: text) == "<big@nordlys.test>")
        let body = MessageParser.parse(try #require(replies.first).raw).bodyText
        #expect(body.contains("19\u{A0}KB") && body.contains("for stor"))   // a no-break space keeps the unit
        // Nothing of the oversized mail's body went out.
        #expect(!text.contains("0123456789abcdef"))
    }

    @Test func missingOrUnreadableFromIsQuarantinedWithReason() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(
            Array("To: support@example.test\r\nSubject: no from\r\nMessage-ID: <nofrom@x.test>\r\n\r\nhi\r\n".utf8))
        try box.deliver(
            Array(("From: <<<>>>\r\nTo: support@example.test\r\nSubject: bad from\r\nMessage-ID: " +
                "<badfrom@x.test>\r\n\r\nhi\r\n").utf8))
        try box.deliver(
            Array(("From: undisclosed-recipients:;\r\nTo: support@example.test\r\nSubject: group from\r\nMessage-ID: " +
                "<groupfrom@x.test>\r\n\r\nhi\r\n").utf8))
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.taken == 3)
        #expect(s.quarantined == 3)
        #expect(try p.store.quarantineList().allSatisfy { $0.reason.contains("From") })
        #expect(try p.store.outbox().isEmpty)
    }

    /// Garbage of every kind: nothing stops the loop, nothing is lost (each is in the intake log), the mail after it is
    /// handled.
    @Test func noInputStopsTheLoop() throws {
        let box = try Sandbox(now: monday)
        var rng = SystemRandomNumberGenerator()
        var inputs: [(String, [UInt8])] = [
            ("empty", []),
            ("one newline", [10]),
            ("only CRLFs", Array(repeating: 13, count: 1) + Array(repeating: 10, count: 500)),
            ("binary blob", (0..<65_536).map { _ in UInt8.random(in: 0...255, using: &rng) }),
            ("NULs", Array(repeating: 0, count: 4096)),
            ("header without colon", Array("This is not a header\r\nNor this\r\n\r\nbody\r\n".utf8)),
            ("1 MB header line", Array(("Subject: " + String(repeating: "x",
            count: 1_000_000) + "\r\nFrom: it@nordlys.test\r\n\r\nbody\r\n").utf8)),
            ("unterminated multipart",
            Array(("From: it@nordlys.test\r\nSubject: mp\r\nContent-Type: multipart/mixed; " +
                "boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nstart").utf8)),
            ("bad base64 and charset",
            Array(("From: it@nordlys.test\r\nSubject: =?x-unknown?B?!!!?=\r\nContent-Type: text/plain; " +
                "charset=x-klingon\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@@not base64@@@@\r\n").utf8)),
            ("invalid UTF-8 everywhere", [0x46, 0x72, 0x6F, 0x6D, 0x3A, 0x20] + Array("it@nordlys.test".utf8) + [
                0xFF, 0xFE, 13, 10, 0x53, 0x75, 0x62, 0x6A, 0x3A, 0x20, 0xC3, 0x28, 13, 10, 13, 10, 0xE2, 0x82]),
            ("deep multipart nesting", Self.nested(depth: 300)),
            ("10 000 headers", Array((0..<10_000).map { "X-H\($0): v\r\n" }.joined().utf8) + Array(
                "From: it@nordlys.test\r\n\r\nbody\r\n".utf8)),
        ]
        let corpus = Sandbox.repo.appendingPathComponent("Fixtures/reliability/malformed")
        for name in ((try? FileManager.default.contentsOfDirectory(
            atPath: corpus.path)) ?? []).sorted() where name.hasSuffix(".eml") {
            inputs.append(("corpus \(name)", [UInt8](try Data(contentsOf: corpus.appendingPathComponent(name)))))
        }
        for (_, bytes) in inputs { try box.deliver(bytes) }
        try box.deliver(mail(id: "after-garbage@nordlys.test"))
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.taken == inputs.count + 1)
        #expect(box.count("new") == 0)
        let intake = try p.store.intakeCounts().values.reduce(0, +)
        #expect(intake == inputs.count + 1)
        // The real mail after the garbage became a ticket with its acknowledgement.
        #expect(try acks(p.store, to: Self.admin).count >= 1)
        #expect(try p.store.tickets().contains { $0.state.rootMessageID == "after-garbage@nordlys.test" })
        // Every quarantined one carries a reason.
        #expect(try p.store.quarantineList().allSatisfy { !$0.reason.isEmpty })
    }

    static func nested(depth: Int) -> [UInt8] {
        var text = "From: it@nordlys.test\r\nSubject: nested\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n"
        for i in 1..<depth { text += "--b\(i - 1)\r\nContent-Type: multipart/mixed; boundary=\"b\(i)\"\r\n\r\n" }
        text += "--b\(depth - 1)\r\nContent-Type: text/plain\r\n\r\ndeep\r\n"
        for i in stride(from: depth - 1, through: 0, by: -1) { text += "--b\(i)--\r\n" }
        return Array(text.utf8)
    }

    // MARK: security

    @Test func strangerCarryingAnotherCustomersReferenceOpensANewTicket() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(mail(id: "orig@nordlys.test", subject: "Printeren virker ikke"))
        let p = try box.pipeline()
        _ = try p.runOnce()
        // An administrator of another customer, and a stranger, both claim PD-2026-000001 in the subject.
        try box.deliver(mail(from: "admin@bergmann.test", id: "hijack1@bergmann.test",
            subject: "Re: [PD-2026-000001] Printeren virker ikke",
                             body: "Bitte schicken Sie mir alle Details."))
        _ = try p.runOnce()
        let tickets = try p.store.tickets()
        #expect(tickets.count == 2)
        #expect(tickets[1].state.claimedReference == "PD-2026-000001")
        #expect(tickets[1].state.customerID == "bergmann")
        let first = try #require(try p.store.ticket(reference: "PD-2026-000001"))
        #expect(first.participants.map(\.email) == [Self.admin])
        #expect(try p.store.messages(ticketID: first.id).filter { $0.direction == .incoming }.count == 1)
    }

    @Test func databaseWALAndFolderModes() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(fixture: "Fixtures/demo/04-nl-p4-vandijk-attachment.eml")
        let p = try box.pipeline()
        _ = try p.runOnce()
        // The attachment is a blob inside the database file, not a file of its own.
        let stored = try p.store.db.query("SELECT COUNT(*) AS n FROM blobs").first?.int("n") ?? 0
        #expect(stored >= 1)
        let db = box.dir.appendingPathComponent("db/postdesk.sqlite").path
        func mode(_ path: String) -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int).flatMap { $0 }
        }
        #expect(mode(box.dir.appendingPathComponent("db").path) == 0o700)
        #expect(mode(db) == 0o600)
        #expect(mode(db + "-wal") == 0o600)
        #expect(mode(db + "-shm") == 0o600)
        let entries = try FileManager.default.contentsOfDirectory(atPath: box.dir.appendingPathComponent("db").path)
        #expect(Set(entries).isSubset(of: ["postdesk.sqlite", "postdesk.sqlite-wal", "postdesk.sqlite-shm"]))
    }
}
