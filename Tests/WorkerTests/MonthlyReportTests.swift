import Foundation
import Testing
@testable import CLI
@testable import Pipeline
import Desk
import MIME
import Store

/// The CSM's monthly report sent by the worker itself (issue 18), end to end through `postdesk run --once` with a
/// moved clock on the Maildir default: at the opening of the month's first working day (Copenhagen, Danish
/// holidays, weekends), once per month across restarts and passes.
@Suite(.serialized) struct MonthlyReportTests {
    func run(_ box: Sandbox, _ at: String) {
        #expect(PostdeskCommand.main(["run", "--once", "--now", at, "--config", box.configPath]) == 0, "at \(at)")
    }

    /// The worker's own reports on `month` in the outbox (the on-demand ones carry `pd.csm.` Message-IDs).
    func automatic(_ box: Sandbox, _ month: String) -> [String] {
        box.outboxTexts().filter { text in
            headerValue("Subject", in: text)?.hasPrefix("Support report \(month):") == true
                && headerValue("Message-ID", in: text)?.hasPrefix("<pd.csm.") == false
        }
    }

    func request(_ box: Sandbox, _ n: Int, from: String = "admin@bergmann.test") throws {
        try box.deliver(Array(("From: \(from)\r\nTo: support@example.test\r\nSubject: [P1] Server \(n)\r\n"
                               + "Message-ID: <m\(n)@customer.test>\r\n\r\nAlles steht.\r\n").utf8))
    }

    @Test func decemberFirstIsATuesdaySoTheReportGoesAtItsOpeningOnceAcrossRestarts() throws {
        let box = try Sandbox(now: copenhagen(2026, 11, 16, 10))
        try request(box, 1)
        run(box, "2026-11-16T10:00:00+01:00")
        run(box, "2026-11-16T12:30:00+01:00")                       // 2 h P1 target: breached
        #expect(box.outboxTexts().contains { $0.contains("Subject: [PD-2026-000001]") })

        run(box, "2026-11-30T16:00:00+01:00")
        #expect(automatic(box, "2026-11").isEmpty)                  // not on the last day of the month
        #expect(automatic(box, "2026-10").isEmpty)                  // the desk first ran in November
        // On demand it is queued at once and does not count as the month's run.
        #expect(PostdeskCommand.main(["report", "--month", "2026-11", "--mail-csm", "--config", box.configPath]) == 0)
        run(box, "2026-12-01T07:59:59+01:00")
        #expect(automatic(box, "2026-11").isEmpty)                  // before the working day starts

        run(box, "2026-12-01T08:00:00+01:00")
        let sent = automatic(box, "2026-11")
        #expect(sent.count == 1)
        run(box, "2026-12-01T08:00:40+01:00")                       // a second pass in the same minute
        run(box, "2026-12-02T09:00:00+01:00")                       // a restart the next day
        #expect(automatic(box, "2026-11").count == 1)

        let mail = try #require(sent.first)
        #expect(mail.contains("X-Envelope-To: <csm@example.test>"))
        #expect(headerValue("Date", in: mail) == "Tue, 01 Dec 2026 08:00:00 +0100")
        #expect(mail.contains("multipart/alternative") && mail.contains("text/html"))
        let parsed = MessageParser.parse(Array(mail.utf8))
        #expect(parsed.bodyText.contains("P1: 1 ticket(s) [0], 0 % in time [–], 1 breach(es) [0]: PD-2026-000001"))
        #expect(parsed.attachments.map(\.filename) == ["support-2026-11.csv"])
        let store = try PostdeskStore(path: box.config.database)
        #expect(try store.lastRun("csm-report")?.period == "2026-11")
    }

