import Foundation
import MIME

extension Decider {
    /// A staff member's mail on a ticket: relayed to the customer, or kept as an internal note. Replies to our notices
    /// (warnings, breaches, and notifications when the sender is a CSM or the team lead) and mail from CSMs and the
    /// team lead stay internal unless they start with `#reply`: only an agent's answer reaches the customer and
    /// stops the clock.
    func staffReply(on ticket: TicketState, from: Address, newText: String, context: IncomingContext) -> Decision {
        let m = context.message
        var commands = StaffCommands.parse(newText)
        let time = TimeEntry.extract(from: commands.text)
        commands.text = time.text
        // One unreadable line logs none of the mail's time: the sender sends it again whole.
        let logged = time.unreadable.isEmpty ? time.entries : []
        if commands.split || commands.mergeInto != nil {
            var moved = commands.mergeInto.map {
                merge(ticket, into: $0, from: from, commands: commands, context: context)
            } ?? split(ticket, from: from, commands: commands, context: context)
            moved.timeLogged = logged   // on this ticket; a merge then moves it with the rest
            return moved
        }
        // Extraction found nothing of the staff member's own: relaying the whole body would send the quoted history.
        let wholeBody = context.analysis?.newTextIsWholeBody ?? ReplyExtractor.extract(m).fellBack
        if wholeBody, commands.isEmpty { commands.text = "" }
        var t = ticket
        let plan = planFor(policy.customer(id: ticket.customerID))
        var notes: [String] = logged.map { "time \(TimeEntry.format(minutes: $0.minutes)) logged" }
        if let p = commands.priority, p != t.priority.priority {
            t.priority = PriorityDecision(p, reason: "set by \(from.email) (was \(ticket.priority.priority.rawValue))")
            t.clock = retimed(t.clock, priority: p, plan: plan, ticket: ticket, at: context.receivedAt)
            notes.append("priority \(p.rawValue)")
            // Raised to a paging priority outside hours: the on-call is paged as for a new ticket.
            if t.page == nil, t.status == .open, let page = OnCallPaging.starts(
                priority: p, customer: policy.customer(id: t.customerID), plan: plan, at: context.receivedAt) {
                t.page = page
                notes.append("pages the on-call")
            }
        }
        // Someone has the page: `#ack`, or any reply to a page (internal unless #reply) stops the re-paging.
        if commands.ack || context.answersKind == .onCallPage, t.page?.isRunning == true {
            t.page?.nextAt = nil
            notes.append("page acknowledged")
        }
        notes += applyOwnership(commands, to: &t, from: from, answers: false)
        let presence = presence(commands, from: from)
        if let presence { notes.append(presence.away ? "\(presence.email) away" : "\(presence.email) back") }
        let answersNotice = context.answersKind.map { kind in
            (kind.isNotice && kind != .staffNotification) || (kind == .staffNotification && !policy.isAgent(from.email))
        } ?? false
        let internalByDefault = answersNotice || !policy.isAgent(from.email)
        // An unreadable `#time` line keeps the whole mail internal: the sender corrects it, nothing is relayed half.
        if commands.note || ((internalByDefault || commands.ack) && !commands.reply) || !time.unreadable.isEmpty {
            notes.append("internal note")
            if !time.unreadable.isEmpty { notes.append("unreadable time line; the sender is told") }
            else if !commands.note, !commands.ack {
                notes.append(answersNotice ? "a reply to our notice" : "from \(from.email), not an agent")
            }
            var note = Decision(outcome: .update(t), role: .staffNote, newText: commands.text,
                                mails: time.unreadable.first.map {
                                    [staffHelp(.unreadableTime(ticket.reference, $0.line), to: from, context: context)]
                                } ?? [], summary: "\(ticket.reference): " + notes.joined(separator: ", "))
            note.timeLogged = logged
            note.presence = presence
            return note
        }
        var mails: [QueuedMail] = []
        let customers = t.participants.filter { !policy.isStaff($0.email) }
        if !commands.text.isEmpty {
            let direct = Set((m.to + m.cc).map(\.normalized))
            if customers.contains(where: { direct.contains($0.normalized) }) {
                notes.append("reply went to the customer directly")
            } else if !customers.isEmpty {
                let to = customers.filter { $0.normalized == t.requester.normalized }
                let cc = customers.filter { $0.normalized != t.requester.normalized }
                mails.append(QueuedMail(.relay, relay(commands.text, on: t, to: to.isEmpty ? cc : to,
                                                      cc: to.isEmpty ? [] : cc, from: from, context: context)))
                notes.append("relayed to \(customers.map(\.email).joined(separator: ", "))")
            }
            notes += applyOwnership(StaffCommands(text: ""), to: &t, from: from, answers: true)
            if ticket.firstResponseAt == nil, let note = answeredNote(on: t, by: from, context: context) {
                mails.append(note)
            }
            t.firstResponseAt = t.firstResponseAt ?? context.receivedAt
            t.clock = nil
            t.status = .answered
            t.page?.nextAt = nil   // the customer has an answer: nobody else need be woken
        } else if commands.isEmpty, time.entries.isEmpty {
            // Nothing of the staff member's own survived extraction: they hear so, instead of silence.
            mails.append(staffHelp(.relayedNothing(t.reference), to: from, context: context))
            notes.append("nothing to relay; the sender is told")
        }
        if commands.close {
            t.status = .resolved
            t.resolvedAt = context.receivedAt
            t.clock = nil
            notes.append("closed")
            if !commands.closeSilently, let note = closingNote(on: t, context: context) {
                mails.append(note)
                notes.append("the customer is told")
            }
        } else if commands.reopen, t.status == .resolved {
            t.status = .open
            t.resolvedAt = nil
            t.clock = ReactionClock.start(at: context.receivedAt, priority: t.priority.priority, plan: plan)
            notes.append("reopened")
        }
        t.lastMessageID = mails.last(where: { $0.kind == .relay || $0.kind == .closingNote })?.mail.messageID
            ?? t.lastMessageID
        var reply = Decision(outcome: .update(t), role: .staffReply, newText: commands.text, mails: mails,
                             summary: "staff reply on \(ticket.reference)"
                                + (notes.isEmpty ? "" : ": " + notes.joined(separator: ", ")))
        reply.timeLogged = logged
        reply.presence = presence
        return reply
    }

