import Foundation
import StackTestSupport
import Testing
@testable import Desk
@testable import Store
@testable import CLI
@testable import Configuration
@testable import Pipeline
import MIME

/// The CSM's monthly report sent by the real binary through Postfix on the first working day, read back from
/// the CSM's Dovecot INBOX: text and HTML alternatives and the CSV attachment as they were sent (issue 18).
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct MonthlyReportStackTests {
    let stack = MailStack.current!

    @Test func theMonthlyReportArrivesInTheCSMsInboxWithItsHTMLAndCSV() throws {
        var name = ""
        let desk = try Desk(stack)
        // The token makes this desk's report findable among the other tests' mail to csm@.
        try desk.edit { json in
            var customers = json["customers"] as! [[String: Any]]
            name = "Kunde <Test> & Søn \(desk.token)"
            customers[0]["name"] = name
            json["customers"] = customers
        }
        try desk.sendCustomerMail(subject: "Printer offline", body: "Hello,\n\nthe printer is offline.\n\nCustomer One")
        try desk.route(count: 1)
        let november = try desk.runOnce(extra: ["--now", "2026-11-20T10:00:00+01:00"])
        #expect(november.status == 0, "\(november.log)")
        let december = try desk.runOnce(extra: ["--now", "2026-12-01T09:00:00+01:00"])
        #expect(december.status == 0, "\(december.log)")
        #expect(december.log.contains("csm_report.queued month=2026-11"), "\(december.log)")
        let again = try desk.runOnce(extra: ["--now", "2026-12-01T09:00:30+01:00"])
        #expect(!again.log.contains("csm_report.queued"), "\(again.log)")

        let csm = try StackIMAP(stack, user: "csm@example.test")
        let uids = try csm.waitFor("INBOX", "SUBJECT \"Support report 2026-11\" SUBJECT \(StackIMAP.q(desk.token))")
        #expect(uids.count == 1)
        let raw = try csm.fetch("INBOX", uid: try #require(uids.first))
        let head = raw.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.contains("Content-Type: multipart/mixed"), "\(head)")
        #expect(raw.contains("Content-Type: multipart/alternative"))
        let received = MessageParser.parse(Array(raw.utf8))
        let sent = try #require(try desk.store().outbox().first { $0.kind == .csmReport })
        let original = MessageParser.parse(sent.raw)
        #expect(received.subject == "Support report 2026-11: \(name)")
        #expect(received.bodyText == original.bodyText)
        #expect(received.bodyText.contains("1 ticket(s) [0]"), "\(received.bodyText)")
        let html = try #require(received.bodyHTML)
        #expect(html == original.bodyHTML)
        #expect(html.contains("Kunde &lt;Test&gt; &amp; Søn \(desk.token)</h2>"))
        #expect(html.contains("background:#e0e0e0") || html.contains("background:#2e7d32")
                    || html.contains("background:#c62828"), "a bar")
        let csv = try #require(received.attachments.first)
        #expect(csv.filename == "support-2026-11.csv")
        #expect(csv.data == original.attachments.first?.data)
        let rows = String(decoding: csv.data, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(rows.first == ReactionReport.csvHeader)
        #expect(rows.dropFirst().first?.hasPrefix("Kunde <Test> & Søn \(desk.token),") == true, "\(rows)")
    }
}
