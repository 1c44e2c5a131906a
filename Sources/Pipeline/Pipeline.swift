import Configuration
import Desk
import Foundation
import MIME
import Store
import Transport

/// What one pass did, for logs, tests and `run --once`.
public struct PassSummary: Sendable, Equatable {
    public var taken = 0
    public var opened = 0
    /// Customer mails (and their auto-replies) that joined a ticket.
    public var followUps = 0
    /// Staff replies and internal notes (a CSM's or the team lead's answer to a notice too).
    public var staffMails = 0
    public var rejected = 0
    public var ignored = 0
    public var quarantined = 0
    public var duplicates = 0
    public var alreadyDone = 0
    public var escalations = 0
    public var sent = 0
    public var sendFailures = 0
    /// The last send failure's text, for `run --once`'s summary.
    public var lastSendError: String?

    public init() {}
}

/// mailbox → parse → decide → commit → settle → send → escalate. One object, one thread, blocking I/O.
public final class Pipeline {
    /// Replaced between passes by `reload(_:)` (SIGHUP); see Reload.swift.
    public internal(set) var config: Configuration
    public let store: PostdeskStore
    public let source: MailboxSource
    public let sender: MailSender
    public internal(set) var decider: Decider
    public let log: Log
    /// The clock, passed in so tests can move time.
    public var now: () -> Date
    public var metrics = Metrics()
    /// The last delivery attempt failed temporarily (the outbox is deferring until a send succeeds).
    var deliveryFailing = false
    /// Backfill (`postdesk import`): no mails are sent and no reaction clocks run for old mail.
    public var backfill = false
    /// `quarantine retry`: the stored mail is processed even though its first intake is on record.
    public var skipDuplicateCheck = false
    /// The mailbox lane's own connection for WAL checkpoints, opened at the first intake and kept (the service
    /// loop runs an intake per wake-up); only the lane uses it, and only while an intake runs.
    lazy var checkpointConnection: WALCheckpointer? = try? store.makeCheckpointer()
    /// The database file as first seen, checked before each pass of the service loop (see DatabaseIdentity).
    lazy var databaseIdentity = DatabaseIdentity(path: config.database)
    /// Why the service loop stopped on its own (the database is gone); nil after a requested stop.
    public internal(set) var stoppedBecause: String?
    /// The WAL size past which intake truncates it between two commits (see `boundWAL`).
    public var walTruncateBytes = 16 << 20
    /// The HTTP endpoint (`metrics.listen`) that answers what `writeMetrics` last made.
    public var metricsEndpoint: MetricsEndpoint?

    public init(config: Configuration, store: PostdeskStore, source: MailboxSource, sender: MailSender, log: Log,
                now: @escaping () -> Date = Date.init) {
        self.config = config
        self.store = store
        self.source = source
        self.sender = sender
        self.decider = Decider(policy: config.policy)
        self.log = log
        self.now = now
    }

    var policy: Policy { config.policy }

    /// `pd.<milliseconds since 1970>.<128 random bits>@domain`, in hex. The random bits make it unguessable, so only
    /// someone who received our mail can name it in In-Reply-To; the time in front makes the Message-ID indexes
    /// grow at their end instead of dirtying a random page per mail.
    func makeMessageID() -> String {
        var bits = (UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &bits) { arc4random_buf($0.baseAddress!, $0.count) }   // one call, no system call
        let hex = String(bits.0, radix: 16).leftPadded(to: 16) + String(bits.1, radix: 16).leftPadded(to: 16)
        let millis = String(UInt64(max(0, now().timeIntervalSince1970 * 1000)), radix: 16).leftPadded(to: 11)
        let domain = policy.supportAddress.domain.isEmpty ? "postdesk.invalid" : policy.supportAddress.domain
        return "pd.\(millis).\(hex)@\(domain)"
    }

    /// The year a reference carries: the local year at the support desk.
    func referenceYear(_ date: Date) -> Int {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.timeZone
        return calendar.component(.year, from: date)
    }

    /// Everything waiting: all mail in the mailbox, due escalations, the outbox. For `run --once`.
    public func runOnce() throws -> PassSummary {
        var summary = PassSummary()
        try intakeAll(into: &summary)
        metrics.lastPoll = now()
        try store.setState("last_poll", source.mailboxName, at: now())
        try escalate(into: &summary)
        try sendMonthlyReports()
        try deliver(into: &summary)
        purgeDailyLogged()
        return summary
    }
}
