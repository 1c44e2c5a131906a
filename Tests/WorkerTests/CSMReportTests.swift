import Foundation
import Testing
@testable import CLI
@testable import Pipeline
import Desk
import MIME
import Store

/// The CSM's monthly report (issue 18, stretch): on demand with `report --month … --mail-csm`.
@Suite(.serialized) struct CSMReportTests {
    @Test func eachCSMGetsOneMailOnTheirCustomersWithTheMonthBeforeAndACSV() throws {
        let november = copenhagen(2026, 11, 16, 10), october = copenhagen(2026, 10, 12, 10)
        let box = try Sandbox(now: october) { json in
            var plans = json["plans"] as! [String: Any]
            var extended = plans["extended"] as! [String: Any]
            extended["supportHoursPerMonth"] = 5
            plans["extended"] = extended
            json["plans"] = plans
        }
        func exchange(_ n: Int, from customer: String, after minutes: Double, time: String) throws {
            try box.deliver(Array(("From: \(customer)\r\nTo: support@example.test\r\nSubject: [P1] Server \(n)\r\n"
                                   + "Message-ID: <c\(n)@customer.test>\r\n\r\nAlles steht.\r\n").utf8))
            _ = try box.pipeline().runOnce()
            box.now = box.now.addingTimeInterval(minutes * 60)
            try box.deliver(Array(("From: agent1@example.test\r\nTo: support@example.test\r\nSubject: Re: x\r\n"
                                   + "Message-ID: <s\(n)@example.test>\r\nIn-Reply-To: <c\(n)@customer.test>\r\n\r\n"
                                   + "Wir sind dran.\r\n#time \(time) remote\r\n").utf8))
            _ = try box.pipeline().runOnce()
        }
        try exchange(1, from: "admin@bergmann.test", after: 30, time: "1h")
        box.now = november
        try exchange(2, from: "admin@bergmann.test", after: 45, time: "5h30m")
        try exchange(3, from: "ict@vandijk.test", after: 150, time: "30m")

        let before = Set(box.outboxTexts())
        #expect(PostdeskCommand.main(["report", "--month", "2026-11", "--mail-csm", "--config", box.configPath]) == 0)
        box.now = Date()                   // the command queues at the real time; the worker sends it then
        _ = try box.pipeline().runOnce()
        // The on-demand copy (pd.csm. Message-IDs); the worker may send its own monthly one besides.
        let mails = box.outboxTexts().filter { !before.contains($0) && $0.contains("Subject: Support report")
            && headerValue("Message-ID", in: $0)?.hasPrefix("<pd.csm.") == true }
        #expect(mails.count == 1)          // both customers share one CSM
        let mail = try #require(mails.first)
        #expect(mail.contains("X-Envelope-To: <csm@example.test>"))
        #expect(mail.contains("Content-Type: text/html; charset=utf-8"))
        let parsed = MessageParser.parse(Array(mail.utf8))
        #expect(parsed.subject == "Support report 2026-11: Bergmann Logistik GmbH, Van Dijk Installatietechniek B.V.")
        let body = parsed.bodyText
        #expect(body.contains("P1: 1 ticket(s) [1], median 45 min [30 min], 90 % within 45 min, 100 % in time [100 %]"))
        #expect(body.contains("Support hours: 5.50 h of 5.00 h used [1.00 h], overage 0.50 h billed by the hour"))
        #expect(body.contains(
            "P1: 1 ticket(s) [0], median 2 h 30 min [–], 90 % within 2 h 30 min, 0 % in time [–]"))
        let csv = try #require(parsed.attachments.first)
        #expect(csv.filename == "support-2026-11.csv")
        let rows = String(decoding: csv.data, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(rows[0] == ReactionReport.csvHeader)
        #expect(rows[1] == "Bergmann Logistik GmbH,P1,1,1,45,45,1.000,0")
    }
}
