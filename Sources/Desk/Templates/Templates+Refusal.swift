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
}
