import Foundation
@testable import Desk
import MIME

/// A small provider: one standard and one extended customer, one staff member, a team lead.
enum TestDesk {
    static let zone = TimeZone(identifier: "Europe/Copenhagen")!

    static func calendar(_ opens: Int, _ closes: Int) -> BusinessCalendar {
        BusinessCalendar(timeZone: zone, weekdays: [2, 3, 4, 5, 6], opensAt: opens, closesAt: closes,
            holidays: DanishHolidays())
    }

    static let standard = SupportPlan(name: "standard", calendar: calendar(9 * 60, 17 * 60),
                                      targets: Dictionary(uniqueKeysWithValues: Priority.allCases.map { ($0, 720) }))
    static let extended = SupportPlan(name: "extended", calendar: calendar(8 * 60, 22 * 60),
                                      targets: [.p1: 120, .p2: 240, .p3: 720, .p4: 1440])
    static let csm = Address(name: "Clara CSM", email: "csm@example.test")
    static let lead = Address(name: "Lena Lead", email: "lead@example.test")

    static func policy(unknown: UnknownSenderPolicy = .reply) -> Policy {
        Policy(
            supportAddress: Address(name: "Example IT Support", email: "support@example.test"),
            plans: ["standard": standard, "extended": extended],
            customers: [
                Customer(id: "nordlys", name: "Nordlys ApS", domains: ["nordlys.test"],
                administrators: ["it@nordlys.test", "mette@nordlys.test"],
                         plan: "standard", language: "da"),
                Customer(id: "bergmann", name: "Bergmann GmbH", domains: ["bergmann.test"],
                administrators: ["admin@bergmann.test"],
                         plan: "extended", csm: csm, language: "de"),
            ],
            staffAddresses: ["agent1@example.test"], staffNotify: [Address(email: "agents@example.test")],
            teamLead: lead,
            unknownSenders: unknown, knowledgeBaseURL: "https://kb.example.test")
    }

    /// Local wall-clock time in Copenhagen.
    static func at(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Date {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        return c.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi))!
    }

    static func mail(from: String, to: String = "support@example.test", cc: String? = nil, subject: String,
        body: String,
                     id: String, inReplyTo: String? = nil, extra: [String] = []) -> ParsedMessage {
        var lines = ["From: \(from)", "To: \(to)", "Subject: \(subject)", "Message-ID: <\(id)>",
            "Date: Mon, 16 Nov 2026 10:00:00 +0100"]
        if let cc { lines.append("Cc: \(cc)") }
        if let inReplyTo { lines += ["In-Reply-To: <\(inReplyTo)>", "References: <\(inReplyTo)>"] }
        lines += extra
        lines += ["Content-Type: text/plain; charset=utf-8", "", body]
        return MessageParser.parse(Array(lines.joined(separator: "\r\n").utf8))
    }

    final class Counter: @unchecked Sendable {
        var references = 0
        var ids = 0
    }

    static func context(_ m: ParsedMessage, at: Date, byHeader: TicketState? = nil, bySubject: TicketState? = nil,
                        counter: Counter = Counter(), autoCount: Int = 0, ours: Bool = true, answers: MailKind? = nil,
                        refusals: Int = 0) -> IncomingContext {
        counter.references += 1
        return IncomingContext(message: m, size: 1000, receivedAt: at, ticketByHeader: byHeader,
            headerMatchIsOurs: ours,
                               answersKind: answers, ticketBySubject: bySubject,
                               automaticMailsToSender: autoCount, refusalsLastHour: refusals,
                               nextReference: TicketReference(prefix: "PD", year: 2026, number: counter.references),
                               makeMessageID: { counter.ids += 1; return "pd.test\(counter.ids)@example.test" })
    }

    /// Opens a ticket the way the worker would, giving it an id.
    static func open(_ m: ParsedMessage, at: Date, id: Int64 = 7) -> TicketState {
        let d = Decider(policy: policy()).decide(context(m, at: at))
        guard case .newTicket(var t) = d.outcome else { fatalError("expected a new ticket, got \(d.outcome)") }
        t.id = id
        return t
    }
}
