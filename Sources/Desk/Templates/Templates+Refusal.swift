import Foundation
import MIME

extension Templates {
    /// The polite refusal to a non-administrator, or to an unknown sender.
    public static func refusal(to sender: Addressee, administratorsOnly: Bool, policy: Policy) -> String {
        let p = phrases(sender)
        return customerMail(sender, p, [administratorsOnly ? p.administratorsOnly : p.unknownSender], policy: policy)
    }

    /// The polite answer to mail too large to take (it is kept in the quarantine, not processed).
    public static func oversized(to sender: Addressee, size: Int, limit: Int, policy: Policy) -> String {
        let p = phrases(sender)
        return customerMail(sender, p, [p.oversized(p.amount(size), p.amount(limit))], policy: policy)
    }

    /// To a customer's administrators when one of their users was refused (`copyRefusalsToAdministrators`): who
    /// wrote ("Kim Berg (kim@…)", then "Kim Berg"), about what, and how that person gets help.
    public static func refusalCopy(to administrators: Addressee, sender: Address, subject: String,
                                   policy: Policy) -> (subject: String, body: String) {
        let p = phrases(administrators)
        let name = sender.name.map { CustomerText.line($0, limit: 100) }.flatMap { $0.isEmpty ? nil : $0 }
        let who = name.map { "\($0) (\(sender.email))" } ?? sender.email
        let shown = CustomerText.line(subject.isEmpty ? "–" : subject, limit: 200)
        return (p.refusalCopySubject(who), customerMail(administrators, p, [
            p.refusalCopy(who, name ?? sender.email, shown), p.refusalCopyHelp(name ?? sender.email),
        ], policy: policy))
    }
}
