import Foundation
import Testing
@testable import CLI
@testable import Pipeline
import Desk
import MIME
import Store

/// `#time` on staff mail, stored per ticket and billed against the customer's monthly bundle (issue 18).
@Suite(.serialized) struct SupportHoursTests {
    let monday = copenhagen(2026, 11, 30, 10)

    func mail(from: String, id: String, subject: String, inReplyTo: String? = nil, _ body: String) -> [UInt8] {
        Array(("From: \(from)\r\nTo: support@example.test\r\nSubject: \(subject)\r\nMessage-ID: <\(id)>\r\n"
               + (inReplyTo.map { "In-Reply-To: <\($0)>\r\n" } ?? "") + "\r\n" + body + "\r\n").utf8)
    }

    let ref = "Re: [PD-2026-000001] Printer"

    func sandbox() throws -> Sandbox {
        try Sandbox(now: monday) { json in
            var customers = json["customers"] as! [[String: Any]]
            customers[0]["supportHoursPerMonth"] = 2          // nordlys: its own contract
            json["customers"] = customers
            var plans = json["plans"] as! [String: Any]
            var extended = plans["extended"] as! [String: Any]
            extended["supportHoursPerMonth"] = 5               // bergmann, vandijk: from the plan
            plans["extended"] = extended
            json["plans"] = plans
        }
    }

