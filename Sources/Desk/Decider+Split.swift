import Foundation
import MIME

extension Decider {
    /// `#split`: the customer message the staff mail answers (else the ticket's latest) becomes a ticket of its own,
    /// opened as if it had just come in (new reference, acknowledgement, staff notification), but with its clock
    /// from when the customer wrote. The old ticket goes back to what it was before that message reopened it, when
    /// no customer mail came after it. The staff mail itself stays an internal note on the old ticket.
    func split(_ ticket: TicketState, from staff: Address, commands: StaffCommands,
               context: IncomingContext) -> Decision {
        guard let source = context.splitSource, let requester = source.message.from else {
            return Decision(outcome: .update(ticket), role: .staffNote, newText: commands.text,
                            mails: [staffHelp(.cannotSplit(ticket.reference), to: staff, context: context)],
                            summary: "\(ticket.reference): #split found no message to split; the sender is told")
        }
        let customer: Customer? = {
            switch policy.role(of: requester) {
            case .administrator(let c), .customerUser(let c): return c
            default: return policy.customer(id: ticket.customerID)
            }
        }()
        var asNew = context
        asNew.message = source.message
        asNew.receivedAt = source.receivedAt
        asNew.analysis = nil
        asNew.ticketBySubject = nil
        asNew.automaticMailsToSender = source.automaticMailsToSender
        asNew.answersOurAutomaticMail = false
        asNew.repeatsRecentText = false
        let text = ReplyExtractor.newText(of: source.message)
        let opened = openTicket(from: requester, customer: customer, newText: text, automatic: nil, context: asNew,
                                linkedTo: ticket, event: .split(from: ticket.reference, by: staff))
        guard case .newTicket(let fresh) = opened.outcome else { return opened }
        // The mails go out now; only the ticket's clock counts from the customer's mail.
        let mails = opened.mails.map { queued -> QueuedMail in
            var q = queued
            q.mail.date = context.receivedAt
            return q
        }
        var old = ticket
        var restored = ""
        if source.isLatest, let before = source.statusBefore, before != .open {
            old.status = before
            old.resolvedAt = before == .resolved ? (source.resolvedAtBefore ?? context.receivedAt) : nil
            old.clock = nil
            restored = "; \(ticket.reference) back to \(before.rawValue)"
        }
        var decision = Decision(outcome: .update(old), role: .staffNote, newText: commands.text,
                                summary: "\(ticket.reference): split by \(staff.email) into \(fresh.reference) "
                                    + "\(fresh.priority.priority.rawValue) (\(fresh.priority.reason))" + restored)
        decision.split = TicketSplit(messageRow: source.messageRow, ticket: fresh, mails: mails,
                                     acknowledgementWithheld: opened.acknowledgementWithheld)
        return decision
    }

    /// `#merge PD-…`: this ticket folds into the named one, which gains its people and keeps the earlier deadline;
    /// this one is marked merged and resolved. Refused (the sender told why) into itself, into an unknown ticket,
    /// or into one that is merged itself. The staff mail is an internal note.
    func merge(_ ticket: TicketState, into named: String, from staff: Address, commands: StaffCommands,
               context: IncomingContext) -> Decision {
        let refusal: String? = {
            guard let target = context.mergeTarget else { return "no ticket has the reference \(named)" }
            if target.id == ticket.id { return "a ticket cannot be merged into itself" }
            if target.mergedInto != nil { return "\(target.reference) is itself merged into another ticket" }
            return nil
        }()
        if let refusal {
            return Decision(outcome: .update(ticket), role: .staffNote, newText: commands.text,
                            mails: [staffHelp(.cannotMerge(ticket.reference, named, refusal), to: staff,
                                              context: context)],
                            summary: "\(ticket.reference): #merge \(named) refused (\(refusal)); the sender is told")
        }
        var into = context.mergeTarget!
        for person in ticket.participants where !into.isParticipant(person) { into.participants.append(person) }
        into.clock = Self.earlier(into.clock, ticket.clock)
        if ticket.status == .open, into.status != .open {
            // A request still waiting for staff moves in: the kept ticket waits for staff too.
            into.status = .open
            into.resolvedAt = nil
        }
        into.owner = into.owner ?? ticket.owner
        var merged = ticket
        merged.mergedInto = into.id
        merged.status = .resolved
        merged.resolvedAt = merged.resolvedAt ?? context.receivedAt
        merged.clock = nil
        var decision = Decision(outcome: .update(merged), role: .staffNote, newText: commands.text,
                                summary: "\(ticket.reference) merged into \(into.reference) by \(staff.email)")
        decision.merge = TicketMerge(fromID: ticket.id, into: into)
        return decision
    }

    /// The earlier deadline stands: the earlier due and the earlier warning instant of two clocks, each with
    /// whether its notice was already sent.
    static func earlier(_ a: ReactionClock?, _ b: ReactionClock?) -> ReactionClock? {
        guard let a else { return b }
        guard let b else { return a }
        let due = a.dueAt <= b.dueAt ? a : b
        let warn = a.warnAt <= b.warnAt ? a : b
        return ReactionClock(startedAt: min(a.startedAt, b.startedAt), dueAt: due.dueAt, warnAt: warn.warnAt,
                             warningSent: warn.warningSent, breachSent: due.breachSent)
    }
}
