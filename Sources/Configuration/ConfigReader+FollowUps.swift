import Desk
import Foundation

/// `confirmFollowUps`: which customer follow-ups get a short confirmation, for the desk and per customer.
extension ConfigReader {
    /// `"confirmFollowUps": { "reopen": true, "join": false }` at the top (the desk's) and in a customer (what it
    /// leaves out is the desk's): the desk's, and each customer's own by customer id.
    func followUpConfirmations() -> (desk: FollowUpConfirmations, customers: [String: FollowUpConfirmations]) {
        let desk = followUpConfirmations(root, path: "confirmFollowUps", fallback: FollowUpConfirmations())
            ?? FollowUpConfirmations()
        var customers: [String: FollowUpConfirmations] = [:]
        for (i, written) in ((root["customers"] as? [[String: Any]]) ?? []).enumerated() {
            if let own = followUpConfirmations(written, path: "customers[\(i)].confirmFollowUps", fallback: desk),
               let id = written["id"] as? String {
                customers[id] = own
            }
        }
        return (desk, customers)
    }

    /// The object at `path` in `dict`, its fields over `fallback`; nil when left out.
    private func followUpConfirmations(_ dict: [String: Any], path: String,
                                       fallback: FollowUpConfirmations) -> FollowUpConfirmations? {
        guard let o = object(dict, "confirmFollowUps", path: path, required: false) else { return nil }
        return FollowUpConfirmations(reopen: bool(o, "reopen", path: path + ".reopen", default: fallback.reopen),
                                     join: bool(o, "join", path: path + ".join", default: fallback.join))
    }
}

extension Policy {
    mutating func take(_ confirmations: (desk: FollowUpConfirmations, customers: [String: FollowUpConfirmations])) {
        confirmFollowUps = confirmations.desk
        for i in customers.indices { customers[i].confirmFollowUps = confirmations.customers[customers[i].id] }
    }
}
