import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
@testable import Store

@Suite(.serialized) struct OperationsTests {
    let monday = copenhagen(2026, 11, 16, 10)

    func adminMail(_ id: String, subject: String) -> [UInt8] {
        Array(("From: Admin <admin@bergmann.test>\r\nTo: support@example.test\r\nSubject: \(subject)\r\nMessage-ID: " +
            "<\(id)>\r\nDate: Mon, 02 Nov 2026 09:00:00 +0100\r\n\r\nBitte helfen.\r\n").utf8)
    }

    /// A stop request ends the service loop's wait for mail at once, not after the poll interval.
    @Test func stopRequestEndsTheWaitForMail() throws {
        let box = try Sandbox(now: monday) { $0["pollSeconds"] = 60 }
        let pipeline = try box.pipeline()
        let stop = StopSignal()
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let running = pipeline
        Thread.detachNewThread {
            running.run(until: stop)
            finished.signal()
        }
        Thread.sleep(forTimeInterval: 0.5)   // the first pass is done and the loop waits for mail
        let asked = Date()
        stop.request()
        #expect(finished.wait(timeout: .now() + 5) == .success, "the worker did not stop within 5 s")
        #expect(Date().timeIntervalSince(asked) < 2)
        #expect(box.logLines.lines.contains { $0.contains("event=worker.stopped") })
    }

    /// Our Message-IDs carry 128 random bits (32 hex digits), so only a recipient of our mail can name it, after
    /// the time in milliseconds, so later mails sort after earlier ones.
    @Test func messageIDsAreRandomAndWellFormed() throws {
        let box = try Sandbox(now: monday)
        let pipeline = try box.pipeline()
        let ids = (0..<2000).map { _ in pipeline.makeMessageID() }
        #expect(Set(ids).count == ids.count)
        let randomParts = ids.map { id -> Substring in
            let parts = id.split(separator: "@")
            #expect(parts.count == 2 && parts[1] == "example.test")
            let fields = parts[0].split(separator: ".")
            #expect(fields.count == 3 && fields[0] == "pd" && fields[1].count == 11 && fields[2].count == 32)
            #expect(fields[1].allSatisfy(\.isHexDigit) && fields[2].allSatisfy(\.isHexDigit))
            #expect(UInt64(fields[1], radix: 16) == UInt64(monday.timeIntervalSince1970 * 1000))
            return fields[2]
        }
        // Both halves of the random part vary (a stuck half would repeat).
        #expect(Set(randomParts.map { $0.prefix(16) }).count == ids.count)
        #expect(Set(randomParts.map { $0.suffix(16) }).count == ids.count)
        box.now = monday.addingTimeInterval(1)
        #expect(pipeline.makeMessageID() > ids[0])
    }

    /// Intake fetches the next batch while one commits: with small batches every mail is still taken exactly once,
    /// in order, and settled, and a mail arriving meanwhile is picked up too.
    @Test func pipelinedIntakeTakesEveryMailOnce() throws {
        let box = try Sandbox(now: monday) { $0["batchSize"] = 4 }
        for i in 1...23 { try box.deliver(adminMail("pipe\(i)@bergmann.test", subject: "Pipe \(i)")) }
        let pipeline = try box.pipeline()
        var summary = PassSummary()
        var batches = 0
        try pipeline.intakeAll(into: &summary) { _ in
            batches += 1
            if batches == 2 { try? box.deliver(self.adminMail("late@bergmann.test", subject: "Late")) }
        }
        #expect(summary.taken == 24)
        #expect(summary.opened == 24)
        #expect(batches == 6)
        #expect(box.count("new") == 0 && box.count("cur") == 24)
        let subjects = try pipeline.store.tickets().map(\.state.subject)
        #expect(subjects.count == 24 && Set(subjects).count == 24)
        #expect(Array(subjects.prefix(23)) == (1...23).map { "Pipe \($0)" })   // references follow arrival order
        #expect(box.logLines.lines.filter { $0.contains("event=intake.batch") }.count == 6)
        // The lane checkpointed the WAL while the commit thread's own checkpoints were off, and they are back on.
        let db = pipeline.store.db
        #expect(try db.query("PRAGMA wal_autocheckpoint").first?.int("wal_autocheckpoint") == 1000)
        let fileBytes = (try FileManager.default.attributesOfItem(atPath: db.path)[.size] as? Int) ?? 0
        #expect(fileBytes > 100_000, "database file has \(fileBytes) bytes: nothing was checkpointed into it")
    }

    @Test func importIsIdempotentAndSendsNothing() throws {
        let box = try Sandbox(now: monday)
        var mbox: [UInt8] = []
        for i in 1...3 {
            mbox += Array("From admin@bergmann.test Mon Nov  2 09:00:00 2026\n".utf8)
            mbox += adminMail("imp\(i)@bergmann.test", subject: "Import \(i)") + Array(
                ">From the body, escaped\n\n".utf8)
        }
        let path = box.dir.appendingPathComponent("old.mbox").path
        FileManager.default.createFile(atPath: path, contents: Data(mbox))
        #expect(PostdeskCommand.main(["import", path, "--config", box.configPath]) == 0)
        let store = try PostdeskStore(path: box.config.database)
        #expect(try store.tickets().count == 3)
        #expect(try store.outbox().isEmpty)                       // backfill sends nothing
        #expect(try store.tickets().allSatisfy { $0.state.clock == nil })
        #expect(try store.messages(ticketID: 1).first?.bodyText.contains("From the body, escaped") == true)
        #expect(PostdeskCommand.main(["import", path, "--config", box.configPath]) == 0)
        #expect(try store.tickets().count == 3)
    }

