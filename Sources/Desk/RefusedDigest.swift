import Foundation
import MIME

/// A mail the desk refused (a customer's non-administrator, an unknown sender): what the daily digest names.
public struct RefusedMail: Sendable, Equatable {
    public var from: Address
    public var subject: String
    public var at: Date
    public var reason: String

    public init(from: Address, subject: String, at: Date, reason: String) {
        self.from = from
        self.subject = subject
        self.at = at
        self.reason = reason
    }
}

/// Once a day the notify list hears of every mail refused since the last digest, so a refused customer user or a
/// sales lead reaches a person. Pure: the caller says when it is and what was refused.
public enum RefusedDigest {
    /// Today's day in the desk's zone ("2026-11-16") once its digest time has come; nil before it, or when off.
    public static func dueDay(at now: Date, policy: Policy) -> String? {
        guard let minute = policy.refusedDigestMinute else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = policy.timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: now)
        guard let h = parts.hour, let m = parts.minute, let y = parts.year, let mo = parts.month, let d = parts.day,
              h * 60 + m >= minute else { return nil }
        return String(format: "%04d-%02d-%02d", y, mo, d)
    }

    /// The digest to the notify list, or nil when nothing was refused (or nobody is on the list).
    public static func mail(_ refused: [RefusedMail], day: String, policy: Policy, now: Date,
                            messageID: String) -> QueuedMail? {
        guard !refused.isEmpty, !policy.staffNotify.isEmpty else { return nil }
        var text = MailText()
        let count = refused.count == 1 ? "One mail was" : "\(refused.count) mails were"
        text.paragraph("\(count) refused since the last digest and reached no one on staff. Each sender had a "
            + "polite reply saying only administrators can open tickets (or that we could not place them).")
        for mail in refused {
            let who = mail.from.name.flatMap { $0.isEmpty ? nil : "\(CustomerText.line($0, limit: 100)) " } ?? ""
            text.verbatim([
                "From:    \(who)<\(mail.from.email)>",
                "Subject: \(CustomerText.line(mail.subject.isEmpty ? "(no subject)" : mail.subject, limit: 200))",
                "When:    \(BusinessTimeFormat.deadline(mail.at, in: policy.timeZone, language: "en"))",
                "Reason:  \(mail.reason)",
            ].joined(separator: "\n"))
        }
        text.paragraph("To help one of them, open a ticket for them with #open sender@their-domain on the first "
            + "line of a mail to support, or ask the customer's administrator to write to us.")
        let subject = "Refused mail: \(refused.count) since the last digest (\(day))"
        return QueuedMail(.refusedDigest, OutgoingMail(
            from: policy.supportAddress, to: policy.staffNotify, replyTo: policy.supportAddress, subject: subject,
            messageID: messageID, date: now, autoSubmitted: "auto-generated", body: text.text))
    }
}
