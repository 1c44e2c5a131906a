import Foundation
import MIME

/// How an incoming message is kept.
public enum MessageRole: String, Sendable, Codable {
    case customer, staffReply = "staff-reply", staffNote = "staff-note", autoReply = "auto-reply"
    case rejected, ignored, quarantined
}

/// What an outgoing mail is for; the outbox and the per-recipient cap use it.
public enum MailKind: String, Sendable, Codable {
    case acknowledgement, staffNotification = "staff-notification", relay, refusal
    case escalationWarning = "escalation-warning", escalationBreach = "escalation-breach",
        deliveryFailure = "delivery-failure"
    /// To the customer when staff close a ticket.
    case closingNote = "closing-note"
    /// To a staff member whose mail did nothing (it named no ticket, or relayed no text), saying why.
    case staffHelp = "staff-help"
    /// To the notify list when a ticket is first answered: who has it now.
    case answeredNote = "answered-note"
    /// Several notices to one person in one mail, a section per ticket.
    case noticeDigest = "notice-digest"
    /// To the CSM (else the team lead) when a customer's monthly support hours reach the notice share or 100 %.
    case supportHoursNotice = "support-hours-notice"
    /// The same notice to the customer's administrators, in their language, when the plan or customer asks for it.
    case supportHoursCustomerNotice = "support-hours-customer-notice"
    /// The CSM's monthly report on their customers.
    case csmReport = "csm-report"
    /// To the on-call (then the next in the rota, then the team lead) for an urgent ticket outside opening hours.
    case onCallPage = "on-call-page"
    /// To the customer whose follow-up reopened a resolved ticket or joined an open one (`confirmFollowUps`).
    case followUpConfirmation = "follow-up-confirmation"
    /// The daily list of refused mail to the notify list.
    case refusedDigest = "refused-digest"
    /// A customer's administrators told that one of their users was refused.
    case refusalCopy = "refusal-copy"

    /// Notices to CSMs, the team lead or staff about a ticket: a reply to one stays internal unless it says `#reply`.
    public var isNotice: Bool {
        [.escalationWarning, .escalationBreach, .staffNotification, .answeredNote, .noticeDigest, .onCallPage]
            .contains(self)
    }

    /// Notices gathered into one digest per person (and how: escalations within minutes, answered notes by the day).
    public var isDigested: Bool { self == .escalationWarning || self == .escalationBreach || self == .answeredNote }

    /// Automatic mails to customers: they count against the per-recipient hourly cap (loop protection), and an
    /// answer to one of them gets no second one. The store's queries read this list too.
    public static let automaticToCustomer: [MailKind] = [.acknowledgement, .refusal, .followUpConfirmation]

    public var isAutomaticToCustomer: Bool { Self.automaticToCustomer.contains(self) }
}

public struct QueuedMail: Sendable, Equatable {
    public var kind: MailKind
    public var mail: OutgoingMail

    public init(_ kind: MailKind, _ mail: OutgoingMail) {
        self.kind = kind
        self.mail = mail
    }
}

/// The desk's verdict on one incoming message; the worker commits it in one transaction.
public struct Decision: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// A new ticket (id 0 until stored).
        case newTicket(TicketState)
        /// The message joins this ticket; the state is the ticket after the message.
        case update(TicketState)
        case rejected(String)
        case ignored(String)
        /// A delivery report about our mail; kept like an ignored mail.
        case bounce(String)
        case quarantined(String)
    }

    public var outcome: Outcome
    public var role: MessageRole
    /// The new text of the message (quoted history and signature removed, staff commands removed).
    public var newText: String
    public var mails: [QueuedMail]
    /// One line for the log.
    public var summary: String
    /// Our mails that a delivery report says failed, with the notices to staff.
    public var deliveryFailures: [DeliveryFailure]
    /// `#away` / `#back`: the sender's presence changes.
    public var presence: PresenceChange?
    /// Why a new ticket got no acknowledgement (an automatic mail, the per-sender cap), for the log and `show`.
    public var acknowledgementWithheld: String?
    /// Staff time logged with `#time` in this message.
    public var timeLogged: [TimeEntry] = []
    /// A customer follow-up that changed the ticket's status: what it was, so `#split` can put it back.
    public var statusBefore: StatusBefore?
    /// `#split`: a message of the ticket becomes a new ticket.
    public var split: TicketSplit?
    /// `#merge`: the ticket (the outcome's) is folded into another.
    public var merge: TicketMerge?

    public init(outcome: Outcome, role: MessageRole, newText: String = "", mails: [QueuedMail] = [], summary: String,
                deliveryFailures: [DeliveryFailure] = []) {
        self.outcome = outcome
        self.role = role
        self.newText = newText
        self.mails = mails
        self.summary = summary
        self.deliveryFailures = deliveryFailures
    }

    public var ticket: TicketState? {
        switch outcome {
        case .newTicket(let t), .update(let t): return t
        default: return nil
        }
    }
}

/// A staff member going away (their tickets' follow-ups go to the notify list) or coming back.
public struct PresenceChange: Sendable, Equatable {
    public var email: String
    public var away: Bool

    public init(email: String, away: Bool) {
        self.email = email
        self.away = away
    }
}

/// A ticket's status before a customer message changed it.
public struct StatusBefore: Sendable, Equatable {
    public var status: TicketStatus
    public var resolvedAt: Date?

    public init(status: TicketStatus, resolvedAt: Date?) {
        self.status = status
        self.resolvedAt = resolvedAt
    }
}

/// `#split`: the stored message `messageRow` moves to the new ticket, which gets its acknowledgement and notice.
public struct TicketSplit: Sendable {
    public var messageRow: Int64
    /// The new ticket (id 0 until stored); its reference is the context's next one.
    public var ticket: TicketState
    public var mails: [QueuedMail]
    public var acknowledgementWithheld: String?
}

/// `#merge`: every message, participant and time entry of ticket `fromID` moves to `into` (its state after the merge).
public struct TicketMerge: Sendable {
    public var fromID: Int64
    public var into: TicketState
}
