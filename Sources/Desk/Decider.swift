import Foundation
import MIME

/// The ticket rules: threading, roles, priority, clocks and the mails that follow. Pure: the clock comes in
/// `receivedAt`.
public struct Decider: Sendable {
    public var policy: Policy
    public var classifier: PriorityClassifier

    public init(policy: Policy) {
        self.policy = policy
        self.classifier = PriorityClassifier(defaultPriority: policy.defaultPriority)
    }

    public func decide(_ context: IncomingContext) -> Decision {
        var decision = verdict(context)
        if context.backfill {
            // Old mail: its tickets exist for the record; nobody is written to and no clock runs.
            decision.mails = []
            if case .newTicket(var t) = decision.outcome {
                (t.clock, t.page) = (nil, nil)
                decision.outcome = .newTicket(t)
            }
            if case .update(var t) = decision.outcome { (t.clock, t.page) = (nil, nil); decision.outcome = .update(t) }
        }
        // The Date header in the configured zone's offset, so clients quote the time the mail states.
        for i in decision.mails.indices { decision.mails[i].mail.timeZone = policy.timeZone }
        return decision
    }

    func verdict(_ context: IncomingContext) -> Decision {
        let m = context.message
        guard context.size <= policy.maxMessageBytes else { return oversized(context) }
        guard let from = m.from, from.email.contains("@") else {
            return Decision(outcome: .quarantined("missing or unreadable From"), role: .quarantined,
                summary: "quarantined: no From")
        }
        let role = policy.role(of: from)
        if role == .staff, let authserv = policy.staffAuthservID,
           !AuthenticationResults.passes(m, authservID: authserv, domain: from.domain) {
            // A forged staff From must not reach customers; it is kept for a person to look at.
            return Decision(
                outcome: .quarantined("staff sender \(from.email) not authenticated by \(authserv) (no DKIM/SPF pass)"),
                            role: .quarantined, summary: "quarantined unauthenticated staff mail")
        }
        if role == .ourselves {
            return Decision(outcome: .ignored("our own mail came back"), role: .ignored,
                summary: "ignored our own mail")
        }
        let automatic = context.analysis.map(\.automatic) ?? AutomaticMail.classify(m)
        if case .bounce(let why)? = automatic { return bounce(why, context: context) }
        if automatic != nil, OtherDesk.wrote(m) {
            return Decision(outcome: .ignored("automatic mail from another Postdesk"), role: .ignored,
                            summary: "another desk's notice kept as ignored (no answer, no notice: no loop)")
        }
        let analysis = context.analysis ?? MessageAnalysis(m, classifier: classifier)
        let newText = analysis.newText

        if let ticket = thread(from: from, role: role, context: context) {
            if case .autoReply(let why)? = automatic {
                return Decision(outcome: .update(ticket), role: .autoReply, newText: newText,
                                summary: "auto-reply joined \(ticket.reference) (\(why))")
            }
            if role == .staff { return staffReply(on: ticket, from: from, newText: newText, context: context) }
            return customerFollowUp(on: ticket, from: from, role: role, newText: newText, automatic: automatic,
                context: context)
        }
        if case .autoReply(let why)? = automatic {
            return Decision(outcome: .ignored("auto-reply: \(why)"), role: .ignored,
                summary: "auto-reply kept as ignored")
        }
        switch role {
        case .ourselves:
            return Decision(outcome: .ignored("our own mail came back"), role: .ignored,
                summary: "ignored our own mail")
        case .staff:
            return staffMailWithoutTicket(from: from, newText: newText, context: context)
        case .administrator(let customer):
            return openTicket(from: from, customer: customer, newText: newText, automatic: automatic, context: context)
        case .customerUser(let customer):
            return refuse(from: from, administratorsOnly: true, customer: customer, newText: newText,
                          automatic: automatic, context: context, reason: "not an administrator of \(customer.name)")
        case .unknown:
            switch policy.unknownSenders {
            case .open:
                return openTicket(from: from, customer: nil, newText: newText, automatic: automatic, context: context)
            case .reply:
                return refuse(from: from, administratorsOnly: false, customer: nil, newText: newText,
                              automatic: automatic, context: context, reason: "unknown sender")
            case .quarantine:
                return Decision(outcome: .quarantined("unknown sender \(from.email)"), role: .quarantined,
                                newText: newText, summary: "quarantined unknown sender")
            }
        }
    }