    @Test func healthReportsStalePollAndRecovers() throws {
        let box = try Sandbox(now: Date())
        #expect(PostdeskCommand.main(["health", "--config", box.configPath]) == 1)   // never polled
        box.now = Date()
        _ = try box.pipeline().runOnce()
        #expect(PostdeskCommand.main(["health", "--config", box.configPath]) == 0)
        box.now = Date().addingTimeInterval(-3600)
        _ = try box.pipeline().runOnce()
        #expect(PostdeskCommand.main(["health", "--config", box.configPath]) == 1)   // last poll an hour ago
    }

    @Test func bounceMarksOurMailFailedTellsStaffAndOpensNoTicket() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(adminMail("b1@bergmann.test", subject: "Drucker"))
        let p = try box.pipeline()
        _ = try p.runOnce()
        let ack = try #require(try p.store.outbox().first { $0.kind == .acknowledgement })
        let report = """
            From: MAILER-DAEMON@mx.bergmann.test\r
            To: support@example.test\r
            Subject: Undelivered Mail Returned to Sender\r
            Message-ID: <bounce1@mx.bergmann.test>\r
            Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r
            \r
            --B\r
            Content-Type: text/plain\r
            \r
            The mail could not be delivered.\r
            --B\r
            Content-Type: message/delivery-status\r
            \r
            Final-Recipient: rfc822; admin@bergmann.test\r
            Status: 5.1.1\r
            --B\r
            Content-Type: text/rfc822-headers\r
            \r
            Message-ID: <\(ack.messageID)>\r
            Subject: [PD-2026-000001] Drucker\r
            --B--\r

            """
        try box.deliver(Array(report.utf8))
        let s = try p.runOnce()
        #expect(s.opened == 0)
        #expect(s.ignored == 1)
        #expect(try p.store.outboxItem(messageID: ack.messageID)?.status == .failed)
        let notice = try #require(try p.store.outbox().first { $0.kind == .deliveryFailure })
        #expect(notice.recipients == ["agents@example.test"])
        #expect(try p.store.tickets().count == 1)
        // Mails sent before our Message-IDs carried the time are still recognized when they bounce.
        let older = "pd.0123456789abcdef0123456789abcdef@example.test"
        #expect(BounceReport.ourMessageIDs(
            in: Array("Message-ID: <\(older)>\r\nIn-Reply-To: <\(ack.messageID)>".utf8)) == [older, ack.messageID])
    }

    @Test func monthlyReportCountsReactionTimesInBusinessTime() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(
            Array(("From: admin@bergmann.test\r\nTo: support@example.test\r\nSubject: [P1] Server " +
                "down\r\nMessage-ID: <r1@bergmann.test>\r\n\r\nAlles steht.\r\n").utf8))
        _ = try box.pipeline().runOnce()
        box.now = monday.addingTimeInterval(45 * 60)
        try box.deliver(
            Array(("From: agent1@example.test\r\nTo: support@example.test\r\nSubject: Re: [PD-2026-000001] Server " +
                "down\r\nMessage-ID: <r2@example.test>\r\nIn-Reply-To: <r1@bergmann.test>\r\n\r\nWir sind " +
                    "dran.\r\n").utf8))
        _ = try box.pipeline().runOnce()
        let store = try PostdeskStore(path: box.config.database)
        let report = ReactionReport(records: try store.reportRows(
            from: copenhagen(2026, 11, 1, 0), to: copenhagen(2026, 12, 1, 0)),
                                    policy: box.config.policy, now: box.now)
        let line = try #require(report.lines.first)
        #expect(line.customer == "bergmann")
        #expect(line.priority == .p1)
        #expect(line.tickets == 1)
        #expect(line.medianMinutes == 45)
        #expect(line.withinTarget == 1.0)
        #expect(line.breaches == 0)
        #expect(PostdeskCommand.main(["report", "--month", "2026-11", "--csv", "--config", box.configPath]) == 0)
    }
}

@Suite(.serialized) struct QuarantineCommandTests {
    @Test func retryRunsTheStoredMailAgainAfterTheCauseIsFixed() throws {
        // Unknown senders quarantined first; after the config opens to them, a retry opens the ticket.
        let box = try Sandbox(now: copenhagen(2026, 11, 16, 10)) { $0["unknownSenders"] = "quarantine" }
        try box.deliver(
            Array(("From: new@prospect.test\r\nTo: support@example.test\r\nSubject: Hello\r\nMessage-ID: " +
                "<q1@prospect.test>\r\n\r\nHi.\r\n").utf8))
        let s = try box.pipeline().runOnce()
        #expect(s.quarantined == 1)
        #expect(PostdeskCommand.main(["quarantine", "list", "--config", box.configPath]) == 0)
        // still quarantined
        #expect(PostdeskCommand.main(["quarantine", "retry", "1", "--config", box.configPath]) == 1)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.configPath))) as! [
            String: Any]
        json["unknownSenders"] = "open"
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: box.configPath))
        #expect(PostdeskCommand.main(["quarantine", "retry", "1", "--config", box.configPath]) == 0)
        let store = try PostdeskStore(path: box.config.database)
        #expect(try store.tickets().count == 1)
        #expect(try store.quarantined(id: 1)?.status == .retried)
    }
    // The example configs: ConfigurationCasesTests.shippedAndExampleConfigsAreValid (with their secrets set).
}
