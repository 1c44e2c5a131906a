import Foundation
import MIME

/// A staff member's answer to the customer on a ticket, as the store keeps it: who, and when first.
public struct StaffAnswer: Sendable, Equatable {
    public var staff: Address
    public var at: Date

    public init(staff: Address, at: Date) {
        self.staff = staff
        self.at = at
    }
}

extension Decision {
    /// A staff reply whose text reached the customer (relayed, or sent to them directly): the store keeps it as an
    /// answer for the "already answered by" line. Commands alone and internal notes are not answers.
    public var answersCustomer: Bool { role == .staffReply && !newText.isEmpty }
}