    /// A delivery report: our mails it names (with their random part intact) are marked failed and staff are
    /// told; no ticket opens.
    func bounce(_ why: String, context: IncomingContext) -> Decision {
        let failures = context.bouncedMails.filter { !$0.failed }.map {
            DeliveryFailure.of($0, why: "bounced: delivery status report received", policy: policy,
                at: context.receivedAt,
                               makeMessageID: context.makeMessageID)
        }
        let summary = failures.isEmpty ? "bounce kept as ignored"
            : "bounce marks \(failures.count) of our mails failed"
        return Decision(outcome: .bounce(why), role: .ignored, summary: summary, deliveryFailures: failures)
    }

    /// Too large to take: kept in the quarantine, and the sender (a person we would answer) is told once, politely.
    func oversized(_ context: IncomingContext) -> Decision {
        let m = context.message
        // The quarantine record may hold only the mail's head: the reason says where the whole mail is kept.
        let reason = "oversized: \(context.size) bytes > \(policy.maxMessageBytes); nothing is lost: the whole mail is "
            + "kept in \(context.quarantinePlace ?? "the mailbox")"
        var mails: [QueuedMail] = []
        if let from = m.from, from.email.contains("@"), AutomaticMail.classify(m) == nil,
           context.automaticMailsToSender < policy.autoReplyLimitPerHour,
           context.refusalsLastHour < policy.refusalLimitPerHour {
            let role = policy.role(of: from)
            var customer: Customer?
            var answer = true
            switch role {
            case .ourselves: answer = false
            case .unknown: answer = policy.unknownSenders != .quarantine
            case .administrator(let c), .customerUser(let c): customer = c
            case .staff: break
            }
            if answer {
                let language = customer?.language ?? LanguageDetector.detect(
                    m.subject + "\n" + String(m.bodyText.prefix(4000))) ?? "en"
                let body = Templates.oversized(to: Addressee(from, language: language, customer: customer),
                                               size: context.size, limit: policy.maxMessageBytes, policy: policy)
                mails.append(QueuedMail(.refusal, OutgoingMail(
                    from: policy.supportAddress, to: [from], subject: "Re: " + SubjectLine.clean(
                        m.subject, prefix: policy.referencePrefix),
                    messageID: context.makeMessageID(), inReplyTo: m.messageID,
                    references: m.references + [m.messageID].compactMap { $0 },
                    date: context.receivedAt, autoSubmitted: "auto-replied", body: body)))
            }
        }
        return Decision(outcome: .quarantined(reason), role: .quarantined, mails: mails,
                        summary: "quarantined oversized mail" + (mails.isEmpty ? "" : "; the sender is told"))
    }

    /// Header match on one of our Message-IDs first; a match on a received Message-ID (which a stranger may have
    /// seen, e.g. in a Cc) or a subject reference only from someone entitled to that ticket.
    func thread(from: Address, role: SenderRole, context: IncomingContext) -> TicketState? {
        if let byHeader = context.ticketByHeader,
           context.headerMatchIsOurs || mayUseSubjectReference(
               from: from, role: role, ticket: byHeader) { return byHeader }
        guard let candidate = context.ticketBySubject else { return nil }
        return mayUseSubjectReference(from: from, role: role, ticket: candidate) ? candidate : nil
    }

    public func mayUseSubjectReference(from: Address, role: SenderRole, ticket: TicketState) -> Bool {
        switch role {
        case .staff: return true
        case .administrator(let customer) where customer.id == ticket.customerID: return true
        default: return ticket.isParticipant(from)
        }
    }

    func language(for customer: Customer?, context: IncomingContext, newText: String) -> String {
        customer?.language ?? context.analysis?.detectedLanguage
            ?? LanguageDetector.detect(String((context.message.subject + "\n" + newText).prefix(
                PriorityClassifier.readLimit))) ?? "en"
    }

