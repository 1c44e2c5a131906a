import Foundation
import MIME

/// Pages to the on-call for urgent tickets outside opening hours: the on-call of the week the page started, then the
/// next in the rota, then the team lead, each once, `repageMinutes` apart, until a staff reply or `#ack` stops it.
public enum OnCallPaging {
    /// The page due for this ticket at `now`, with the ticket marked (pages sent, the next instant); nil when none is
    /// due. `history` is what the store knows of the ticket (the request's text and when it came in).
    public static func due(_ ticket: TicketState, policy: Policy, now: Date, history: TicketHistory = TicketHistory(),
                           makeMessageID: () -> String) -> (ticket: TicketState, mail: QueuedMail?)? {
        guard let page = ticket.page, let next = page.nextAt, now >= next else { return nil }
        var marked = ticket
        marked.page?.nextAt = nil
        // Answered or closed meanwhile, or the plan lost its on-call in a reload: the ladder ends here.
        guard ticket.status == .open, let plan = policy.plan(named: ticket.plan), let onCall = plan.onCall else {
            return (marked, nil)
        }
        let zone = plan.calendar.timeZone
        let ladder = onCall.ladder(startedIn: ISOWeek(page.startedAt, in: zone), teamLead: policy.teamLead)
        guard page.sent < ladder.count else { return (marked, nil) }
        let to = ladder[page.sent]
        marked.page?.sent = page.sent + 1
        if page.sent + 1 < ladder.count {
            marked.page?.nextAt = now.addingTimeInterval(Double(onCall.repageMinutes) * 60)
        }
        let text = Templates.onCallPage(OnCallPageFacts(
            ticket: ticket, customerName: policy.customer(id: ticket.customerID)?.name,
            requestText: history.requestText, requestedAt: history.requestedAt ?? ticket.createdAt, timeZone: zone,
            number: page.sent + 1, ladderCount: ladder.count, notAnswered: Array(ladder.prefix(page.sent)),
            repageMinutes: onCall.repageMinutes))
        let mail = OutgoingMail(
            from: policy.supportAddress, to: [to], replyTo: policy.supportAddress, subject: text.subject,
            messageID: makeMessageID(), inReplyTo: ticket.lastMessageID, references: ticket.referenceChain(parent: nil),
            date: now, timeZone: policy.timeZone, autoSubmitted: "auto-generated",
            extraHeaders: [.init("X-Postdesk-Page", "\(page.sent + 1)"),
                           .init("X-Postdesk-Ticket", ticket.reference.description)],
            body: text.body)
        return (marked, QueuedMail(.onCallPage, mail))
    }

    /// A ticket that starts paging now: urgent, from a customer whose plan has an on-call, outside its hours.
    public static func starts(priority: Priority, customer: Customer?, plan: SupportPlan, at now: Date) -> OnCallPage? {
        guard customer != nil, plan.pagesOnCall(priority, at: now) else { return nil }
        return .start(at: now)
    }
}
