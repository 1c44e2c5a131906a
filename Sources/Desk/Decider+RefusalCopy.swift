import Foundation
import MIME

extension Decider {
    /// Whether a refusal of this customer's non-administrators is copied to its administrators.
    func copiesRefusals(of customer: Customer) -> Bool {
        customer.copyRefusalsToAdministrators ?? planFor(customer).copyRefusalsToAdministrators
    }

    /// The short note to a customer's administrators that one of their users was refused, in the customer's language.
    /// It goes only with the refusal itself, so the refusal's caps (per sender, and in all per hour) bound it too.
    func refusalCopy(of sender: Address, customer: Customer, language: String,
                     context: IncomingContext) -> QueuedMail? {
        let administrators = customer.administrators.filter { $0 != sender.normalized }.map { Address(email: $0) }
        guard let first = administrators.first else { return nil }
        let note = Templates.refusalCopy(to: Addressee(Address(email: first.email), language: language,
                                                       customer: customer),
                                         sender: sender, subject: context.message.subject, policy: policy)
        return QueuedMail(.refusalCopy, OutgoingMail(
            from: policy.supportAddress, to: administrators, subject: note.subject, messageID: context.makeMessageID(),
            date: context.receivedAt, autoSubmitted: "auto-generated", body: note.body))
    }
}
