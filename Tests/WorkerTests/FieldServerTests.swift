import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
@testable import Store
import Transport

/// A mailbox whose mail and settle failures the test chooses, recording every settle (issue 16).
final class ScriptedSource: MailboxSource {
    let mailboxName = "INBOX"
    var batches: [[IncomingMail]]
    var failSettles = false
    private(set) var settled: [(String, Disposition)] = []

    init(_ batches: [[IncomingMail]]) { self.batches = batches }

    func fetch(after checkpoint: MailboxCheckpoint?, limit: Int) throws -> [IncomingMail] {
        batches.isEmpty ? [] : batches.removeFirst()
    }

    func settle(_ mail: IncomingMail, as disposition: Disposition) throws {
        if failSettles { throw IMAPError.commandFailed(command: "UID MOVE 3 "
            + "\"INBOX.Postdesk.Quarantine\"", response: "NO Invalid mailbox name") }
        settled.append((mail.key, disposition))
    }

    func waitForMail(timeout: Double, interrupted: () -> Bool) {}
}

/// A relay that refuses our account (Microsoft 365 with SMTP AUTH disabled), then accepts.
final class RefusingSender: MailSender {
    var refuse = true
    private(set) var sent = 0

    func send(_ raw: [UInt8], envelopeFrom: String, recipients: [String], messageID: String) throws {
        if refuse { throw SendError.account("535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication "
            + "is disabled for the Tenant.") }
        sent += 1
    }
}

@Suite("Mail on other servers: the pipeline's side", .serialized)
struct FieldServerTests {
    let monday = copenhagen(2026, 11, 16, 10)

    static func mail(_ uid: UInt64, _ body: String = "Bitte helfen.", unreadable: String? = nil) -> IncomingMail {
        let text = "From: Admin <admin@bergmann.test>\r\nTo: support@example.test\r\nSubject: Drucker \(uid)\r\n"
            + "Message-ID: <field\(uid)@bergmann.test>\r\n\r\n\(body)\r\n"
        return IncomingMail(key: "77/\(uid)", bytes: unreadable == nil ? Array(text.utf8) : [],
                            checkpoint: MailboxCheckpoint(mailbox: "INBOX", validity: 77, lastUID: uid),
                                unreadable: unreadable)
    }

    func pipeline(_ box: Sandbox, _ source: MailboxSource, _ sender: MailSender? = nil) throws -> Pipeline {
        Pipeline(config: box.config, store: try PostdeskStore(path: box.config.database), source: source,
                 sender: try sender ?? FileOutbox(path: box.outbox.path), log: Log(level: .debug,
                     write: box.logLines.append),
                 now: { [unowned box] in box.now })
    }

    @Test func mailTheServerWouldNotReturnIsQuarantinedAndTheRestContinue() throws {
        let box = try Sandbox(now: monday)
        let why = "UID 3 could not be fetched: server said NO The requested message could not be converted to "
            + "an RFC-822 compatible format."
        let source = ScriptedSource([[Self.mail(2), Self.mail(3, unreadable: why), Self.mail(4)]])
        let p = try pipeline(box, source)
        var summary = PassSummary()
        try p.intakeAll(into: &summary)
        #expect(summary.opened == 2 && summary.quarantined == 1)
        let q = try p.store.quarantineList()
        #expect(q.map(\.key) == ["77/3"] && q.first?.reason == why)
        #expect(source.settled.map(\.0) == ["77/2", "77/3", "77/4"])
        #expect(source.settled[1].1 == .quarantined(reason: why))
        #expect(try p.store.checkpoint(mailbox: "INBOX")?.lastUID == 4)
    }

