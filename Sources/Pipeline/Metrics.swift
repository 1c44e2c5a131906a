import Foundation

/// Counters kept in memory and written in the Prometheus text format.
public struct Metrics: Sendable {
    public var counters: [String: Int] = [:]
    public var lastPoll: Date?
    /// Seconds between the newest processed mail's Date header and its processing (mail in transit + waiting).
    public var intakeLagSeconds: Double?

    public init() {}

    public mutating func count(_ name: String, label: String? = nil, by n: Int = 1) {
        let key = label.map { "postdesk_\(name){kind=\"\($0)\"}" } ?? "postdesk_\(name)"
        counters[key, default: 0] += n
    }
}
