import Foundation
import MIME

/// The customer's side of a follow-up: the short confirmation that it reopened or joined the ticket.
extension Decider {
    /// The confirmation to the sender of a follow-up that reopened a resolved ticket or joined an open one, when
    /// `confirmFollowUps` asks for that case; with the promise when the follow-up started a new clock. It is
    /// automatic mail like an acknowledgement: never to automatic mail, never to an answer to one of our automatic
    /// mails (a responder without RFC 3834 headers stops after one round), within the hourly cap per recipient (no
    /// exception: the ticket exists, nobody is left without an answer). Returns the mail, else why not, for the log.
    func followUpConfirmation(on t: TicketState, reopened: Bool, from: Address, automatic: AutomaticMail?,
                              context: IncomingContext) -> (mail: QueuedMail?, note: String?) {
        let customer = policy.customer(id: t.customerID)
        let wanted = policy.confirmations(for: customer)
        guard reopened ? wanted.reopen : wanted.join else { return (nil, nil) }
        if let automatic { return (nil, "no confirmation: automatic mail (\(automatic.reason))") }
        if context.answersOurAutomaticMail { return (nil, "no confirmation: it answers our automatic mail") }
        if let capped = capReached(for: from, context: context) { return (nil, "no confirmation: " + capped) }
        let startedNow = t.clock.map { $0.startedAt == context.receivedAt } ?? false
        let body = Templates.followUpConfirmation(
            to: Addressee(from, language: customer?.language ?? t.language, customer: customer),
            reference: t.reference, reopened: reopened, deadline: startedNow ? t.clock?.dueAt : nil,
            plan: planFor(customer), policy: policy)
        let mail = reply(to: context.message, ticket: t, recipients: [from], body: body, auto: "auto-replied",
                         context: context)
        return (QueuedMail(.followUpConfirmation, mail), "confirmed to \(from.normalized)")
    }
}