    /// A priority change re-times the running clock from its start; a ticket without one (best effort, or answered)
    /// gets one from its last clock start, else from now, when the new priority has a target.
    func retimed(_ clock: ReactionClock?, priority: Priority, plan: SupportPlan, ticket: TicketState,
                 at now: Date) -> ReactionClock? {
        guard let clock else {
            guard ticket.status == .open else { return nil }
            return ReactionClock.start(at: now, priority: priority, plan: plan)
        }
        guard var retimed = ReactionClock.start(at: clock.startedAt, priority: priority, plan: plan) else { return nil }
        // A notice already sent stays sent only if still past its new instant.
        retimed.warningSent = clock.warningSent && retimed.warnAt <= now
        retimed.breachSent = clock.breachSent && retimed.dueAt <= now
        return retimed
    }

    /// The staff text to the customers, from the support address, answering the last message they saw, with the
    /// staff member's files.
    func relay(_ text: String, on t: TicketState, to: [Address], cc: [Address], from: Address,
               context: IncomingContext) -> OutgoingMail {
        let staffName = from.name.flatMap { $0.isEmpty ? nil : $0 } ?? from.email
        var sender = policy.supportAddress
        sender.name = "\(staffName) (\(policy.supportAddress.name ?? "Support"))"
        // Logos of a signature (inline parts with a Content-ID) stay behind; files travel.
        let files = context.message.attachments.filter { !($0.isInline && $0.contentID != nil) }
        return OutgoingMail(
            from: sender, to: to, cc: cc, replyTo: policy.supportAddress,
            subject: SubjectLine.tagged(t.subject, reference: t.reference), messageID: context.makeMessageID(),
            inReplyTo: t.lastMessageID, references: t.referenceChain(parent: nil), date: context.receivedAt,
            body: Templates.relay(text: text, staff: from, policy: policy), attachments: files)
    }

