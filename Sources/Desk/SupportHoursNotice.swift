import Foundation
import MIME

/// The notices when a customer's monthly support hours reach the notice share (default 80 %) and 100 %: one of
/// each per customer and month, to the CSM (else the team lead). Pure: the pipeline passes the month's figures.
public enum SupportHoursNotice {
    /// The level (percent) to notify now, nil when none: the highest level reached and not yet sent.
    public static func due(usedMinutes: Int, includedMinutes: Int, share: Double, sent: Set<Int>) -> Int? {
        guard includedMinutes > 0 else { return nil }
        let levels = [(100, 1.0), (Int((share * 100).rounded()), share)]
        return levels.first { Double(usedMinutes) >= Double(includedMinutes) * $0.1 }.map(\.0)
            .flatMap { sent.contains($0) ? nil : $0 }
    }

    public static func recipients(_ customer: Customer, policy: Policy) -> [Address] {
        customer.csm.map { [$0] } ?? policy.teamLead.map { [$0] } ?? []
    }

    public static func mail(customer: Customer, level: Int, usedMinutes: Int, includedMinutes: Int, month: String,
                            policy: Policy, at now: Date, messageID: String) -> OutgoingMail {
        let hours = { (m: Int) in String(format: "%.2f", Double(m) / 60) }
        let state = level >= 100 ? "has used all of its" : "has used \(level) % of its"
        var lines = ["\(customer.name) \(state) \(hours(includedMinutes)) support hours for \(month).", "",
                     "Used so far: \(hours(usedMinutes)) hours."]
        if usedMinutes > includedMinutes {
            lines.append("Beyond the bundle: \(hours(usedMinutes - includedMinutes)) hours, billed by the hour.")
        } else if level >= 100 {
            lines.append("Further time this month is billed by the hour.")
        }
        lines += ["", "The tickets and categories: postdesk report --month \(month) --hours"]
        return OutgoingMail(from: policy.supportAddress, to: recipients(customer, policy: policy),
                            subject: "Support hours \(month): \(customer.name) at \(level) %", messageID: messageID,
                            date: now, autoSubmitted: "auto-generated", body: lines.joined(separator: "\n"))
    }

    /// The same notice to the customer's administrators, in `language` (the customer's, else that of its latest
    /// ticket), one mail to all of them.
    public static func administratorMail(customer: Customer, level: Int, usedMinutes: Int, includedMinutes: Int,
                                         year: Int, month: Int, language: String, policy: Policy, at now: Date,
                                         messageID: String) -> OutgoingMail {
        let readers = Addressee(Address(email: ""), language: language, formality: customer.formality)
        let text = Templates.supportHoursNotice(to: readers, level: level, usedMinutes: usedMinutes,
                                                includedMinutes: includedMinutes, year: year, month: month,
                                                policy: policy)
        return OutgoingMail(from: policy.supportAddress, to: customer.administrators.map { Address(email: $0) },
                            subject: text.subject, messageID: messageID, date: now, timeZone: policy.timeZone,
                            autoSubmitted: "auto-generated", body: text.body)
    }
}
