import Foundation

/// Where a quarantined mail stands: kept for a person, processed again, or let go.
public enum QuarantineStatus: String, Sendable {
    case held, retried, released
}

public struct QuarantinedMail: Sendable {
    public var id: Int64
    public var source: String
    public var key: String
    public var reason: String
    public var raw: [UInt8]
    public var receivedAt: Date
    public var status: QuarantineStatus
}
