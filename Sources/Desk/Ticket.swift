import Foundation
import MIME

public enum TicketStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for staff.
    case open
    /// Staff replied; waiting for the customer.
    case answered
    case resolved
}

/// A running reaction clock: started by a customer message, stopped by the first staff reply.
public struct ReactionClock: Sendable, Equatable {
    public var startedAt: Date
    public var dueAt: Date
    public var warnAt: Date
    public var warningSent: Bool
    public var breachSent: Bool

    public init(startedAt: Date, dueAt: Date, warnAt: Date, warningSent: Bool = false, breachSent: Bool = false) {
        self.startedAt = startedAt
        self.dueAt = dueAt
        self.warnAt = warnAt
        self.warningSent = warningSent
        self.breachSent = breachSent
    }

    /// A clock for `priority` under `plan`, or nil when the plan has no target (best effort).
    public static func start(at start: Date, priority: Priority, plan: SupportPlan) -> ReactionClock? {
        guard let due = plan.deadline(for: priority, from: start),
            let warn = plan.warningTime(for: priority, from: start) else { return nil }
        return ReactionClock(startedAt: start, dueAt: due, warnAt: warn)
    }
}

/// A ticket as the desk needs to see it to decide about a new message.
public struct TicketState: Sendable, Equatable {
    public var id: Int64
    public var reference: TicketReference
    public var status: TicketStatus
    public var priority: PriorityDecision
    public var customerID: String?
    public var plan: String
    public var requester: Address
    /// Customer-side addresses on the ticket (requester included).
    public var participants: [Address]
    public var subject: String
    public var language: String
    public var createdAt: Date
    public var resolvedAt: Date?
    public var firstResponseAt: Date?
    public var clock: ReactionClock?
    /// The first message of the ticket, kept at the head of References.
    public var rootMessageID: String?
    /// The latest message on the ticket (in or out), the parent for our next mail.
    public var lastMessageID: String?
    /// The resolved ticket this one continues (a reply that came after the reopen window).
    public var linkedTicketID: Int64?
    /// A reference the opening mail claimed in its subject but was not trusted to join.
    public var claimedReference: String?
    /// The staff member who has the ticket (normalized address): the first to answer, or whom `#take`/`#assign` named.
    public var owner: String?
    /// The on-call page of an urgent ticket outside opening hours (see `OnCallPaging`).
    public var page: OnCallPage?
    /// The ticket this one was folded into by `#merge` (its mail, people and time are there now).
    public var mergedInto: Int64?

    public init(id: Int64, reference: TicketReference, status: TicketStatus, priority: PriorityDecision,
        customerID: String?,
                plan: String, requester: Address, participants: [Address], subject: String, language: String,
                createdAt: Date, resolvedAt: Date? = nil, firstResponseAt: Date? = nil, clock: ReactionClock? = nil,
                rootMessageID: String? = nil, lastMessageID: String? = nil, linkedTicketID: Int64? = nil,
                claimedReference: String? = nil, owner: String? = nil, page: OnCallPage? = nil,
                mergedInto: Int64? = nil) {
        self.id = id
        self.reference = reference
        self.status = status
        self.priority = priority
        self.customerID = customerID
        self.plan = plan
        self.requester = requester
        self.participants = participants
        self.subject = subject
        self.language = language
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
        self.firstResponseAt = firstResponseAt
        self.clock = clock
        self.rootMessageID = rootMessageID
        self.lastMessageID = lastMessageID
        self.linkedTicketID = linkedTicketID
        self.claimedReference = claimedReference
        self.owner = owner
        self.page = page
        self.mergedInto = mergedInto
    }

    public func isParticipant(_ address: Address) -> Bool {
        participants.contains { $0.normalized == address.normalized } || requester.normalized == address.normalized
    }

    /// References for a mail answering `parent`: root first, then the parent.
    public func referenceChain(parent: String?) -> [String] {
        var chain: [String] = []
        for id in [rootMessageID, lastMessageID, parent].compactMap({ $0 }) where !chain.contains(
            id) { chain.append(id) }
        return chain
    }
}
