import Foundation
import MIME

/// What the staff notification about a new ticket or a customer follow-up shows; plain values the caller fills from
/// the decision and the store.
public struct StaffNotificationFacts: Sendable, Equatable {
    public enum Event: Sendable, Equatable {
        case newTicket, followUp, reopened
        /// Opened by a staff member's `#open` for the customer (after a phone call, say).
        case openedByStaff(Address)
        /// A message of another ticket, made a ticket of its own by a staff member's `#split`.
        case split(from: TicketReference, by: Address)
    }

    /// One attachment of the customer's mail; `number` is what `postdesk attachment REF N` takes.
    public struct Attachment: Sendable, Equatable {
        public var number: Int
        public var filename: String
        public var size: Int
        /// False when it was left out of the notification (too large, or not for every inbox).
        public var attached: Bool

        public init(number: Int, filename: String, size: Int, attached: Bool) {
            self.number = number
            self.filename = filename
            self.size = size
            self.attached = attached
        }
    }

    public var event: Event
    public var reference: TicketReference
    public var subject: String
    public var priority: PriorityDecision
    public var from: Address
    public var cc: [Address]
    /// People on the mail who were not added to the ticket (outside the customer).
    public var notAdded: [Address]
    /// Nil for a sender outside any customer.
    public var customerName: String?
    public var planName: String
    public var deadline: Date?
    public var timeZone: TimeZone
    public var attachments: [Attachment]
    /// A reference the mail named in its subject but was not trusted to join.
    public var claimedReference: String?
    /// Staff who have already answered the customer on this ticket, first answer first.
    public var answeredBy: [StaffAnswer]
    /// The customer's new text (quoted history and signature removed).
    public var text: String

    public init(event: Event, reference: TicketReference, subject: String, priority: PriorityDecision, from: Address,
                cc: [Address] = [], notAdded: [Address] = [], customerName: String?, planName: String,
                deadline: Date?, timeZone: TimeZone,
                attachments: [Attachment] = [], claimedReference: String? = nil, answeredBy: [StaffAnswer] = [],
                text: String) {
        self.event = event
        self.reference = reference
        self.subject = subject
        self.priority = priority
        self.from = from
        self.cc = cc
        self.notAdded = notAdded
        self.customerName = customerName
        self.planName = planName
        self.deadline = deadline
        self.timeZone = timeZone
        self.attachments = attachments
        self.claimedReference = claimedReference
        self.answeredBy = answeredBy
        self.text = text
    }
}