    @Test func newYearsDayAndTheWeekendPutItOnMondayTheFourthAndALateStartStillSendsItOnce() throws {
        let box = try Sandbox(now: copenhagen(2026, 12, 14, 10))
        try request(box, 1, from: "ict@vandijk.test")
        run(box, "2026-12-14T10:00:00+01:00")
        for at in ["2027-01-01T09:00:00+01:00", "2027-01-02T12:00:00+01:00", "2027-01-03T12:00:00+01:00",
                   "2027-01-04T07:59:00+01:00"] {
            run(box, at)
            #expect(automatic(box, "2026-12").isEmpty, "at \(at)")
        }
        // Down all of Monday; started on Tuesday afternoon, the second working day.
        run(box, "2027-01-05T14:00:00+01:00")
        run(box, "2027-01-05T14:00:30+01:00")
        #expect(automatic(box, "2026-12").count == 1)
        #expect(automatic(box, "2026-11").isEmpty)                  // the desk first ran in December
    }

    @Test func mayFirst2027IsASaturdaySoItGoesOnMondayTheThird() throws {
        let box = try Sandbox(now: copenhagen(2027, 4, 20, 10))
        try request(box, 1)
        run(box, "2027-04-20T10:00:00+02:00")
        run(box, "2027-05-01T09:00:00+02:00")
        run(box, "2027-05-03T07:59:00+02:00")
        #expect(automatic(box, "2027-04").isEmpty)
        run(box, "2027-05-03T08:00:00+02:00")
        #expect(automatic(box, "2027-04").count == 1)
    }
}

/// The worker's daily purge when `retention` is configured: the same purge as `postdesk purge`, once a day,
/// logged in counts, and the bytes gone from the database file and its -wal without a VACUUM.
@Suite(.serialized) struct DailyPurgeTests {
    @Test func theWorkerPurgesOnceADayAndTheBytesAreGone() throws {
        let box = try Sandbox(now: copenhagen(2026, 9, 1, 10)) { $0["retention"] = ["months": 1] }
        try box.deliver(Array(("From: it@nordlys.test\r\nTo: support@example.test\r\nSubject: Printer\r\n"
                               + "Message-ID: <p1@nordlys.test>\r\n\r\nSecret-payload-QX81 in the printer\r\n").utf8))
        _ = try box.pipeline().runOnce()
        box.now = copenhagen(2026, 9, 1, 11)
        try box.deliver(Array(("From: agent1@example.test\r\nTo: support@example.test\r\nSubject: Re: Printer\r\n"
                               + "Message-ID: <s1@example.test>\r\nIn-Reply-To: <p1@nordlys.test>\r\n\r\n"
                               + "#close\r\nFixed.\r\n").utf8))
        _ = try box.pipeline().runOnce()
        func fileText() -> String {
            [box.config.database, box.config.database + "-wal"].map {
                String(decoding: FileManager.default.contents(atPath: $0) ?? Data(), as: UTF8.self).lowercased()
            }.joined()
        }
        #expect(fileText().contains("secret-payload-qx81"))
        #expect(box.logLines.lines.filter { $0.contains("retention.purge") }.count == 1)   // one a day, nothing yet

        box.now = copenhagen(2026, 10, 2, 10)                       // resolved 1 month and a day ago
        _ = try box.pipeline().runOnce()
        _ = try box.pipeline().runOnce()                            // the same day again: not run twice
        let purges = box.logLines.lines.filter { $0.contains("retention.purge") }
        #expect(purges.count == 2)
        let last = try #require(purges.last)
        #expect(last.contains("tickets=1 ") && !last.contains("messages=0") && last.contains("done=true"))
        #expect(!box.logLines.lines.contains { $0.lowercased().contains("secret-payload") })
        #expect(!fileText().contains("secret-payload-qx81"))
        let store = try PostdeskStore(path: box.config.database)
        #expect(try store.lastRun("purge")?.period == "2026-10-02")
        #expect(try store.erasureLog().map(\.kind) == ["purge"])
        let ticket = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(try store.mailPurgedAt(ticketID: ticket.id) == copenhagen(2026, 10, 2, 10))
    }
}
