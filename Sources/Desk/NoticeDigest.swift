import Foundation
import MIME

/// Notices due to one person within a few minutes go out as one mail: a section per ticket, and References naming
/// every ticket's thread so each stays findable from the digest. A single notice goes out as it was written.
public enum NoticeDigest {
    public static func mail(_ notices: [QueuedMail], to recipient: Address, policy: Policy, now: Date,
                            messageID: String) -> QueuedMail? {
        guard var first = notices.first else { return nil }
        if notices.count == 1 {
            first.mail.to = [recipient]
            first.mail.cc = []
            first.mail.date = now
            first.mail.messageID = messageID   // one notice to several people goes out once to each
            return first
        }
        var references: [String] = []
        var tickets: [String] = []
        var sections: [String] = [OwnershipTexts.digestIntro(notices.count)]
        for notice in notices {
            let thread = notice.mail.references + [notice.mail.inReplyTo].compactMap { $0 }
            for id in thread where !references.contains(id) { references.append(id) }
            let ticket = notice.mail.extraHeaders.first { $0.name == "X-Postdesk-Ticket" }?.value
            if let ticket, !tickets.contains(ticket) { tickets.append(ticket) }
            sections.append("── " + notice.mail.subject + "\n\n" + notice.mail.body)
        }
        return QueuedMail(.noticeDigest, OutgoingMail(
            from: policy.supportAddress, to: [recipient], replyTo: policy.supportAddress,
            subject: OwnershipTexts.digestSubject(tickets), messageID: messageID, references: references, date: now,
            autoSubmitted: "auto-generated",
            extraHeaders: [.init("X-Postdesk-Ticket", tickets.joined(separator: ", "))],
            body: sections.joined(separator: "\n\n")))
    }
}
