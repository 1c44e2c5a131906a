import Foundation
import MIME

/// What the store knows about a ticket's history that a warning or breach notice shows; the caller fills it.
public struct TicketHistory: Sendable, Equatable {
    public enum Acknowledgement: Sendable, Equatable {
        case sent(Date)
        /// Not sent, and why ("automatic mail", "hourly cap reached").
        case withheld(String)
        case unknown
    }

    /// Something that happened on the ticket after the request, in the words staff read ("internal note by Anna").
    public struct Event: Sendable, Equatable {
        public var at: Date
        public var what: String
        public init(at: Date, what: String) {
            self.at = at
            self.what = what
        }
    }

    /// The whole text of the first message, signature included (phone numbers and the signature block come from it).
    public var requestText: String
    /// When the request came in; after a reopen this is earlier than the clock's start.
    public var requestedAt: Date?
    public var acknowledgement: Acknowledgement
    /// Who on staff was told about the ticket.
    public var staffTold: [Address]
    /// Oldest first.
    public var events: [Event]
    /// When the clock runs from a later customer message than the request (a follow-up that reopened the ticket):
    /// its new text and when it came — what is actually waiting for an answer.
    public var waitingText: String?
    public var waitingSince: Date?

    public init(requestText: String = "", requestedAt: Date? = nil, acknowledgement: Acknowledgement = .unknown,
                staffTold: [Address] = [], events: [Event] = []) {
        self.requestText = requestText
        self.requestedAt = requestedAt
        self.acknowledgement = acknowledgement
        self.staffTold = staffTold
        self.events = events
    }
}

/// Everything a warning or breach notice says: the ticket, the clock, and the history the CSM needs to act.
public struct EscalationFacts: Sendable, Equatable {
    public var kind: EscalationKind
    public var ticket: TicketState
    public var customerName: String?
    public var planName: String
    public var timeZone: TimeZone
    public var dueAt: Date
    /// Business seconds until the target (negative once it is missed).
    public var businessSecondsLeft: Double
    public var history: TicketHistory

    public init(kind: EscalationKind, ticket: TicketState, customerName: String?, planName: String, timeZone: TimeZone,
                dueAt: Date, businessSecondsLeft: Double, history: TicketHistory = TicketHistory()) {
        self.kind = kind
        self.ticket = ticket
        self.customerName = customerName
        self.planName = planName
        self.timeZone = timeZone
        self.dueAt = dueAt
        self.businessSecondsLeft = businessSecondsLeft
        self.history = history
    }

    /// The facts at `now` from the ticket's clock and its plan's calendar.
    public init(_ kind: EscalationKind, ticket: TicketState, customer: Customer?, plan: SupportPlan, now: Date,
                history: TicketHistory = TicketHistory()) {
        let due = ticket.clock?.dueAt ?? now
        let calendar = plan.calendar
        let left = now < due ? calendar.businessSeconds(from: now, to: due)
            : -calendar.businessSeconds(from: due, to: now)
        self.init(kind: kind, ticket: ticket, customerName: customer?.name, planName: plan.name,
                  timeZone: calendar.timeZone, dueAt: due, businessSecondsLeft: left, history: history)
    }
}
