import Desk
import Foundation

/// How refused mail reaches a person: the daily digest's time, and copies to a customer's administrators.
extension ConfigReader {
    /// `staff.refusedDigest`: "HH:MM" in `timeZone`, or "off"; by default when the default plan opens.
    func refusedDigestMinute(_ staff: [String: Any], plans: [String: SupportPlan], defaultPlan: String) -> Int? {
        let opening = plans[defaultPlan]?.calendar.opensAt ?? 8 * 60
        guard let text = optionalString(staff, "refusedDigest", path: "staff.refusedDigest", example: "\"08:00\"")
        else { return opening }
        if text.lowercased() == "off" { return nil }
        guard let minute = minutes(ofClock: text, path: "staff.refusedDigest") else { return opening }
        if minute >= 1440 {
            issue("staff.refusedDigest", "\"\(text)\" is not a time within the day", "write \"08:00\" or \"off\"")
        }
        return minute
    }

    /// `copyRefusalsToAdministrators` of a plan or customer; absent: nil (the customer follows its plan).
    func copyRefusals(_ dict: [String: Any], path: String) -> Bool? {
        let field = path + ".copyRefusalsToAdministrators"
        guard value(dict, "copyRefusalsToAdministrators", path: field) != nil else { return nil }
        return bool(dict, "copyRefusalsToAdministrators", path: field, default: false)
    }
}
