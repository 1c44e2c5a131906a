import Foundation
import MIME

extension Templates {
    /// Lines of the request a notice quotes; the ticket holds the rest.
    static let requestLinesShown = 8

    /// Warning before the reaction target, or breach notice after it; for the CSM and team lead. Says what they need
    /// to act without opening the ticket: who asked what and how to reach them, what happened since.
    public static func escalation(_ f: EscalationFacts) -> (subject: String, body: String) {
        let t = f.ticket, zone = f.timeZone, h = f.history
        let contact = ContactDetails.extract(from: h.requestText)
        func when(_ d: Date) -> String { BusinessTimeFormat.deadline(d, in: zone, language: "en") }
        let headline: String
        switch f.kind {
        case .warning:
            // Rounded up: 2 min 59 s left reads "3 min"; rounded down it said "2 min" with 3 minutes to go.
            let minutes = max(1, Int(((f.businessSecondsLeft - 1e-6) / 60).rounded(.up)))
            headline = "Reaction due in \(BusinessTimeFormat.duration(minutes: minutes)) of business time, "
                + "by \(when(f.dueAt))."
        case .breach:
            let minutes = Int((max(0, -f.businessSecondsLeft) / 60 + 1e-6).rounded(.down))
            headline = "Reaction target missed" + (minutes > 0
                ? ", overdue by \(BusinessTimeFormat.duration(minutes: minutes)) of business time" : "")
                + " (it was \(when(f.dueAt)))."
        }
        var facts = [
            "Ticket:       \(t.reference) \(t.subject)",
            "Customer:     \(f.customerName ?? "none") (\(f.planName) plan)",
            "Priority:     \(t.priority.priority.rawValue) — \(t.priority.reason)",
            "Requester:    \(requester(t.requester, signature: contact.signature))",
        ]
        if !contact.phones.isEmpty { facts.append("Phone:        \(contact.phones.joined(separator: ", "))") }
        let clockStart = t.clock?.startedAt ?? t.createdAt
        let cameIn = h.requestedAt ?? t.createdAt
        facts.append("Came in:      \(when(cameIn))")
        if abs(clockStart.timeIntervalSince(cameIn)) >= 60 { facts.append("Clock from:   \(when(clockStart))") }
        switch h.acknowledgement {
        case .sent(let at): facts.append("Acknowledged: yes, \(when(at))")
        case .withheld(let why): facts.append("Acknowledged: no — \(why)")
        case .unknown: break
        }
        if !h.staffTold.isEmpty { facts.append("Staff told:   \(h.staffTold.map(display).joined(separator: ", "))") }

        var text = MailText()
        text.paragraph(headline)
        text.paragraph(facts.joined(separator: "\n"))
        if !h.requestText.isEmpty || !h.events.isEmpty {
            let since = h.events.map { "  \(BusinessTimeFormat.short($0.at, in: zone))  \($0.what)" }
            text.paragraph("Since then:\n"
                + (since.isEmpty ? "  nothing: no reply and no note" : since.joined(separator: "\n")))
        }
        if let waiting = h.waitingText {
            let lines = waiting.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var shown = Array(lines.prefix(requestLinesShown))
            if lines.count > requestLinesShown { shown.append("[… postdesk show \(t.reference)]") }
            let since = h.waitingSince.map { ", \(when($0))" } ?? ""
            text.verbatim("Waiting for an answer (the customer's follow-up the clock runs from\(since)):\n----\n"
                + shown.joined(separator: "\n") + "\n----")
        }
        if !contact.message.isEmpty {
            var shown = Array(contact.message.prefix(requestLinesShown))
            if contact.message.count > requestLinesShown { shown.append("[… postdesk show \(t.reference)]") }
            text.verbatim("The request:\n----\n" + shown.joined(separator: "\n") + "\n----")
        }
        if !contact.signature.isEmpty {
            text.verbatim("Signature:\n" + contact.signature.map { "  " + $0 }.joined(separator: "\n"))
        }
        text.paragraph(noticeReplyHelp)
        let kind = f.kind == .warning ? "Warning" : "Breach"
        let subject = "\(t.reference.tag) \(kind): \(t.priority.priority.rawValue) \(t.subject)"
        return (subject, text.text)
    }

    /// The requester as the mail named them, else with the name their signature starts with.
    static func requester(_ a: Address, signature: [String]) -> String {
        if let name = a.name, !name.isEmpty { return display(a) }
        guard let first = signature.first, first.split(separator: " ").count <= 4, PersonName(first) != nil,
              first.allSatisfy({ $0.isLetter || " .-'".contains($0) }) else { return a.email }
        return "\(first) <\(a.email)> (name from the signature)"
    }
}