    func planFor(_ customer: Customer?) -> SupportPlan {
        policy.plan(named: customer?.plan ?? policy.defaultPlan)
            ?? policy.plans.values.sorted { $0.name < $1.name }.first!
    }

    func openTicket(from: Address, customer: Customer?, newText: String, automatic: AutomaticMail?,
                    context: IncomingContext, linkedTo: TicketState? = nil, openedBy staff: Address? = nil,
                    event: StaffNotificationFacts.Event? = nil) -> Decision {
        let m = context.message
        let copied = copiedColleagues(of: customer, in: m, besides: from)
        let plan = planFor(customer)
        let priority = context.analysis?.priority ?? classifier.classify(m, newText: newText)
        let reference = context.nextReference
        let subject = SubjectLine.clean(m.subject, prefix: policy.referencePrefix)
        let language = self.language(for: customer, context: context, newText: newText)
        let claimed = context.ticketBySubject.flatMap { $0.id == linkedTo?.id ? nil : $0.reference.description }
            ?? TicketReference.all(
                in: m.subject,
                prefix: policy.referencePrefix).first.flatMap { $0 == linkedTo?.reference ? nil : $0.description }
        var ticket = TicketState(
            id: 0, reference: reference, status: .open, priority: priority, customerID: customer?.id, plan: plan.name,
            requester: from, participants: [from] + copied.added, subject: subject.isEmpty ? "(no subject)" : subject,
            language: language,
            createdAt: context.receivedAt, clock: ReactionClock.start(
                at: context.receivedAt, priority: priority.priority, plan: plan),
            rootMessageID: m.messageID, lastMessageID: m.messageID, linkedTicketID: linkedTo?.id,
            claimedReference: claimed)
        // Outside hours an urgent ticket pages the on-call; one staff open after a phone call is already handled.
        if staff == nil {
            ticket.page = OnCallPaging.starts(priority: priority.priority, customer: customer, plan: plan,
                                              at: context.receivedAt)
        }
        var mails: [QueuedMail] = []
        let withheld = acknowledgementWithheld(from: from, customer: customer, automatic: automatic, context: context)
        if withheld == nil {
            let body = Templates.acknowledgement(to: Addressee(from, language: language, customer: customer),
                                                 reference: reference, priority: priority.priority,
                                                 deadline: ticket.clock?.dueAt, plan: plan, policy: policy,
                                                 onCallAlerted: ticket.page != nil)
            var ack = reply(to: m, ticket: ticket, recipients: [from], body: body, auto: "auto-replied",
                context: context)
            ack.cc = copied.added
            if staff != nil { ack.inReplyTo = nil; ack.references = [] }   // the customer never saw the staff mail
            mails.append(QueuedMail(.acknowledgement, ack))
        }
        mails += staffNotification(ticket: ticket, customer: customer, plan: plan, newText: newText,
                                   event: event ?? staff.map { .openedByStaff($0) } ?? .newTicket, context: context,
                                   notAdded: copied.notAdded)
        var summary = "opened \(reference) \(priority.priority.rawValue) (\(priority.reason))"
        if let claimed { summary += "; claimed \(claimed) not trusted" }
        if let withheld { summary += "; no acknowledgement: \(withheld)" }
        if ticket.page != nil { summary += "; pages the on-call" }
        var decision = Decision(outcome: .newTicket(ticket), role: .customer, newText: newText, mails: mails,
                                summary: summary)
        decision.acknowledgementWithheld = withheld
        return decision
    }

