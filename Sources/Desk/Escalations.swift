import Foundation
import MIME

/// Warnings before a reaction target and breach notices after it, each once per clock.
public enum Escalations {
    /// The notice due for this ticket at `now`, with the ticket marked so it is not sent again; nil when none is due.
    /// `history` is what the store knows of the ticket (the request's text, the acknowledgement, who was told).
    public static func due(_ ticket: TicketState, policy: Policy, now: Date, history: TicketHistory = TicketHistory(),
                           makeMessageID: () -> String) -> (ticket: TicketState, mail: QueuedMail?)? {
        guard ticket.status == .open, let clock = ticket.clock else { return nil }
        let kind: EscalationKind
        if now >= clock.dueAt, !clock.breachSent {
            kind = .breach
        } else if now >= clock.warnAt, !clock.warningSent, !clock.breachSent {
            kind = .warning
        } else {
            return nil
        }
        let customer = policy.customer(id: ticket.customerID)
        guard let plan = policy.plan(named: ticket.plan) else { return nil }
        // The CSM hears first (extended plans name one); otherwise the team lead. A breach always reaches the team
        // lead.
        var recipients = [customer?.csm ?? policy.teamLead].compactMap { $0 }
        if kind == .breach, let lead = policy.teamLead, !recipients.contains(
            where: { $0.normalized == lead.normalized }) {
            recipients.append(lead)
        }
        var marked = ticket
        marked.clock?.warningSent = true
        if kind == .breach { marked.clock?.breachSent = true }
        // With nobody configured to tell, the clock is still marked so the check does not repeat.
        guard !recipients.isEmpty else { return (marked, nil) }
        let text = Templates.escalation(EscalationFacts(kind, ticket: ticket, customer: customer, plan: plan, now: now,
                                                        history: history))
        let mail = OutgoingMail(
            from: policy.supportAddress, to: recipients, replyTo: policy.supportAddress, subject: text.subject,
            messageID: makeMessageID(), inReplyTo: ticket.lastMessageID, references: ticket.referenceChain(parent: nil),
            date: now, timeZone: policy.timeZone, autoSubmitted: "auto-generated",
            extraHeaders: [.init("X-Postdesk-Escalation", kind.rawValue),
            .init("X-Postdesk-Ticket", ticket.reference.description)],
            body: text.body)
        return (marked, QueuedMail(kind == .breach ? .escalationBreach : .escalationWarning, mail))
    }

}