    func closingNote(on t: TicketState, context: IncomingContext) -> QueuedMail? {
        let customers = t.participants.filter { !policy.isStaff($0.email) }
        guard !customers.isEmpty else { return nil }
        let to = Addressee(t.requester, language: t.language, customer: policy.customer(id: t.customerID))
        let body = Templates.closingNote(to: to, reference: t.reference, reopenDays: policy.reopenDays, policy: policy)
        return QueuedMail(.closingNote, OutgoingMail(
            from: policy.supportAddress, to: [t.requester],
            cc: customers.filter { $0.normalized != t.requester.normalized },
            subject: SubjectLine.tagged(t.subject, reference: t.reference), messageID: context.makeMessageID(),
            inReplyTo: t.lastMessageID, references: t.referenceChain(parent: nil), date: context.receivedAt,
            autoSubmitted: "auto-generated", body: body))
    }

    func staffHelp(_ reason: Templates.StaffHelpReason, to staff: Address, context: IncomingContext) -> QueuedMail {
        let m = context.message
        return QueuedMail(.staffHelp, OutgoingMail(
            from: policy.supportAddress, to: [staff], subject: "Not passed on: " + m.subject,
            messageID: context.makeMessageID(),
            inReplyTo: m.messageID, references: m.references + [m.messageID].compactMap { $0 },
            date: context.receivedAt,
            autoSubmitted: "auto-replied", body: Templates.staffHelp(reason, subject: m.subject)))
    }

    /// A staff mail naming no ticket: `#open customer@domain` (or a customer administrator in To/Cc) opens one for that
    /// customer after a phone call; anything else is kept, and the sender is told why nothing happened.
    func staffMailWithoutTicket(from: Address, newText: String, context: IncomingContext) -> Decision {
        let commands = StaffCommands.parse(newText)
        let m = context.message
        let named = commands.open ?? (m.to + m.cc).first { address in
            if case .administrator = policy.role(of: address) { return true }
            return false
        }
        if let requester = named {
            switch policy.role(of: requester) {
            case .ourselves, .staff:
                break
            case .administrator(let customer), .customerUser(let customer):
                return staffOpens(for: requester, customer: customer, by: from, text: commands.text, context: context)
            case .unknown:
                return staffOpens(for: requester, customer: nil, by: from, text: commands.text, context: context)
            }
        }
        if let presence = presence(commands, from: from) {
            var decision = Decision(outcome: .ignored("staff presence"), role: .ignored, newText: newText,
                                    summary: "\(presence.email) " + (presence.away ? "away" : "back"))
            decision.presence = presence
            return decision
        }
        let reason: Templates.StaffHelpReason = commands.open.map { .cannotOpen($0.email) } ?? .namesNoTicket
        var mails: [QueuedMail] = []
        if !context.answersOurAutomaticMail { mails.append(staffHelp(reason, to: from, context: context)) }
        return Decision(outcome: .ignored("staff mail that names no ticket"), role: .ignored, newText: newText,
                        mails: mails, summary: "staff mail without ticket kept as ignored; the sender is told")
    }

    func staffOpens(for requester: Address, customer: Customer?, by staff: Address, text: String,
                    context: IncomingContext) -> Decision {
        var decision = openTicket(from: requester, customer: customer, newText: text, automatic: nil, context: context,
                                  openedBy: staff)
        decision.summary += "; opened by \(staff.email)"
        return decision
    }
}

/// Which customer files go with a staff notification: in order, while they fit the limit in all.
enum NotificationAttachments {
    static func choose(_ files: [Attachment], limit: Int) -> (attached: [Attachment], leftOut: [(Int, Attachment)]) {
        var attached: [Attachment] = [], leftOut: [(Int, Attachment)] = []
        var total = 0
        for (index, file) in files.enumerated() {
            if total + file.size <= limit {
                attached.append(file)
                total += file.size
            } else {
                leftOut.append((index + 1, file))
            }
        }
        return (attached, leftOut)
    }
}
