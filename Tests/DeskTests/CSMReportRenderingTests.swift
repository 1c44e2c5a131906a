import Foundation
import Testing
@testable import Desk
import MIME

/// The CSM's monthly report: when it is due (the first working day's opening, Danish holidays and weekends), and
/// the one set of figures rendered as text and as HTML with CSS-width bars and escaped customer names.
@Suite struct CSMReportRenderingTests {
    let calendar = TestDesk.policy().deskCalendar

    @Test func theDeskCalendarIsThePlanThatOpensEarliest() {
        #expect(calendar.opensAt == 8 * 60)
        #expect(calendar.timeZone.identifier == "Europe/Copenhagen")
    }

    @Test func dueFromTheOpeningOfTheMonthsFirstWorkingDay() {
        // 1 December 2026 is a Tuesday: due at 08:00 that day, about November; on 30 November it is October's.
        #expect(MonthlySchedule.start(year: 2026, month: 12, calendar: calendar) == TestDesk.at(2026, 12, 1, 8))
        #expect(MonthlySchedule.due(at: TestDesk.at(2026, 12, 1, 7, 59), calendar: calendar) == nil)
        #expect(MonthlySchedule.due(at: TestDesk.at(2026, 12, 1, 8), calendar: calendar)?.label == "2026-11")
        #expect(MonthlySchedule.due(at: TestDesk.at(2026, 11, 30, 16), calendar: calendar)?.label == "2026-10")
        let november = MonthlySchedule.due(at: TestDesk.at(2026, 12, 15, 12), calendar: calendar)
        #expect(november?.from == TestDesk.at(2026, 11, 1, 0) && november?.to == TestDesk.at(2026, 12, 1, 0))
        // 1 January 2027 (Friday) is Nytårsdag, then a weekend: Monday 4 January.
        #expect(MonthlySchedule.start(year: 2027, month: 1, calendar: calendar) == TestDesk.at(2027, 1, 4, 8))
        #expect(MonthlySchedule.due(at: TestDesk.at(2027, 1, 2, 12), calendar: calendar) == nil)
        #expect(MonthlySchedule.due(at: TestDesk.at(2027, 1, 4, 8), calendar: calendar)?.label == "2026-12")
        // 1 May 2027 is a Saturday: Monday 3 May.
        #expect(MonthlySchedule.start(year: 2027, month: 5, calendar: calendar) == TestDesk.at(2027, 5, 3, 8))
        // Extra closures count too.
        var closed = calendar
        closed.holidays.extraClosures.insert("2027-05-03")
        #expect(MonthlySchedule.start(year: 2027, month: 5, calendar: closed) == TestDesk.at(2027, 5, 4, 8))
    }

    static func figures() -> CSMReport.Figures {
        let policy = TestDesk.policy()
        let hostile = Customer(id: "evil", name: "<b>Evil</b> & \"Co\"\u{1B}[31m\u{202E}", domains: ["evil.test"],
                               administrators: ["a@evil.test"], plan: "extended", csm: TestDesk.csm,
                               supportHoursPerMonth: 2)
        var p = policy
        p.customers.append(hostile)
        func record(_ customer: String, _ priority: Priority, _ day: Int, answeredAfter minutes: Int?,
                    breaches: Int = 0, ref: Int, month: Int = 11) -> ReactionRecord {
            let created = TestDesk.at(2026, month, day, 9)
            return ReactionRecord(customer: customer, plan: "extended", priority: priority, created: created,
                                  firstDue: p.plan(named: "extended")!.deadline(for: priority, from: created),
                                  firstResponse: minutes.map { created.addingTimeInterval(Double($0) * 60) },
                                  breaches: breaches, reference: String(format: "PD-2026-%06d", ref))
        }
        let now = TestDesk.at(2026, 12, 1, 8)
        let month = CSMReport.Month(
            label: "2026-11",
            reaction: ReactionReport(records: [record("evil", .p1, 2, answeredAfter: 30, ref: 3),
                                               record("evil", .p1, 3, answeredAfter: 180, breaches: 1, ref: 5),
                                               record("evil", .p1, 4, answeredAfter: 60, ref: 7),
                                               record("evil", .p2, 5, answeredAfter: 90, ref: 9)],
                                     policy: p, now: now),
            hours: SupportHoursReport(records: [TimeRecord(customer: "evil", reference: "PD-2026-000003",
                                                           minutes: 150, category: .remote)], policy: p))
        let october = CSMReport.Month(
            label: "2026-10",
            reaction: ReactionReport(records: [record("evil", .p1, 1, answeredAfter: 45, ref: 1, month: 10)], policy: p,
                                     now: now),
            hours: SupportHoursReport(records: [], policy: p))
        return CSMReport.Figures(customers: [hostile], month: month, previous: october)
    }

