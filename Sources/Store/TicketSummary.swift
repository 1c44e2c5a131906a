import Desk

/// A ticket row for listings.
public struct TicketSummary: Sendable {
    public var state: TicketState
    public var messageCount: Int
}
