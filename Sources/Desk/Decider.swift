import Foundation
import MIME

/// The ticket rules: threading, roles, priority, clocks and the mails that follow. Pure: the clock comes in `receivedAt`.
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
            if case .newTicket(var t) = decision.outcome { t.clock = nil; decision.outcome = .newTicket(t) }
            if case .update(var t) = decision.outcome { t.clock = nil; decision.outcome = .update(t) }
        }
        // The Date header in the configured zone's offset, so clients quote the time the mail states.
        for i in decision.mails.indices { decision.mails[i].mail.timeZone = policy.timeZone }
        return decision
    }

    func verdict(_ context: IncomingContext) -> Decision {
        let m = context.message
        guard context.size <= policy.maxMessageBytes else { return oversized(context) }
        guard let from = m.from, from.email.contains("@") else {
            return Decision(outcome: .quarantined("missing or unreadable From"), role: .quarantined, summary: "quarantined: no From")
        }
        let role = policy.role(of: from)
        if role == .staff, let authserv = policy.staffAuthservID,
           !AuthenticationResults.passes(m, authservID: authserv, domain: from.domain) {
            // A forged staff From must not reach customers; it is kept for a person to look at.
            return Decision(outcome: .quarantined("staff sender \(from.email) not authenticated by \(authserv) (no DKIM/SPF pass)"),
                            role: .quarantined, summary: "quarantined unauthenticated staff mail")
        }
        if role == .ourselves {
            return Decision(outcome: .ignored("our own mail came back"), role: .ignored, summary: "ignored our own mail")
        }
        let automatic = context.analysis.map(\.automatic) ?? AutomaticMail.classify(m)
        if case .bounce(let why)? = automatic { return bounce(why, context: context) }
        let analysis = context.analysis ?? MessageAnalysis(m, classifier: classifier)
        let newText = analysis.newText

        if let ticket = thread(from: from, role: role, context: context) {
            if case .autoReply(let why)? = automatic {
                return Decision(outcome: .update(ticket), role: .autoReply, newText: newText,
                                summary: "auto-reply joined \(ticket.reference) (\(why))")
            }
            if role == .staff { return staffReply(on: ticket, from: from, newText: newText, context: context) }
            return customerFollowUp(on: ticket, from: from, role: role, newText: newText, automatic: automatic, context: context)
        }
        if case .autoReply(let why)? = automatic {
            return Decision(outcome: .ignored("auto-reply: \(why)"), role: .ignored, summary: "auto-reply kept as ignored")
        }
        switch role {
        case .ourselves:
            return Decision(outcome: .ignored("our own mail came back"), role: .ignored, summary: "ignored our own mail")
        case .staff:
            return Decision(outcome: .ignored("staff mail that names no ticket"), role: .ignored, newText: newText,
                            summary: "staff mail without ticket kept as ignored")
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
            DeliveryFailure.of($0, why: "bounced: delivery status report received", policy: policy, at: context.receivedAt,
                               makeMessageID: context.makeMessageID)
        }
        let summary = failures.isEmpty ? "bounce kept as ignored"
            : "bounce marks \(failures.count) of our mails failed"
        return Decision(outcome: .bounce(why), role: .ignored, summary: summary, deliveryFailures: failures)
    }

    /// Too large to take: kept in the quarantine, and the sender (a person we would answer) is told once, politely.
    func oversized(_ context: IncomingContext) -> Decision {
        let m = context.message
        let reason = "oversized: \(context.size) bytes > \(policy.maxMessageBytes)"
        var mails: [QueuedMail] = []
        if let from = m.from, from.email.contains("@"), AutomaticMail.classify(m) == nil,
           context.automaticMailsToSender < policy.autoReplyLimitPerHour {
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
                let language = customer?.language ?? LanguageDetector.detect(m.subject + "\n" + String(m.bodyText.prefix(4000))) ?? "en"
                let body = Templates.oversized(to: Addressee(from, language: language, customer: customer),
                                               size: context.size, limit: policy.maxMessageBytes, policy: policy)
                mails.append(QueuedMail(.refusal, OutgoingMail(
                    from: policy.supportAddress, to: [from], subject: "Re: " + SubjectLine.clean(m.subject, prefix: policy.referencePrefix),
                    messageID: context.makeMessageID(), inReplyTo: m.messageID, references: m.references + [m.messageID].compactMap { $0 },
                    date: context.receivedAt, autoSubmitted: "auto-replied", body: body)))
            }
        }
        return Decision(outcome: .quarantined(reason), role: .quarantined, mails: mails,
                        summary: "quarantined oversized mail" + (mails.isEmpty ? "" : "; the sender is told"))
    }

    /// Header match first; a subject reference only from someone entitled to that ticket.
    func thread(from: Address, role: SenderRole, context: IncomingContext) -> TicketState? {
        if let byHeader = context.ticketByHeader { return byHeader }
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
            ?? LanguageDetector.detect(String((context.message.subject + "\n" + newText).prefix(PriorityClassifier.readLimit))) ?? "en"
    }

    func planFor(_ customer: Customer?) -> SupportPlan {
        policy.plan(named: customer?.plan ?? policy.defaultPlan) ?? policy.plans.values.sorted { $0.name < $1.name }.first!
    }

    func openTicket(from: Address, customer: Customer?, newText: String, automatic: AutomaticMail?,
                    context: IncomingContext, linkedTo: TicketState? = nil) -> Decision {
        let m = context.message
        let plan = planFor(customer)
        let priority = context.analysis?.priority ?? classifier.classify(m, newText: newText)
        let reference = context.nextReference
        let subject = SubjectLine.clean(m.subject, prefix: policy.referencePrefix)
        let language = self.language(for: customer, context: context, newText: newText)
        let claimed = context.ticketBySubject.flatMap { $0.id == linkedTo?.id ? nil : $0.reference.description }
            ?? TicketReference.all(in: m.subject, prefix: policy.referencePrefix).first.flatMap { $0 == linkedTo?.reference ? nil : $0.description }
        let ticket = TicketState(
            id: 0, reference: reference, status: .open, priority: priority, customerID: customer?.id, plan: plan.name,
            requester: from, participants: [from], subject: subject.isEmpty ? "(no subject)" : subject, language: language,
            createdAt: context.receivedAt, clock: ReactionClock.start(at: context.receivedAt, priority: priority.priority, plan: plan),
            rootMessageID: m.messageID, lastMessageID: m.messageID, linkedTicketID: linkedTo?.id, claimedReference: claimed)
        var mails: [QueuedMail] = []
        if automatic == nil, context.automaticMailsToSender < policy.autoReplyLimitPerHour {
            let body = Templates.acknowledgement(to: Addressee(from, language: language, customer: customer),
                                                 reference: reference, priority: priority.priority,
                                                 deadline: ticket.clock?.dueAt, plan: plan, policy: policy)
            mails.append(QueuedMail(.acknowledgement, reply(to: m, ticket: ticket, recipients: [from], body: body,
                                                            auto: "auto-replied", context: context)))
        }
        mails += staffNotification(ticket: ticket, customer: customer, plan: plan, newText: newText, event: .newTicket,
                                   context: context)
        var summary = "opened \(reference) \(priority.priority.rawValue) (\(priority.reason))"
        if let claimed { summary += "; claimed \(claimed) not trusted" }
        if let automatic { summary += "; no acknowledgement: \(automatic.reason)" }
        return Decision(outcome: .newTicket(ticket), role: .customer, newText: newText, mails: mails, summary: summary)
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
        if automatic == nil, context.automaticMailsToSender < policy.autoReplyLimitPerHour {
            let lang = customer?.language ?? self.language(for: nil, context: context, newText: newText)
            let body = Templates.refusal(to: Addressee(from, language: lang, customer: customer),
                                         administratorsOnly: administratorsOnly, policy: policy)
            let m = context.message
            let mail = OutgoingMail(
                from: policy.supportAddress, to: [from], subject: "Re: " + SubjectLine.clean(m.subject, prefix: policy.referencePrefix),
                messageID: context.makeMessageID(), inReplyTo: m.messageID, references: (m.references + [m.messageID].compactMap { $0 }),
                date: context.receivedAt, autoSubmitted: "auto-replied", body: body)
            mails.append(QueuedMail(.refusal, mail))
        }
        return Decision(outcome: .rejected(reason), role: .rejected, newText: newText, mails: mails, summary: "rejected: \(reason)")
    }

    func customerFollowUp(on ticket: TicketState, from: Address, role: SenderRole, newText: String,
                          automatic: AutomaticMail?, context: IncomingContext) -> Decision {
        var t = ticket
        let plan = planFor(policy.customer(id: ticket.customerID))
        let now = context.receivedAt
        var note = "follow-up on \(ticket.reference)"
        if ticket.status == .resolved {
            let resolvedAt = ticket.resolvedAt ?? ticket.createdAt
            if now.timeIntervalSince(resolvedAt) > Double(policy.reopenDays) * 86_400 {
                let customer: Customer? = {
                    if case .administrator(let c) = role { return c }
                    return policy.customer(id: ticket.customerID)
                }()
                return openTicket(from: from, customer: customer, newText: newText, automatic: automatic, context: context, linkedTo: ticket)
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
        t.lastMessageID = context.message.messageID ?? t.lastMessageID
        let mails = staffNotification(ticket: t, customer: policy.customer(id: t.customerID), plan: plan, newText: newText,
                                      event: ticket.status == .resolved ? .reopened : .followUp, context: context)
        return Decision(outcome: .update(t), role: .customer, newText: newText, mails: mails, summary: note)
    }

    func staffReply(on ticket: TicketState, from: Address, newText: String, context: IncomingContext) -> Decision {
        let m = context.message
        let commands = StaffCommands.parse(newText)
        var t = ticket
        let plan = planFor(policy.customer(id: ticket.customerID))
        var notes: [String] = []
        if let p = commands.priority, p != t.priority.priority {
            t.priority = PriorityDecision(p, reason: "set by \(from.email) (was \(ticket.priority.priority.rawValue))")
            if let clock = t.clock {
                // Re-timed from the same start; a notice already sent stays sent only if still past its new instant.
                if var retimed = ReactionClock.start(at: clock.startedAt, priority: p, plan: plan) {
                    retimed.warningSent = clock.warningSent && retimed.warnAt <= context.receivedAt
                    retimed.breachSent = clock.breachSent && retimed.dueAt <= context.receivedAt
                    t.clock = retimed
                } else {
                    t.clock = nil
                }
            }
            notes.append("priority \(p.rawValue)")
        }
        if commands.note {
            notes.append("internal note")
            t.lastMessageID = m.messageID ?? t.lastMessageID
            return Decision(outcome: .update(t), role: .staffNote, newText: commands.text, summary: "\(ticket.reference): " + notes.joined(separator: ", "))
        }
        var mails: [QueuedMail] = []
        let customerRecipients = t.participants.filter { !policy.isStaff($0.email) }
        if !commands.text.isEmpty {
            let direct = Set((m.to + m.cc).map(\.normalized))
            let alreadySent = customerRecipients.contains { direct.contains($0.normalized) }
            if alreadySent {
                notes.append("reply went to the customer directly")
            } else {
                let staffName = from.name.flatMap { $0.isEmpty ? nil : $0 } ?? from.email
                var sender = policy.supportAddress
                sender.name = "\(staffName) (\(policy.supportAddress.name ?? "Support"))"
                let mail = OutgoingMail(
                    from: sender, to: customerRecipients, replyTo: policy.supportAddress,
                    subject: SubjectLine.tagged(t.subject, reference: t.reference), messageID: context.makeMessageID(),
                    inReplyTo: t.lastCustomerParent(fallback: m.inReplyTo.first), references: t.referenceChain(parent: nil),
                    date: context.receivedAt, body: Templates.relay(text: commands.text, staff: from, policy: policy))
                mails.append(QueuedMail(.relay, mail))
                notes.append("relayed to \(customerRecipients.map(\.email).joined(separator: ", "))")
            }
            t.firstResponseAt = t.firstResponseAt ?? context.receivedAt
            t.clock = nil
            t.status = .answered
        }
        if commands.close {
            t.status = .resolved
            t.resolvedAt = context.receivedAt
            t.clock = nil
            notes.append("closed")
        } else if commands.reopen, t.status == .resolved {
            t.status = .open
            t.resolvedAt = nil
            t.clock = ReactionClock.start(at: context.receivedAt, priority: t.priority.priority, plan: plan)
            notes.append("reopened")
        }
        t.lastMessageID = mails.first?.mail.messageID ?? m.messageID ?? t.lastMessageID
        return Decision(outcome: .update(t), role: .staffReply, newText: commands.text, mails: mails,
                        summary: "staff reply on \(ticket.reference)" + (notes.isEmpty ? "" : ": " + notes.joined(separator: ", ")))
    }

    func staffNotification(ticket: TicketState, customer: Customer?, plan: SupportPlan, newText: String,
                           event: StaffNotificationFacts.Event, context: IncomingContext) -> [QueuedMail] {
        guard !policy.staffNotify.isEmpty else { return [] }
        // Numbered as stored, so `postdesk attachment REF N` finds the same one; none is attached to the notice yet.
        let attachments = context.message.attachments.enumerated().compactMap { i, a in
            a.filename.map {
                StaffNotificationFacts.Attachment(number: i + 1, filename: $0, size: a.size, attached: false)
            }
        }
        let body = Templates.staffNotification(StaffNotificationFacts(
            event: event, reference: ticket.reference, subject: ticket.subject, priority: ticket.priority,
            from: ticket.requester, cc: context.message.cc, customerName: customer?.name, planName: plan.name,
            deadline: ticket.clock?.dueAt,
            timeZone: plan.calendar.timeZone, attachments: attachments, claimedReference: ticket.claimedReference,
            text: newText))
        let label: String
        switch event {
        case .newTicket: label = "New \(ticket.priority.priority.rawValue)"
        case .followUp: label = "Customer follow-up"
        case .reopened: label = "Reopened by the customer"
        }
        let mail = OutgoingMail(
            from: policy.supportAddress, to: policy.staffNotify, replyTo: policy.supportAddress,
            subject: "\(ticket.reference.tag) \(label): \(ticket.subject)", messageID: context.makeMessageID(),
            inReplyTo: context.message.messageID, references: ticket.referenceChain(parent: context.message.messageID),
            date: context.receivedAt, autoSubmitted: "auto-generated", body: body)
        return [QueuedMail(.staffNotification, mail)]
    }

    func reply(to m: ParsedMessage, ticket: TicketState, recipients: [Address], body: String, auto: String?,
               context: IncomingContext) -> OutgoingMail {
        OutgoingMail(from: policy.supportAddress, to: recipients, subject: SubjectLine.tagged(m.subject, reference: ticket.reference),
                     messageID: context.makeMessageID(), inReplyTo: m.messageID,
                     references: m.references + [m.messageID].compactMap { $0 }, date: context.receivedAt,
                     autoSubmitted: auto, body: body)
    }
}

extension TicketState {
    /// The message our relay answers: the customer's last one when known.
    func lastCustomerParent(fallback: String?) -> String? { lastMessageID ?? fallback }
}