    func refuse(from: Address, administratorsOnly: Bool, customer: Customer?, newText: String,
                automatic: AutomaticMail?,
                context: IncomingContext, reason: String) -> Decision {
        var mails: [QueuedMail] = []
        // Loop guard: an answer to one of our automatic mails gets no second one, so a responder without
        // RFC 3834 headers stops after one round.
        if context.answersOurAutomaticMail {
            return Decision(outcome: .rejected(reason), role: .rejected, newText: newText,
                            summary: "rejected: \(reason); no refusal: it answers our automatic mail")
        }
        if automatic == nil, context.automaticMailsToSender < policy.autoReplyLimitPerHour,
           context.refusalsLastHour < policy.refusalLimitPerHour {
            let lang = customer?.language ?? self.language(for: nil, context: context, newText: newText)
            let body = Templates.refusal(to: Addressee(from, language: lang, customer: customer),
                                         administratorsOnly: administratorsOnly, policy: policy)
            let m = context.message
            let mail = OutgoingMail(
                from: policy.supportAddress, to: [from], subject: "Re: " + SubjectLine.clean(
                    m.subject, prefix: policy.referencePrefix),
                messageID: context.makeMessageID(), inReplyTo: m.messageID,
                references: (m.references + [m.messageID].compactMap { $0 }),
                date: context.receivedAt, autoSubmitted: "auto-replied", body: body)
            mails.append(QueuedMail(.refusal, mail))
            if administratorsOnly, let customer, copiesRefusals(of: customer),
               let copy = refusalCopy(of: from, customer: customer, language: lang, context: context) {
                mails.append(copy)
            }
        }
        return Decision(outcome: .rejected(reason), role: .rejected, newText: newText, mails: mails,
            summary: "rejected: \(reason)")
    }

    func customerFollowUp(on ticket: TicketState, from: Address, role: SenderRole, newText: String,
                          automatic: AutomaticMail?, context: IncomingContext) -> Decision {
        var t = ticket
        let plan = planFor(policy.customer(id: ticket.customerID))
        let now = context.receivedAt
        var note = "follow-up on \(ticket.reference)"
        if ticket.status == .resolved, Gratitude.isOnlyThanks(newText) {
            // A thank-you after the close is recorded; it does not reopen the ticket or wake anyone.
            t.lastMessageID = context.message.messageID ?? t.lastMessageID
            return Decision(outcome: .update(t), role: .customer, newText: newText,
                            summary: "thank-you recorded on resolved \(ticket.reference)")
        }
        if ticket.status == .resolved {
            let resolvedAt = ticket.resolvedAt ?? ticket.createdAt
            if now.timeIntervalSince(resolvedAt) > Double(policy.reopenDays) * 86_400 {
                let customer: Customer? = {
                    if case .administrator(let c) = role { return c }
                    return policy.customer(id: ticket.customerID)
                }()
                return openTicket(from: from, customer: customer, newText: newText, automatic: automatic,
                    context: context, linkedTo: ticket)
            }
            t.status = .open
            t.resolvedAt = nil
            t.clock = ReactionClock.start(at: now, priority: t.priority.priority, plan: plan)
            note = "reopened \(ticket.reference)"
        } else if ticket.status == .answered {
            t.status = .open
            if policy.restartClockOnFollowUp {
                t.clock = ReactionClock.start(at: now, priority: t.priority.priority, plan: plan)
            }
        }
        if !t.isParticipant(from) { t.participants.append(from) }
        let copied = copiedColleagues(of: policy.customer(id: t.customerID), in: context.message, besides: from)
        for colleague in copied.added where !t.isParticipant(colleague) { t.participants.append(colleague) }
        t.lastMessageID = context.message.messageID ?? t.lastMessageID
        var mails = staffNotification(ticket: t, customer: policy.customer(id: t.customerID), plan: plan,
                                      newText: newText, event: ticket.status == .resolved ? .reopened : .followUp,
                                      context: context, notAdded: copied.notAdded,
                                      to: followUpRecipients(of: t, context: context),
                                      answeredBy: context.staffAnswers[t.id] ?? [])
        let confirmation = followUpConfirmation(on: t, reopened: ticket.status == .resolved, from: from,
                                                automatic: automatic, context: context)
        if let mail = confirmation.mail { mails.insert(mail, at: 0) }
        if let why = confirmation.note { note += "; " + why }
        var decision = Decision(outcome: .update(t), role: .customer, newText: newText, mails: mails, summary: note)
        if t.status != ticket.status {
            decision.statusBefore = StatusBefore(status: ticket.status, resolvedAt: ticket.resolvedAt)
        }
        return decision
    }

