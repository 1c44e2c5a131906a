import Foundation
import Testing
@testable import Desk
import MIME

/// The døgnvagt (issue 18): ISO weeks in Copenhagen time, the rota, when a ticket pages and the ladder of pages.
@Suite struct OnCallTests {
    static let anna = Address(name: "Anna Jensen", email: "anna@example.test")
    static let bo = Address(name: "Bo Nielsen", email: "bo@example.test")
    static let carl = Address(email: "carl@example.test")
    static let w49 = ISOWeek("2026-W49")!

    static func policy(_ rota: OnCall.Rota = .rotating([anna, bo, carl], firstWeek: w49)) -> Policy {
        var p = TestDesk.policy()
        p.plans["extended"]?.onCall = OnCall(rota: rota)
        return p
    }

    @Test func isoWeeksAreReadAndWritten() throws {
        #expect(Self.w49.monday == CivilDate(year: 2026, month: 11, day: 30))
        #expect(Self.w49.description == "2026-W49")
        #expect(ISOWeek("2026-W53")?.monday == CivilDate(year: 2026, month: 12, day: 28), "2026 has 53 weeks")
        #expect(ISOWeek("2025-W53") == nil, "2025 has 52")
        #expect(ISOWeek("2026-W1") == nil && ISOWeek("2026-49") == nil && ISOWeek("2026-W00") == nil)
        // 1 January 2027 is a Friday: it belongs to 2026-W53.
        #expect(ISOWeek(CivilDate(year: 2027, month: 1, day: 1)).description == "2026-W53")
        #expect(ISOWeek(CivilDate(year: 2027, month: 1, day: 4)).description == "2027-W01")
    }

    /// The week changes hands at Monday 00:00 Copenhagen time, also on the night after a DST change (when Monday
    /// 00:00 local is still Sunday in UTC).
    @Test func weekBoundaryIsMondayMidnightInCopenhagen() {
        let zone = TestDesk.zone
        #expect(ISOWeek(TestDesk.at(2026, 12, 6, 23, 59), in: zone).description == "2026-W49")
        #expect(ISOWeek(TestDesk.at(2026, 12, 7, 0, 0), in: zone).description == "2026-W50")
        // Autumn: summer time ended on Sunday 25 October 2026; Monday 00:00 CET is 23:00 UTC on Sunday.
        let autumnMonday = TestDesk.at(2026, 10, 26, 0, 0)
        #expect(autumnMonday == Date(timeIntervalSince1970: 1_792_969_200))
        #expect(ISOWeek(autumnMonday, in: zone).description == "2026-W44")
        #expect(ISOWeek(autumnMonday.addingTimeInterval(-60), in: zone).description == "2026-W43")
        #expect(ISOWeek(autumnMonday, in: TimeZone(identifier: "UTC")!).description == "2026-W43")
        // Spring: summer time began on Sunday 29 March 2026; Monday 00:00 CEST is 22:00 UTC on Sunday.
        let springMonday = TestDesk.at(2026, 3, 30, 0, 0)
        #expect(ISOWeek(springMonday, in: zone).description == "2026-W14")
        #expect(ISOWeek(springMonday.addingTimeInterval(-60), in: zone).description == "2026-W13")
    }

