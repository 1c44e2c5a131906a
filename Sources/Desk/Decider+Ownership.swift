import Foundation
import MIME

/// Who has a ticket: the first agent to answer owns it, `#take` and `#assign` move it, and a customer's follow-up
/// goes to the owner unless they are away (then to the notify list).
extension Decider {
    /// Applies `#take` / `#assign`, and the first answer's claim, to `t`; returns what changed, for the summary.
    func applyOwnership(_ commands: StaffCommands, to t: inout TicketState, from: Address, answers: Bool) -> [String] {
        var notes: [String] = []
        if let assignee = commands.assign {
            if policy.isStaff(assignee.email) {
                t.owner = assignee.normalized
                notes.append("assigned to \(assignee.normalized)")
            } else {
                notes.append("not assigned: \(assignee.email) is not staff")
            }
        } else if commands.take {
            t.owner = from.normalized
            notes.append("taken by \(from.normalized)")
        } else if answers, t.owner == nil {
            t.owner = from.normalized
            notes.append("owned by \(from.normalized)")
        }
        return notes
    }

    func presence(_ commands: StaffCommands, from: Address) -> PresenceChange? {
        if commands.away { return PresenceChange(email: from.normalized, away: true) }
        if commands.back { return PresenceChange(email: from.normalized, away: false) }
        return nil
    }

    /// The owner when they are present, else the notify list.
    func followUpRecipients(of t: TicketState, context: IncomingContext) -> [Address] {
        guard let owner = t.owner, !context.awayStaff.contains(owner), !policy.awayStaff.contains(owner) else {
            return policy.staffNotify
        }
        return [Address(email: owner)]
    }

    /// The short note to the notify list when a ticket is first answered: who answered, who has it now.
    func answeredNote(on t: TicketState, by staff: Address, context: IncomingContext) -> QueuedMail? {
        guard policy.answeredNotes != .off else { return nil }
        let recipients = policy.staffNotify.filter { $0.normalized != staff.normalized }
        guard !recipients.isEmpty else { return nil }
        let text = OwnershipTexts.answered(t, by: staff)
        return QueuedMail(.answeredNote, OutgoingMail(
            from: policy.supportAddress, to: recipients, replyTo: policy.supportAddress, subject: text.subject,
            messageID: context.makeMessageID(), inReplyTo: t.lastMessageID, references: t.referenceChain(parent: nil),
            date: context.receivedAt, autoSubmitted: "auto-generated",
            extraHeaders: [.init("X-Postdesk-Ticket", t.reference.description)], body: text.body))
    }

    /// Why a new ticket's requester gets no acknowledgement, or nil when they get one. A known administrator's new
    /// ticket is a person asking for help, not loop traffic, so the per-sender cap does not apply to it, unless it
    /// repeats a text they sent within the hour: a responder that changes the subject and drops threading does that.
    /// Other senders are capped as before.
    func acknowledgementWithheld(from: Address, customer: Customer?, automatic: AutomaticMail?,
                                 context: IncomingContext) -> String? {
        if let automatic { return "automatic mail (\(automatic.reason))" }
        if customer?.administrators.contains(from.normalized) == true, !context.repeatsRecentText { return nil }
        guard let capped = capReached(for: from, context: context) else { return nil }
        return capped + (context.repeatsRecentText ? ", and the mail repeats one of theirs from the last hour" : "")
    }

    /// Why the per-recipient hourly cap (loop protection) holds back an automatic mail to the sender; nil if not.
    func capReached(for sender: Address, context: IncomingContext) -> String? {
        guard context.automaticMailsToSender >= policy.autoReplyLimitPerHour else { return nil }
        return "\(context.automaticMailsToSender) automatic mails to \(sender.normalized) in the last hour "
            + "(autoReplyLimitPerHour \(policy.autoReplyLimitPerHour))"
    }
}
