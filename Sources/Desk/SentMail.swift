import Foundation
import MIME

/// One of our outgoing mails as the desk needs to know it when its delivery fails.
public struct SentMail: Sendable, Equatable {
    public var outboxID: Int64
    public var kind: MailKind
    public var messageID: String
    public var recipients: [String]
    public var subject: String
    /// The ticket it belongs to, if any.
    public var ticketID: Int64?
    public var ticketReference: TicketReference?
    /// Already marked failed (a second report for it changes nothing).
    public var failed: Bool

    public init(outboxID: Int64, kind: MailKind, messageID: String, recipients: [String], subject: String,
                ticketID: Int64? = nil, ticketReference: TicketReference? = nil, failed: Bool = false) {
        self.outboxID = outboxID
        self.kind = kind
        self.messageID = messageID
        self.recipients = recipients
        self.subject = subject
        self.ticketID = ticketID
        self.ticketReference = ticketReference
        self.failed = failed
    }
}

/// A mail of ours that will not be delivered: the outbox row to mark failed, and the notice that tells staff.
public struct DeliveryFailure: Sendable, Equatable {
    public var outboxID: Int64
    public var why: String
    /// The ticket of the failed mail; the notice is filed on it.
    public var ticketID: Int64?
    /// nil for a failure notice itself (it cannot loop) or when nobody is to be told.
    public var notice: QueuedMail?

    /// The desk's rule for a failed delivery: staff on the notify list are told once, never about a failure notice.
    public static func of(_ mail: SentMail, why: String, policy: Policy, at: Date,
                          makeMessageID: () -> String) -> DeliveryFailure {
        var notice: QueuedMail?
        if mail.kind != .deliveryFailure, !policy.staffNotify.isEmpty {
            let subject = (mail.ticketReference.map { $0.tag + " " } ?? "") + "Delivery failed: " + mail.subject
            let body = Templates.deliveryFailure(recipients: mail.recipients, subject: mail.subject,
                                                 messageID: mail.messageID, why: why)
            notice = QueuedMail(.deliveryFailure, OutgoingMail(
                from: policy.supportAddress, to: policy.staffNotify, replyTo: policy.supportAddress, subject: subject,
                messageID: makeMessageID(), inReplyTo: mail.messageID, date: at, autoSubmitted: "auto-generated",
                body: body))
        }
        return DeliveryFailure(outboxID: mail.outboxID, why: why, ticketID: mail.ticketID, notice: notice)
    }
}
