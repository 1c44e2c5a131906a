import Foundation
import MIME
import StackTestSupport
import Testing
@testable import Store
@testable import Pipeline

/// The døgnvagt on the real stack (issue 18): a P1 outside hours, taken over IMAP by `postdesk run --once`, pages the
/// on-call by submission, and the page arrives in the on-call's IMAP inbox.
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct OnCallStackTests {
    let stack = MailStack.current!

    @Test func thePageArrivesInTheOnCallsInbox() throws {
        let desk = try Desk(stack) { json in
            var plans = json["plans"] as! [String: Any]
            var allday = plans["allday"] as! [String: Any]
            allday["onCall"] = ["rota": ["Agent One <agent1@example.test>", "csm@example.test"],
                                "rotaStarts": "2026-W52"]
            plans["allday"] = allday
            json["plans"] = plans
        }
        try desk.sendCustomerMail(subject: "Telephony down", body: """
            Hello,

            since midnight nobody can work: all our phones are down.

            Customer One
            Phone: +45 33 12 34 56
            """)
        try desk.route(count: 1)
        // Christmas Day (a Friday, week 52: Agent One's) is closed even on a plan open around the clock otherwise.
        let run = try desk.runOnce(extra: ["--now", "2026-12-25T10:00:00+01:00"])
        #expect(run.status == 0, "\(run.log)")

        let agent = try StackIMAP(stack, user: "agent1@example.test")
        let tok = "SUBJECT \(StackIMAP.q(desk.token))"
        let pages = try agent.waitFor("INBOX", "\(tok) HEADER X-Postdesk-Page 1")
        try #require(pages.count == 1, "the page reached the on-call's INBOX; log:\n\(run.log)")
        let raw = try agent.fetch("INBOX", uid: pages[0])
        let ticket = try #require(try desk.store().tickets().first?.state)
        let body = MessageParser.parse(Array(raw.utf8)).bodyText
        let first = body.components(separatedBy: "\n").first ?? ""
        #expect(first.hasPrefix("\(ticket.reference) P1 Customer Test A/S: Telephony down"), "\(body)")
        #expect(body.contains("Phone:     +45 33 12 34 56"))
        #expect(header("Auto-Submitted", in: raw) == "auto-generated")
        #expect((header("Subject", in: raw) ?? "").contains("[\(ticket.reference)] On-call: P1"))
        // The next in the rota is not woken yet.
        let csm = try StackIMAP(stack, user: "csm@example.test")
        #expect(try csm.search("INBOX", "\(tok) HEADER X-Postdesk-Page \"\"").isEmpty)
    }
}
