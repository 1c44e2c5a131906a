/// Reaction priority from the providers' terms: P1 critical … P5 information request.
public enum Priority: String, CaseIterable, Codable, Sendable, Comparable {
    case p1 = "P1", p2 = "P2", p3 = "P3", p4 = "P4", p5 = "P5"

    public var rank: Int { Priority.allCases.firstIndex(of: self)! + 1 }

    public static func < (a: Priority, b: Priority) -> Bool { a.rank < b.rank }

    public init?(text: String) {
        self.init(rawValue: text.trimmingCharacters(in: .whitespaces).uppercased())
    }
}

/// A priority and why it was chosen (rule and matched words), stored on the ticket.
public struct PriorityDecision: Sendable, Equatable, Codable {
    public var priority: Priority
    public var reason: String

    public init(_ priority: Priority, reason: String) {
        self.priority = priority
        self.reason = reason
    }
}
