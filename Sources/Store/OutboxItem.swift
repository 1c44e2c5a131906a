import Desk

/// Where an outgoing mail stands.
public enum OutboxStatus: String, Sendable {
    case pending, sent, failed
}

/// One outgoing mail waiting in (or gone from) the outbox table.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    public var ticketID: Int64?
    public var kind: MailKind
    public var messageID: String
    public var envelopeFrom: String
    public var recipients: [String]
    public var subject: String
    public var raw: [UInt8]
    public var status: OutboxStatus
    public var attempts: Int
    public var lastError: String?
    /// Random, per mail (VERP): sent as `support+b<token>@…` when `outbox.verp` is on; nil for mail queued before.
    public var envelopeToken: String? = nil
}
