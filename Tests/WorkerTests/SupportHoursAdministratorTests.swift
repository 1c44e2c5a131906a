import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
import Store

/// The support-hours notices to the customer's administrators too, when the customer or its plan asks for it
/// (default off), in the customer's language (issue 18).
@Suite(.serialized) struct SupportHoursAdministratorTests {
    let monday = copenhagen(2026, 11, 30, 10)

    func mail(from: String, id: String, subject: String, _ body: String) -> [UInt8] {
        Array(("From: \(from)\r\nTo: support@example.test\r\nSubject: \(subject)\r\nMessage-ID: <\(id)>\r\n\r\n"
               + body + "\r\n").utf8)
    }

    /// nordlys (da, 2 h of its own) asks for it; the extended plan (5 h) asks for it, vandijk (nl) says no.
    func sandbox() throws -> Sandbox {
        try Sandbox(now: monday) { json in
            var customers = json["customers"] as! [[String: Any]]
            customers[0]["supportHoursPerMonth"] = 2
            customers[0]["supportHoursNoticeAdministrators"] = true
            customers[2]["supportHoursNoticeAdministrators"] = false
            json["customers"] = customers
            var plans = json["plans"] as! [String: Any]
            var extended = plans["extended"] as! [String: Any]
            extended["supportHoursPerMonth"] = 5
            extended["supportHoursNoticeAdministrators"] = true
            plans["extended"] = extended
            json["plans"] = plans
        }
    }

    /// Opens a ticket for `from` and logs `time` on it; the subjects and recipients of the mails that went out.
    func logTime(_ box: Sandbox, from: String, _ n: Int, _ time: String) throws -> [(String, String)] {
        try box.deliver(mail(from: from, id: "c\(n)@customer.test", subject: "Problem \(n)", "Hjælp / Hilfe / Help."))
        _ = try box.pipeline().runOnce()
        let before = Set(box.outboxTexts())
        try box.deliver(mail(from: "agent1@example.test", id: "t\(n)@example.test",
                             subject: "Re: [PD-2026-\(String(format: "%06d", n))] Problem \(n)",
                             "#note\n#time \(time)"))
        _ = try box.pipeline().runOnce()
        return box.outboxTexts().filter { !before.contains($0) }.map {
            (headerValue("Subject", in: $0) ?? "", headerValue("X-Envelope-To", in: $0) ?? "")
        }
    }

    @Test func administratorsHearInTheirLanguageWhenAskedFor() throws {
        let box = try sandbox()
        #expect(box.config.policy.noticesAdministrators(box.config.policy.customer(id: "nordlys")!))
        #expect(box.config.policy.noticesAdministrators(box.config.policy.customer(id: "bergmann")!))
        #expect(!box.config.policy.noticesAdministrators(box.config.policy.customer(id: "vandijk")!))

        let nordlys = try logTime(box, from: "it@nordlys.test", 1, "1h40m")               // 83 % of 2 h
        #expect(nordlys.map(\.0).sorted() == ["Support hours 2026-11: Nordlys ApS at 80 %",
                                              "Supporttimer for november 2026: 80 % brugt"])
        let danish = try #require(box.outboxTexts().first { $0.contains("Supporttimer for november") })
        #expect(headerValue("To", in: danish) == "it@nordlys.test, mette.holm@nordlys.test")
        #expect(headerValue("Auto-Submitted", in: danish) == "auto-generated")
        let body = MessageParser.parse(Array(danish.utf8)).bodyText
        #expect(body.hasPrefix("Hej,\n\nI har nu brugt 80\u{A0}% af de 2 supporttimer, der indgår i jeres aftale"))
        #expect(body.contains("(1,67 timer indtil nu)"))
        #expect(body.split(separator: "\n").allSatisfy { $0.count <= 72 })

        let bergmann = try logTime(box, from: "admin@bergmann.test", 2, "5h")             // all of 5 h
        #expect(bergmann.map(\.0).sorted() == ["Support hours 2026-11: Bergmann Logistik GmbH at 100 %",
                                               "Supportstunden November 2026: Kontingent aufgebraucht"])
        let vandijk = try logTime(box, from: "ict@vandijk.test", 3, "4h30m")              // 90 % of 5 h
        #expect(vandijk.map(\.0) == ["Support hours 2026-11: Van Dijk Installatietechniek B.V. at 80 %"])
        // Once a month each, across restarts: more time on nordlys sends the 100 % pair, then nothing.
        #expect(try logTime(box, from: "it@nordlys.test", 4, "20m").map(\.0).sorted()
                    == ["Support hours 2026-11: Nordlys ApS at 100 %",
                        "Supporttimer for november 2026: alle timer er brugt"])
        #expect(try logTime(box, from: "it@nordlys.test", 5, "20m").isEmpty)
    }

    @Test func theSettingIsTrueOrFalse() throws {
        #expect(throws: (any Error).self) {
            try Sandbox(now: monday) { json in
                var customers = json["customers"] as! [[String: Any]]
                customers[0]["supportHoursNoticeAdministrators"] = "yes"
                json["customers"] = customers
            }
        }
    }
}
