import Foundation
import MIME

extension Templates {
    /// The acknowledgement of a new ticket: its number and priority in one sentence, when to expect a response (or,
    /// outside hours with the on-call paged, that the on-call has been alerted), the opening hours, how to add to it.
    public static func acknowledgement(to requester: Addressee, reference: TicketReference, priority: Priority,
                                       deadline: Date?, plan: SupportPlan, policy: Policy,
                                       onCallAlerted: Bool = false) -> String {
        let p = phrases(requester)
        return customerMail(requester, p, [
            p.thanksForRequest + " " + p.registered(reference.description, priorityText(priority, p)),
            onCallAlerted ? p.onCallAlerted + " " + p.openingHours(plan.openingHours(language: requester.language))
                : promise(deadline, p, language: requester.language, plan: plan),
            p.addMore,
        ], policy: policy)
    }

    /// The confirmation that a customer's follow-up joined an open ticket or reopened a resolved one, with the new
    /// promise when the follow-up started a clock.
    public static func followUpConfirmation(to customer: Addressee, reference: TicketReference, reopened: Bool,
                                            deadline: Date?, plan: SupportPlan, policy: Policy) -> String {
        let p = phrases(customer)
        let ref = reference.description
        var paragraphs = [p.thanksForMessage + " " + (reopened ? p.reopened(ref) : p.followUpAdded(ref))]
        if deadline != nil { paragraphs.append(promise(deadline, p, language: customer.language, plan: plan)) }
        return customerMail(customer, p, paragraphs, policy: policy)
    }

    /// To the customer when staff close the ticket: it is done, and how to reopen it.
    public static func closingNote(to customer: Addressee, reference: TicketReference, reopenDays: Int,
                                   policy: Policy) -> String {
        let p = phrases(customer)
        return customerMail(customer, p, [p.closed(reference.description, reopenDays)], policy: policy)
    }
}