    @Test func rotaTurnsWeeklyAndLaddersEndWithTheTeamLead() {
        let onCall = OnCall(rota: .rotating([Self.anna, Self.bo, Self.carl], firstWeek: Self.w49))
        let week = { ISOWeek(index: Self.w49.index + $0) }
        #expect([0, 1, 2, 3, -1].map { onCall.onCall(in: week($0))?.email }
                == ["anna@example.test", "bo@example.test", "carl@example.test", "anna@example.test",
                    "carl@example.test"])
        #expect(onCall.ladder(startedIn: week(2), teamLead: TestDesk.lead).map(\.email)
                == ["carl@example.test", "anna@example.test", "lead@example.test"])
        let fixed = OnCall(rota: .fixed(Address(email: "vagt@sms.example.test")))
        #expect(fixed.ladder(startedIn: Self.w49, teamLead: TestDesk.lead).map(\.email)
                == ["vagt@sms.example.test", "lead@example.test"])
        let weeks = OnCall(rota: .weeks([Self.w49: Self.bo]))
        #expect(weeks.ladder(startedIn: Self.w49, teamLead: TestDesk.lead).map(\.email)
                == ["bo@example.test", "lead@example.test"])
        #expect(weeks.ladder(startedIn: week(5), teamLead: nil).isEmpty)
    }

    /// Outside the plan's hours only, and only the priorities that page: evenings, weekends and holidays.
    @Test func pagesOnlyOutsideHoursForPagingPriorities() throws {
        let plan = try #require(Self.policy().plan(named: "extended"))
        #expect(!plan.pagesOnCall(.p1, at: TestDesk.at(2026, 12, 2, 10)), "Wednesday 10:00 is inside hours")
        #expect(plan.pagesOnCall(.p1, at: TestDesk.at(2026, 12, 2, 22, 0)), "22:00 is closing time")
        #expect(plan.pagesOnCall(.p1, at: TestDesk.at(2026, 12, 5, 10)), "Saturday")
        #expect(plan.pagesOnCall(.p1, at: TestDesk.at(2026, 12, 25, 10)), "Juledag, a Friday")
        #expect(!plan.pagesOnCall(.p2, at: TestDesk.at(2026, 12, 5, 10)), "P2 does not page by default")
        #expect(!TestDesk.standard.pagesOnCall(.p1, at: TestDesk.at(2026, 12, 5, 10)), "no on-call in the plan")
    }

    static func p1(at: Date, id: String = "c1@bergmann.test") -> ParsedMessage {
        TestDesk.mail(from: "Oliver Wagner <admin@bergmann.test>", subject: "Telefonanlage komplett ausgefallen",
                      body: "Guten Abend,\n\nseit heute Nacht kann niemand bei uns telefonieren, die Telefonanlage "
                        + "ist komplett ausgefallen.\n\nMit freundlichen Grüßen\nOliver Wagner\nTel.: +49 40 1234 5678",
                      id: id)
    }

    @Test func anUrgentTicketOutsideHoursStartsPagingAndTheAcknowledgementSaysSo() throws {
        let night = TestDesk.at(2026, 12, 5, 2, 14)
        let decision = Decider(policy: Self.policy()).decide(TestDesk.context(Self.p1(at: night), at: night))
        let ticket = try #require(decision.ticket)
        #expect(ticket.priority.priority == .p1)
        #expect(ticket.page == OnCallPage(startedAt: night, sent: 0, nextAt: night))
        let ack = try #require(decision.mails.first { $0.kind == .acknowledgement }).mail.body
        #expect(ack.contains("Bereitschaftsdienst verständigt"))
        #expect(!ack.contains("spätestens"), "no promise of the next working day")

        let day = TestDesk.at(2026, 12, 2, 10)
        let inside = Decider(policy: Self.policy()).decide(TestDesk.context(Self.p1(at: day), at: day))
        #expect(inside.ticket?.page == nil)
        #expect(inside.mails.first { $0.kind == .acknowledgement }?.mail.body.contains("spätestens") == true)
    }

    /// The on-call, the next in the rota, the team lead: each once, 15 minutes apart.
    @Test func pagesClimbTheLadderOnceEach() throws {
        let night = TestDesk.at(2026, 12, 5, 2, 14)
        let policy = Self.policy()
        var ticket = try #require(Decider(policy: policy).decide(TestDesk.context(Self.p1(at: night), at: night))
            .ticket)
        var sent: [String] = []
        var ids = 0
        for minutes in stride(from: 0, through: 60, by: 1) {
            let now = night.addingTimeInterval(Double(minutes) * 60)
            guard let (marked, mail) = OnCallPaging.due(ticket, policy: policy, now: now, makeMessageID: {
                ids += 1
                return "p\(ids)@x"
            }) else { continue }
            ticket = marked
            if let mail { sent.append("\(minutes) \(mail.mail.to.map(\.email).joined())") }
        }
        // Week 49 is Anna's; the next in the rota is Bo.
        #expect(sent == ["0 anna@example.test", "15 bo@example.test", "30 lead@example.test"])
        #expect(ticket.page?.sent == 3 && ticket.page?.isRunning == false)
    }

    @Test func theFirstLineOfAPageSaysItAll() throws {
        let night = TestDesk.at(2026, 12, 5, 2, 14)
        let policy = Self.policy()
        let ticket = try #require(Decider(policy: policy).decide(TestDesk.context(Self.p1(at: night), at: night))
            .ticket)
        let history = TicketHistory(requestText: Self.p1(at: night).bodyText, requestedAt: night)
        let page = try #require(OnCallPaging.due(ticket, policy: policy, now: night, history: history,
                                                 makeMessageID: { "p@x" })?.mail)
        #expect(page.kind == .onCallPage)
        let lines = page.mail.body.components(separatedBy: "\n")
        #expect(lines[0] == "PD-2026-000001 P1 Bergmann GmbH: Telefonanlage komplett ausgefallen")
        #expect(lines.contains("Phone:     +49 40 1234 5678"))
        #expect(page.mail.body.contains("seit heute Nacht kann niemand bei uns telefonieren"))
        #expect(page.mail.autoSubmitted == "auto-generated")
    }

    /// `#ack` stops the paging without a word to the customer; so does any reply to a page, kept internal.
    @Test func ackAndRepliesToAPageStopThePagingAndStayInternal() throws {
        let night = TestDesk.at(2026, 12, 5, 2, 14)
        let policy = Self.policy()
        var ticket = try #require(Decider(policy: policy).decide(TestDesk.context(Self.p1(at: night), at: night))
            .ticket)
        ticket.id = 7
        ticket.page = OnCallPage(startedAt: night, sent: 1, nextAt: night.addingTimeInterval(900))
        let later = night.addingTimeInterval(300)
        for (body, answers) in [("#ack", MailKind?.none), ("Jeg kigger på det nu.", .onCallPage)] {
            let m = TestDesk.mail(from: "agent1@example.test", subject: "Re: [PD-2026-000001] Telefonanlage",
                                  body: body, id: "s-\(body.count)@example.test")
            let d = Decider(policy: policy).decide(TestDesk.context(m, at: later, byHeader: ticket, answers: answers))
            #expect(d.role == .staffNote, "\(body)")
            #expect(!d.mails.contains { $0.kind == .relay }, "\(body)")
            #expect(d.ticket?.page?.isRunning == false, "\(body)")
            #expect(d.ticket?.status == .open, "the customer still waits for an answer")
        }
        // An answer to the customer stops it too.
        let answer = TestDesk.mail(from: "agent1@example.test", subject: "Re: [PD-2026-000001] Telefonanlage",
                                   body: "Guten Morgen, wir sind dran.", id: "s-answer@example.test")
        let relayed = Decider(policy: policy).decide(TestDesk.context(answer, at: later, byHeader: ticket))
        #expect(relayed.mails.contains { $0.kind == .relay })
        #expect(relayed.ticket?.page?.isRunning == false)
    }

    @Test func raisingToP1OutsideHoursPages() throws {
        let night = TestDesk.at(2026, 12, 5, 2, 14)
        let policy = Self.policy()
        let m = TestDesk.mail(from: "admin@bergmann.test", subject: "Frage zur Rechnung", body: "Eine kurze Frage.",
                              id: "q@bergmann.test")
        var ticket = try #require(Decider(policy: policy).decide(TestDesk.context(m, at: night)).ticket)
        #expect(ticket.page == nil)
        ticket.id = 7
        let raise = TestDesk.mail(from: "agent1@example.test", subject: "Re: [PD-2026-000001] Frage",
                                  body: "#priority P1\n#note\nKunde hat angerufen: alles steht.", id: "r@example.test")
        let d = Decider(policy: policy).decide(TestDesk.context(raise, at: night.addingTimeInterval(60),
                                                                byHeader: ticket))
        #expect(d.ticket?.page?.nextAt == night.addingTimeInterval(60))
    }
}