    @Test func timeIsLoggedStrippedFromTheRelayAndCountedInItsMonth() throws {
        let box = try sandbox()
        try box.deliver(mail(from: "mette.holm@nordlys.test", id: "c1@nordlys.test", subject: "Printer",
                             "Printeren er død."))
        _ = try box.pipeline().runOnce()
        box.now = monday.addingTimeInterval(3600)
        try box.deliver(mail(from: "Agent One <agent1@example.test>", id: "s1@example.test",
                             subject: "Re: [PD-2026-000001] Printer", inReplyTo: "c1@nordlys.test",
                             "Den kører igen.\n#time 45m remote"))
        _ = try box.pipeline().runOnce()
        // An internal note late on 30 November (Copenhagen) still counts in November.
        box.now = copenhagen(2026, 11, 30, 23, 50)
        try box.deliver(mail(from: "agent1@example.test", id: "s2@example.test", subject: ref,
                             "#note\n#time 1h30m phone\nRang kunden op."))
        _ = try box.pipeline().runOnce()
        // Ten minutes later it is December.
        box.now = copenhagen(2026, 12, 1, 0, 0)
        try box.deliver(mail(from: "agent1@example.test", id: "s3@example.test", subject: ref,
                             "#note\n#time 1.5h onsite"))
        _ = try box.pipeline().runOnce()

        let store = try PostdeskStore(path: box.config.database)
        let ticket = try #require(try store.ticket(reference: "PD-2026-000001"))
        let logged = try store.loggedTime(ticketID: ticket.id)
        #expect(logged.map(\.entry) == [TimeEntry(minutes: 45, category: .remote),
                                       TimeEntry(minutes: 90, category: .phone),
                                       TimeEntry(minutes: 90, category: .onsite)])
        #expect(logged.map(\.staff) == ["agent1@example.test", "agent1@example.test", "agent1@example.test"])
        let relay = try #require(box.outboxTexts().first { $0.contains("X-Envelope-To: <mette.holm@nordlys.test>")
            && headerValue("Auto-Submitted", in: $0) == nil })
        let body = MessageParser.parse(Array(relay.utf8)).bodyText
        #expect(body.contains("Den kører igen."))
        #expect(!body.contains("#time"))
        #expect(try store.messages(ticketID: ticket.id).contains { $0.newText == "Rang kunden op." })
        let shown = PostdeskCommand.timeLines(logged, zone: box.config.timeZone)
        #expect(shown.first == "Time:       3h45m in all")
        #expect(shown[1].contains("45m remote  agent1@example.test"))

        func report(_ y: Int, _ m: Int) throws -> SupportHoursReport {
            let rows = try store.timeRows(from: copenhagen(y, m, 1, 0), to: copenhagen(y, m + 1, 1, 0))
            return SupportHoursReport(records: rows, policy: box.config.policy)
        }
        let november = try report(2026, 11)
        let nordlys = try #require(november.lines.first { $0.customer == "nordlys" })
        #expect(nordlys.includedMinutes == 120)
        #expect(nordlys.usedMinutes == 135)
        #expect(nordlys.overageMinutes == 15)
        #expect(nordlys.byCategory == [.remote: 45, .phone: 90])
        // Customers with a bundle are listed in a month without use; those without one are not.
        #expect(november.lines.map(\.customer) == ["bergmann", "nordlys", "vandijk"])
        #expect(november.lines.first?.includedMinutes == 300)
        let name = { (id: String) in box.config.policy.customer(id: id)?.name ?? id }
        let csv = PostdeskCommand.hoursCSV(november, name: name).components(separatedBy: "\n")
        #expect(csv[0] == "customer,included_hours,used_hours,remote_hours,phone_hours,onsite_hours,training_hours,"
                + "other_hours,remaining_hours,overage_hours,tickets")
        #expect(csv[2] == "Nordlys ApS,2.00,2.25,0.75,1.50,0.00,0.00,0.00,0.00,0.25,PD-2026-000001 2.25")
        let text = PostdeskCommand.hoursText(november, month: "2026-11", name: name)
        #expect(text.contains("overage 0.25"))
        #expect(text.contains("PD-2026-000001 2h15m"))
        let json = PostdeskCommand.hoursJSON(november, name: name)
        #expect(json[1]["used_minutes"] as? Int == 135)
        #expect(json[1]["overage_minutes"] as? Int == 15)

        let december = try #require(try report(2026, 12).lines.first { $0.customer == "nordlys" })
        #expect(december.usedMinutes == 90)
        #expect(december.remainingMinutes == 30)
        for extra in [["--hours"], ["--hours", "--csv"], ["--hours", "--json"], []] {
            #expect(PostdeskCommand.main(["report", "--month", "2026-11", "--config", box.configPath] + extra) == 0)
        }
    }

    @Test func anUnreadableTimeLineLogsNothingRelaysNothingAndTellsTheSender() throws {
        let box = try sandbox()
        try box.deliver(mail(from: "mette.holm@nordlys.test", id: "c1@nordlys.test", subject: "Printer",
                             "Printeren er død."))
        _ = try box.pipeline().runOnce()
        let before = Set(box.outboxTexts())
        try box.deliver(mail(from: "agent1@example.test", id: "s1@example.test", subject: ref,
                             inReplyTo: "c1@nordlys.test", "Den kører igen.\n#time 45m\n#time 3 kvarter"))
        _ = try box.pipeline().runOnce()
        let store = try PostdeskStore(path: box.config.database)
        let ticket = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(try store.loggedTime(ticketID: ticket.id).isEmpty)
        #expect(ticket.firstResponseAt == nil)
        let new = box.outboxTexts().filter { !before.contains($0) }
        #expect(new.count == 1)
        let help = try #require(new.first)
        #expect(help.contains("X-Envelope-To: <agent1@example.test>"))
        #expect(MessageParser.parse(Array(help.utf8)).bodyText.contains("cannot read:\n      #time 3 kvarter\n"))
        #expect(try store.messages(ticketID: ticket.id).contains {
            "\($0.role)" == "staff-note" && $0.newText == "Den kører igen."
        })
    }

    @Test func supportHoursAreReadFromPlansAndCustomersAndChecked() throws {
        let box = try sandbox()
        #expect(box.config.policy.customer(id: "nordlys")?.supportHoursPerMonth == 2)
        #expect(box.config.policy.plan(named: "extended")?.supportHoursPerMonth == 5)
        #expect(box.config.policy.supportHoursPerMonth(for: box.config.policy.customer(id: "acme")!) == nil)
        #expect(throws: (any Error).self) {
            try Sandbox(now: monday) { json in
                var customers = json["customers"] as! [[String: Any]]
                customers[0]["supportHoursPerMonth"] = "two"
                json["customers"] = customers
            }
        }
    }

    @Test func noticesAtTheShareAndAtTheFullBundleOncePerMonth() throws {
        let box = try sandbox()   // nordlys: 2 h a month, no CSM: the team lead hears
        try box.deliver(mail(from: "mette.holm@nordlys.test", id: "c1@nordlys.test", subject: "Printer",
                             "Printeren er død."))
        _ = try box.pipeline().runOnce()
        var n = 0
        func log(_ time: String, at instant: Date) throws -> [String] {
            n += 1
            box.now = instant
            let before = Set(box.outboxTexts())
            try box.deliver(mail(from: "agent1@example.test", id: "t\(n)@example.test", subject: ref,
                                 "#note\n#time \(time)"))
            _ = try box.pipeline().runOnce()
            // The CSM's monthly report also goes out on 1 December; this test is about the notices.
            return box.outboxTexts().filter { !before.contains($0) }.compactMap { headerValue("Subject", in: $0) }
                .filter { !$0.hasPrefix("Support report ") }
        }
        #expect(try log("1h30m", at: monday) == [])                                          // 75 %
        let first = try log("10m", at: monday.addingTimeInterval(60))                        // 83 %
        #expect(first == ["Support hours 2026-11: Nordlys ApS at 80 %"])
        let notice = try #require(box.outboxTexts().first { $0.contains("at 80 %") })
        #expect(notice.contains("X-Envelope-To: <lead@example.test>"))
        #expect(MessageParser.parse(Array(notice.utf8)).bodyText.contains("Used so far: 1.67 hours."))
        #expect(try log("10m", at: monday.addingTimeInterval(120)) == [])                    // 92 %: already told
        #expect(try log("15m", at: monday.addingTimeInterval(180)) == ["Support hours 2026-11: Nordlys ApS at 100 %"])
        #expect(try log("30m", at: monday.addingTimeInterval(240)) == [])                    // overage: told once
        // December starts afresh; reaching 100 % at once sends only that notice, and no 80 % one later.
        #expect(try log("2h", at: copenhagen(2026, 12, 1, 9)) == ["Support hours 2026-12: Nordlys ApS at 100 %"])
        #expect(try log("10m", at: copenhagen(2026, 12, 1, 10)) == [])
    }
}