    func staffNotification(ticket: TicketState, customer: Customer?, plan: SupportPlan, newText: String,
                           event: StaffNotificationFacts.Event, context: IncomingContext,
                           notAdded: [Address] = [], to recipients: [Address]? = nil,
                           answeredBy: [StaffAnswer] = []) -> [QueuedMail] {
        let recipients = recipients ?? policy.staffNotify
        guard !recipients.isEmpty else { return [] }
        let m = context.message
        let files = NotificationAttachments.choose(m.attachments, limit: policy.notificationAttachmentLimit)
        let leftOut = Set(files.leftOut.map(\.0))
        // Numbered as stored, so `postdesk attachment REF N` finds the same one; unnamed inline parts (a logo in a
        // signature) are listed only when they were left out.
        let attachments = m.attachments.enumerated().compactMap { i, a -> StaffNotificationFacts.Attachment? in
            guard a.filename != nil || leftOut.contains(i + 1) else { return nil }
            return StaffNotificationFacts.Attachment(number: i + 1,
                                                     filename: CustomerText.line(a.displayName ?? "file \(i + 1)",
                                                     limit: 200),
                                                     size: a.size, attached: !leftOut.contains(i + 1))
        }
        let body = Templates.staffNotification(StaffNotificationFacts(
            event: event, reference: ticket.reference, subject: ticket.subject, priority: ticket.priority,
            from: ticket.requester, cc: m.cc, notAdded: notAdded, customerName: customer?.name, planName: plan.name,
            deadline: ticket.clock?.dueAt, timeZone: plan.calendar.timeZone, attachments: attachments,
            claimedReference: ticket.claimedReference, answeredBy: answeredBy, text: CustomerText.block(newText)))
        let label: String
        switch event {
        case .newTicket: label = "New \(ticket.priority.priority.rawValue)"
        case .openedByStaff(let staff): label = "New \(ticket.priority.priority.rawValue), opened by \(staff.email)"
        case .split(let old, _): label = "New \(ticket.priority.priority.rawValue), split from \(old)"
        case .followUp: label = "Customer follow-up"
        case .reopened: label = "Reopened by the customer"
        }
        let mail = OutgoingMail(
            from: policy.supportAddress, to: recipients, replyTo: policy.supportAddress,
            subject: "\(ticket.reference.tag) \(label): \(ticket.subject)", messageID: context.makeMessageID(),
            inReplyTo: context.message.messageID, references: ticket.referenceChain(parent: context.message.messageID),
            date: context.receivedAt, autoSubmitted: "auto-generated", body: body, attachments: files.attached)
        return [QueuedMail(.staffNotification, mail)]
    }

    func reply(to m: ParsedMessage, ticket: TicketState, recipients: [Address], body: String, auto: String?,
               context: IncomingContext) -> OutgoingMail {
        OutgoingMail(from: policy.supportAddress, to: recipients,
            subject: SubjectLine.tagged(m.subject, reference: ticket.reference),
                     messageID: context.makeMessageID(), inReplyTo: m.messageID,
                     references: m.references + [m.messageID].compactMap { $0 }, date: context.receivedAt,
                     autoSubmitted: auto, body: body)
    }
}

extension Decider {
    /// Addresses a customer copied (To/Cc besides us and the sender): colleagues of the same customer join the ticket,
    /// anyone else does not (staff are told).
    func copiedColleagues(of customer: Customer?, in m: ParsedMessage, besides sender: Address)
        -> (added: [Address], notAdded: [Address]) {
        var added: [Address] = [], notAdded: [Address] = []
        var seen: Set<String> = [sender.normalized, policy.supportAddress.normalized]
        for address in m.to + m.cc where address.email.contains("@") && seen.insert(address.normalized).inserted {
            if policy.isStaff(address.email) { continue }
            if let customer, customer.domains.contains(address.domain) ||
                customer.administrators.contains(address.normalized) {
                added.append(address)
            } else {
                notAdded.append(address)
            }
        }
        return (added, notAdded)
    }
}