    @Test func theTextPartStatesEachPriorityWithTheMonthBeforeAndTheBreachReferences() throws {
        let f = Self.figures()
        let section = try #require(f.sections.first)
        #expect(section.name == "<b>Evil</b> & \"Co\"")            // controls, escapes and bidi marks gone
        let text = CSMReport.text(f)
        #expect(text.hasPrefix("Support report for 2026-11 (business time; 2026-10 in brackets)\n\n"))
        #expect(text.contains("P1: 3 ticket(s) [1], median 1 h [45 min], 90 % within 3 h, 67 % in time [100 %], "
                              + "1 breach(es) [0]: PD-2026-000005"))
        #expect(text.contains("P2: 1 ticket(s) [0], median 1 h 30 min [–], 90 % within 1 h 30 min, 100 % in time"))
        #expect(text.contains("Support hours: 2.50 h of 2.00 h used [0.00 h], overage 0.50 h billed by the hour"))
        #expect(!text.contains("\u{1B}") && !text.contains("\u{202E}"))
    }

    @Test func theHTMLPartHasTheSameFiguresWithWidthBarsAndNoMarkupFromTheCustomer() throws {
        let html = CSMReport.html(Self.figures())
        #expect(html.contains("<h2 style=\"font-size:16px;margin:24px 0 8px 0\">&lt;b&gt;Evil&lt;/b&gt; &amp; "
                              + "&quot;Co&quot;</h2>"))
        #expect(!html.contains("<b>") && !html.contains("\u{1B}"))
        #expect(!html.contains("<style") && !html.contains("<img") && !html.contains("<svg"))
        // 67 % in time: 80 of 120 px filled, the rest grey.
        #expect(html.contains("width:80px;height:10px;background:#c62828"))
        #expect(html.contains("width:40px;height:10px;background:#e0e0e0"))
        #expect(html.contains("67 % [100 %]"))
        #expect(html.contains(">3 [1]</td>") && html.contains(">1 h [45 min]</td>"))
        #expect(html.contains("1 [0]<br>PD-2026-000005"))
        // 2.5 h of 2 h: the bar spans 240 px, 192 green (the bundle), 48 red (overage).
        #expect(html.contains("width:192px;height:10px;background:#2e7d32"))
        #expect(html.contains("width:48px;height:10px;background:#c62828"))
        #expect(html.contains("Support hours: 2.50 h of 2.00 h used [0.00 h], overage 0.50 h billed by the hour"))
        #expect(html.components(separatedBy: "<tr>").count - 1 == 3 + 3)   // header + P1 + P2, one per bar
    }

    @Test func theMailIsTextAndHTMLAlternativesWithTheCSVAttached() throws {
        var policy = TestDesk.policy()
        policy.customers[1].supportHoursPerMonth = 5
        let empty = CSMReport.Month(label: "2026-10", reaction: ReactionReport(records: [], policy: policy,
                                                                               now: TestDesk.at(2026, 12, 1, 8)),
                                    hours: SupportHoursReport(records: [], policy: policy))
        var month = empty
        month.label = "2026-11"
        let mails = CSMReport.mails(policy: policy, month: month, previous: empty, at: TestDesk.at(2026, 12, 1, 8),
                                    makeMessageID: { "pd.test.1@example.test" })
        let mail = try #require(mails.first)
        let raw = String(decoding: MessageWriter.render(mail), as: UTF8.self)
        #expect(raw.contains("Content-Type: multipart/mixed; boundary="))
        #expect(raw.contains("Content-Type: multipart/alternative; boundary="))
        let alternative = try #require(raw.range(of: "multipart/alternative"))
        let plain = try #require(raw.range(of: "text/plain; charset=utf-8",
                                           range: alternative.upperBound..<raw.endIndex))
        let html = try #require(raw.range(of: "text/html; charset=utf-8", range: plain.upperBound..<raw.endIndex))
        #expect(raw.range(of: "text/csv", range: html.upperBound..<raw.endIndex) != nil)
        let parsed = MessageParser.parse(Array(raw.utf8))
        #expect(parsed.bodyText.contains("Support hours: 0.00 h of 5.00 h used [0.00 h]"))
        #expect(parsed.attachments.map(\.filename) == ["support-2026-11.csv"])
    }
}
