import Foundation

/// What only the running worker knows: errors by where, the last poll, the intake lag. Everything else in the
/// metrics file is read from the database.
public struct Metrics: Sendable {
    public var counters: [String: Int] = [:]
    public var lastPoll: Date?
    /// Seconds between the newest processed mail's Date header and its processing (mail in transit + waiting).
    public var intakeLagSeconds: Double?

    public init() {}

    /// Errors by where (`pass`, `delivery`, `internal`).
    public mutating func countError(_ kind: String) { counters[kind, default: 0] += 1 }
}