    @Test func aFailedMoveEndsThePassAndTheLeftoverIsSettledAsWhatItWas() throws {
        let box = try Sandbox(now: monday)
        let why = "UID 3 could not be fetched: the server left it out of its FETCH response"
        let source = ScriptedSource([[Self.mail(3, unreadable: why)]])
        source.failSettles = true
        let p = try pipeline(box, source)
        var summary = PassSummary()
        #expect(throws: IMAPError.self) { try p.intakeAll(into: &summary) }   // not a silent success
        #expect(box.logLines.lines.contains { $0.contains("mailbox.settle_failed") && $0.contains("Invalid "
            + "mailbox name") })
        // The source offers the committed leftover again: it goes to the quarantine folder, never to Processed.
        source.failSettles = false
        var cp = Self.mail(3)
        cp.bytes = []
        cp.unreadable = why
        source.batches = [[cp]]
        var again = PassSummary()
        try p.intakeAll(into: &again)
        #expect(again.alreadyDone == 1)
        #expect(source.settled.count == 1)
        if case .quarantined = source.settled[0].1 {} else { Issue.record("settled as \(source.settled[0].1)") }
    }

    @Test func accountRefusalKeepsMailPendingAndFailsHealthWithTheServersWords() throws {
        let box = try Sandbox(now: Date())
        let sender = RefusingSender()
        let p = try pipeline(box, ScriptedSource([[Self.mail(5)]]), sender)
        let first = try p.runOnce()
        #expect(first.sent == 0 && first.sendFailures == 1)
        #expect(first.lastSendError?.contains("5.7.139") == true)
        #expect(try p.store.outbox().allSatisfy { $0.status == .pending })
        #expect(try p.store.state(Pipeline.accountRefusedState)?.value.contains("SmtpClientAuthentication is "
            + "disabled") == true)
        #expect(PostdeskCommand.main(["health", "--config", box.configPath]) == 1)
        sender.refuse = false
        try p.store.makePendingDue(now: Date().addingTimeInterval(7200))
        box.now = Date().addingTimeInterval(7200)
        var summary = PassSummary()
        try p.deliver(into: &summary)
        #expect(sender.sent > 0)
        #expect(try p.store.state(Pipeline.accountRefusedState)?.value == "")
    }

    @Test func runOnceExitsOneWhenEverySendFailed() throws {
        let box = try Sandbox(now: Date()) {
            $0["outbox"] = ["kind": "smtp", "url": "smtp://127.0.0.1:1", "tls": "none", "heloName": "postdesk.test"]
        }
        try box.deliver(Array(("From: Admin <admin@bergmann.test>\r\nTo: support@example.test\r\nSubject: "
            + "Drucker\r\nMessage-ID: <once@bergmann.test>\r\n\r\nBitte helfen.\r\n").utf8))
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 1)
        // Nothing to send: success again.
        let quiet = try Sandbox(now: Date())
        #expect(PostdeskCommand.main(["run", "--once", "--config", quiet.configPath]) == 0)
    }

    @Test func backfillMailOpensATicketWithoutMailsOrClock() throws {
        let box = try Sandbox(now: monday)
        var old = Self.mail(8)
        old.backfill = true
        let p = try pipeline(box, ScriptedSource([[old, Self.mail(9)]]))
        var summary = PassSummary()
        try p.intakeAll(into: &summary)
        #expect(summary.opened == 2)
        let tickets = try p.store.tickets()
        #expect(tickets.filter { $0.state.clock == nil }.count == 1)
        // Only the new mail is acknowledged.
        #expect(try p.store.outbox().filter { $0.kind == .acknowledgement }.map(
            \.subject).allSatisfy { $0.contains("Drucker 9") })
        #expect(try p.store.outbox().filter { $0.kind == .acknowledgement }.count == 1)
    }

    @Test func mechanismAndStartAtAreRead() throws {
        let env = ["POSTDESK_IMAP_PASSWORD": "x", "POSTDESK_SMTP_PASSWORD": "y"]
        let path = Sandbox.repo.appendingPathComponent("Config/examples/exchange-onprem.json").path
        let config = try Configuration.load(path: path, environment: env)
        guard case .imap(let imap) = config.mailbox, case .smtp(let smtp) = config.outbox else {
            Issue.record("not IMAP/SMTP"); return
        }
        #expect(imap.mechanism == .plain && imap.startAt == .new && smtp.mechanism == .login)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [
            String: Any]
        var mailbox = json["mailbox"] as! [String: Any]
        mailbox["mechanism"] = "gssapi"
        mailbox["startAt"] = "later"
        json["mailbox"] = mailbox
        let bad = NSTemporaryDirectory() + "pd-field-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: bad))
        defer { try? FileManager.default.removeItem(atPath: bad) }
        #expect(throws: (any Error).self) { try Configuration.load(path: bad, environment: env) }
        do { _ = try Configuration.load(path: bad, environment: env) } catch {
            #expect("\(error)".contains("mailbox.mechanism") && "\(error)".contains("mailbox.startAt"))
        }
    }
}

/// A relay that accepts every recipient but one (a stale address in `staff.notify`).
final class OneRefusedSender: MailSender {
    let refused: String
    private(set) var delivered: [[String]] = []
    init(refusing address: String) { refused = address }

    func send(_ raw: [UInt8], envelopeFrom: String, recipients: [String], messageID: String) throws {
        _ = try deliver(raw, envelopeFrom: envelopeFrom, recipients: recipients, messageID: messageID)
    }

    func deliver(_ raw: [UInt8], envelopeFrom: String, recipients: [String], messageID: String) throws -> SendResult {
        delivered.append(recipients.filter { $0 != refused })
        return SendResult(refused: recipients.contains(refused) ? [
            (refused, "550 5.1.1 <\(refused)>: User unknown")] : [])
    }
}

@Suite struct RefusedRecipientTests {
    @Test func oneRefusedRecipientDeliversToTheOthersAndStaffHearOnce() throws {
        let box = try Sandbox(now: copenhagen(2026, 11, 16, 10)) { json in
            var staff = json["staff"] as! [String: Any]
            staff["notify"] = ["Support team <agents@example.test>", "old@example.test"]
            json["staff"] = staff
        }
        let sender = OneRefusedSender(refusing: "old@example.test")
        let p = Pipeline(config: box.config, store: try PostdeskStore(path: box.config.database),
                         source: try MaildirSource(path: box.maildir.path), sender: sender,
                         log: Log(level: .debug, write: box.logLines.append), now: { [unowned box] in box.now })
        for i in 1...2 {
            try box.deliver(Array(("From: it@nordlys.test\r\nTo: support@example.test\r\nSubject: Printer \(i)\r\n"
                + "Message-ID: <r\(i)@nordlys.test>\r\n\r\nPrinteren virker ikke.\r\n").utf8))
        }
        _ = try p.runOnce()
        _ = try p.runOnce()
        let notices = try p.store.outbox().filter { $0.kind == .deliveryFailure }
        #expect(notices.count == 1, "staff hear once about the stale address")
        #expect(try p.store.outbox(status: .pending).isEmpty)
        #expect(sender.delivered.contains { $0.contains("agents@example.test") })
    }
}
