import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import Store
@testable import Transport

/// Issue 16: `mailbox.startAt` for the Maildir source, end to end through `postdesk run --once`; issue 15: the
/// oversized mail's quarantine reason says where the whole mail is.
@Suite(.serialized) struct MaildirStartAtTests {
    let monday = copenhagen(2026, 11, 16, 10)

    static func request(_ n: Int) -> [UInt8] {
        Array(("From: Jens <it@nordlys.test>\r\nTo: support@example.test\r\nSubject: Printer \(n) virker ikke\r\n"
            + "Message-ID: <start\(n)@nordlys.test>\r\nDate: Mon, 16 Nov 2026 09:00:00 +0100\r\n\r\n"
            + "Printeren på kontoret virker ikke. Kan I hjælpe?\r\n").utf8)
    }

    /// The sandbox with `startAt` as given (nil: left out, so the default applies).
    func sandbox(startAt: String?) throws -> Sandbox {
        try Sandbox(now: monday) { json in
            var mailbox = json["mailbox"] as! [String: Any]
            mailbox["startAt"] = startAt
            json["mailbox"] = mailbox
        }
    }

    /// The sandbox's config file with another `mailbox.startAt` (as an operator edits it between runs).
    func rewrite(_ box: Sandbox, startAt: String) throws {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.configPath)))
            as! [String: Any]
        var mailbox = json["mailbox"] as! [String: Any]
        mailbox["startAt"] = startAt
        json["mailbox"] = mailbox
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: box.configPath))
    }

    @Test func byDefaultMailAlreadyThereAtTheFirstStartIsBackfill() throws {
        let box = try sandbox(startAt: nil)
        guard case .maildir(_, let startAt) = box.config.mailbox else { Issue.record("not a Maildir"); return }
        #expect(startAt == .new)
        try box.deliver(Self.request(1))
        try box.deliver(Self.request(2))
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        let store = try PostdeskStore(path: box.config.database)
        let first = try store.tickets()
        #expect(first.count == 2, "old mail becomes tickets")
        #expect(first.allSatisfy { $0.state.clock == nil }, "no reaction clocks for backfill")
        #expect(box.outboxFiles().isEmpty, "no mail is sent for backfill: \(box.outboxFiles())")
        #expect(box.count("new") == 0 && box.count("cur") == 2)
        // Mail that arrives after the first start is answered, also after a restart (the boundary is kept).
        Thread.sleep(forTimeInterval: 0.05)
        try box.deliver(Self.request(3))
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        let all = try store.tickets()
        #expect(all.count == 3)
        #expect(all.filter { $0.state.clock != nil }.count == 1)
        #expect(box.outboxFiles().count >= 1)
        #expect(box.outboxTexts().allSatisfy { $0.contains("Printer 3") }, "only the new mail is answered")
    }

    @Test func startAtAllTreatsMailAlreadyThereAsNew() throws {
        let box = try sandbox(startAt: "all")
        try box.deliver(Self.request(1))
        try box.deliver(Self.request(2))
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        let store = try PostdeskStore(path: box.config.database)
        #expect(try store.tickets().count == 2)
        #expect(try store.tickets().allSatisfy { $0.state.clock != nil })
        let texts = box.outboxTexts()
        #expect(texts.contains { $0.contains("Printer 1") } && texts.contains { $0.contains("Printer 2") })
    }

    @Test func aMaildirWithHistoryIsPastItsFirstStart() throws {
        // An installation from before startAt: mail waiting after the upgrade is new mail, not backfill.
        let box = try sandbox(startAt: "all")
        try box.deliver(Self.request(1))
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        let sent = box.outboxFiles().count
        try rewrite(box, startAt: "new")
        try box.deliver(Self.request(2))
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        #expect(box.outboxFiles().count > sent)
        #expect(box.outboxTexts().contains { $0.contains("Printer 2") })
    }

    @Test func aWrongStartAtIsAConfigurationError() throws {
        let box = try sandbox(startAt: "all")
        try rewrite(box, startAt: "later")
        #expect(throws: ConfigErrors.self) { try Configuration.load(path: box.configPath) }
        #expect(PostdeskCommand.main(["check-config", "--config", box.configPath]) == 2)
    }

    // MARK: issue 15: the oversized mail's reason

    @Test func theOversizedReasonSaysWhereTheWholeMailIsKept() throws {
        let box = try Sandbox(now: monday) { $0["maxMessageBytes"] = 50_000 }
        let big = Self.request(9) + Array(String(repeating: "x", count: 200_000).utf8)
        try box.deliver(big, name: "1700000000.huge.test")
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        let store = try PostdeskStore(path: box.config.database)
        let held = try #require(try store.quarantineList().first)
        let whole = box.maildir.appendingPathComponent(".Postdesk.Quarantine/cur/1700000000.huge.test:2,").path
        #expect(held.reason.contains("the whole mail is kept in the quarantine folder \(whole)"), "\(held.reason)")
        #expect(held.reason.contains("nothing is lost"))
        #expect(held.raw.count < big.count, "the record holds the head only")
        #expect((try FileManager.default.attributesOfItem(atPath: whole)[.size] as? Int) == big.count)
    }

    /// Released after the limit was raised, the oversized mail goes back whole, not as the record's head.
    @Test func releasingAnOversizedMailReleasesTheWholeMail() throws {
        let box = try Sandbox(now: monday) { $0["maxMessageBytes"] = 50_000 }
        let big = Self.request(10) + Array(String(repeating: "y", count: 200_000).utf8)
        try box.deliver(big, name: "1700000001.huge.test")
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        let store = try PostdeskStore(path: box.config.database)
        let held = try #require(try store.quarantineList().first)
        // The operator raises the limit, then releases the mail.
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.configPath)))
            as! [String: Any]
        json["maxMessageBytes"] = 1_000_000
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: box.configPath))
        #expect(PostdeskCommand.main(["quarantine", "release", "\(held.id)", "--config", box.configPath]) == 0)
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        let ticket = try #require(try store.tickets().first)
        let message = try #require(try store.messages(ticketID: ticket.state.id).first)
        #expect(message.bodyText.utf8.count > 200_000, "the ticket holds the whole mail, not its 64 KB head")
    }
}
