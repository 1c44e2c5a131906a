import Foundation
import MIME

/// What an on-call page says: the ticket, who asked, and where the page stands on its ladder.
public struct OnCallPageFacts: Sendable {
    public var ticket: TicketState
    public var customerName: String?
    /// The request as the customer wrote it (phone numbers and the first lines come from it).
    public var requestText: String
    public var requestedAt: Date
    public var timeZone: TimeZone
    /// 1 for the on-call, 2 for the next in the rota, … of `ladderCount`.
    public var number: Int
    public var ladderCount: Int
    /// Paged before on this ticket and not answered.
    public var notAnswered: [Address]
    public var repageMinutes: Int
    /// Whether this page has nobody after it (the team lead, or the last of the ladder).
    public var isLast: Bool

    public init(ticket: TicketState, customerName: String?, requestText: String, requestedAt: Date,
                timeZone: TimeZone, number: Int, ladderCount: Int, notAnswered: [Address], repageMinutes: Int) {
        self.ticket = ticket
        self.customerName = customerName
        self.requestText = requestText
        self.requestedAt = requestedAt
        self.timeZone = timeZone
        self.number = number
        self.ladderCount = ladderCount
        self.notAnswered = notAnswered
        self.repageMinutes = repageMinutes
        self.isLast = number >= ladderCount
    }
}

extension Templates {
    /// Lines of the request a page quotes: an SMS gateway passes on the start of a mail only.
    static let pageRequestLines = 5

    /// The page to the on-call. The first line says it all for an SMS gateway (reference, priority, customer,
    /// subject, at most 72 columns); then the requester, the phone, when it came in, the first lines of the request.
    public static func onCallPage(_ f: OnCallPageFacts) -> (subject: String, body: String) {
        let t = f.ticket
        let contact = ContactDetails.extract(from: f.requestText)
        let customer = f.customerName ?? t.requester.email
        let head = "\(t.reference) \(t.priority.priority.rawValue) \(customer): "
        var first = head + t.subject
        if let end = scalarPrefixEnd(first, TextWrap.width - 1) { first = String(first[..<end]) + "…" }
        var facts = ["Requester: \(requester(t.requester, signature: contact.signature))"]
        if !contact.phones.isEmpty { facts.append("Phone:     \(contact.phones.joined(separator: ", "))") }
        facts.append("Came in:   \(BusinessTimeFormat.deadline(f.requestedAt, in: f.timeZone, language: "en")), "
                     + "outside opening hours")
        var text = MailText()
        text.verbatim(first + "\n" + facts.joined(separator: "\n"))
        if !contact.message.isEmpty {
            var shown = Array(contact.message.prefix(pageRequestLines))
            if contact.message.count > pageRequestLines { shown.append("[…]") }
            text.verbatim(shown.joined(separator: "\n"))
        }
        if !f.notAnswered.isEmpty {
            text.paragraph("Page \(f.number) of \(f.ladderCount): no reply or #ack within \(f.repageMinutes) min "
                           + "from \(f.notAnswered.map(\.email).joined(separator: ", ")).")
        }
        text.paragraph("Reply with #ack on the first line to take it: the paging stops, the customer is not told. "
                       + (f.isLast ? "" : "Without a staff reply or #ack within \(f.repageMinutes) min the next "
                          + "person is paged."))
        text.paragraph(noticeReplyHelp)
        let label = f.number == 1 ? "On-call" : "On-call page \(f.number), not acknowledged"
        return ("\(t.reference.tag) \(label): \(t.priority.priority.rawValue) \(customer): \(t.subject)", text.text)
    }
}
