import Foundation

/// Where a mailbox source stands: the IMAP UIDVALIDITY and the last UID whose processing committed.
/// Stored in the same SQLite transaction as the tickets it produced.
public struct MailboxCheckpoint: Sendable, Equatable {
    public var mailbox: String
    public var validity: UInt64
    public var lastUID: UInt64

    public init(mailbox: String, validity: UInt64, lastUID: UInt64) {
        self.mailbox = mailbox
        self.validity = validity
        self.lastUID = lastUID
    }
}

/// One message taken from a mailbox, not yet settled.
public struct IncomingMail: Sendable {
    /// Stable identity inside its mailbox: the Maildir unique name, or "UIDVALIDITY/UID" for IMAP.
    public var key: String
    public var bytes: [UInt8]
    /// The checkpoint to commit with this mail (nil for sources that keep state in the mailbox itself).
    public var checkpoint: MailboxCheckpoint?
    /// The mail was already in the mailbox when the worker first started on it (`startAt: new`): it is imported
    /// as backfill — a ticket, no mails sent, no reaction clock.
    public var backfill = false
    /// The mail's full size: more than `bytes.count` when only the head of an oversized mail was read.
    public var size: Int
    /// Why this mailbox entry is no mail that can be read (a FIFO, a symlink, a folder, an unreadable file; for
    /// IMAP "UID 7 could not be fetched: server said …"); it
    /// is quarantined with this reason and set aside, never opened again.
    public var unreadable: String?

    public init(key: String, bytes: [UInt8], checkpoint: MailboxCheckpoint? = nil, size: Int? = nil,
                unreadable: String? = nil) {
        self.key = key
        self.bytes = bytes
        self.checkpoint = checkpoint
        self.size = size ?? bytes.count
        self.unreadable = unreadable
    }
}

/// What became of a mail, told to the mailbox after the commit.
public enum Disposition: Sendable, Equatable {
    case processed
    case quarantined(reason: String)
}

/// A mailbox the worker reads: Maildir (embedded default) or IMAP.
public protocol MailboxSource: AnyObject {
    /// Names the checkpoint row and appears in logs.
    var mailboxName: String { get }
    /// Unsettled messages, oldest first, resuming after `checkpoint` where the source uses one.
    func fetch(after checkpoint: MailboxCheckpoint?, limit: Int) throws -> [IncomingMail]
    /// The batch after `previous` while `previous` is not yet settled: intake fetches ahead while a batch commits.
    func fetch(following previous: [IncomingMail], limit: Int) throws -> [IncomingMail]
    /// Called only after the mail's transaction committed: Maildir moves new/ → cur/, IMAP moves to a folder.
    func settle(_ mail: IncomingMail, as disposition: Disposition) throws
    /// Blocks until new mail may be waiting, `timeout` seconds pass or `interrupted` turns true (looked at a few
    /// times a second, so a stop request is not kept waiting for the poll interval).
    func waitForMail(timeout: Double, interrupted: () -> Bool)
    /// Sends settles the source still holds back (IMAP: batched moves); throws when they failed.
    func flushSettled() throws
    /// Finishes pending work (IMAP: batched moves) and disconnects.
    func close()
    /// Where the settle puts `mail` when it is quarantined, in words an operator can follow (issue 15: the record
    /// of an oversized mail holds only its head, so its reason says where the whole mail is).
    func quarantinePlace(of mail: IncomingMail) -> String
}

extension MailboxSource {
    public func close() {}
    public func flushSettled() throws {}
    public func quarantinePlace(of mail: IncomingMail) -> String { "the mailbox \(mailboxName)" }
    public func waitForMail(timeout: Double) { waitForMail(timeout: timeout, interrupted: { false }) }

    /// Sources that resume from a checkpoint (IMAP) or a cursor (import, memory) continue after the last mail.
    public func fetch(following previous: [IncomingMail], limit: Int) throws -> [IncomingMail] {
        try fetch(after: previous.last?.checkpoint, limit: limit)
    }
}

/// What a delivery did besides succeeding: recipients the server refused while others took the mail.
public struct SendResult: Sendable, Equatable {
    /// Address and the server's reply, e.g. ("old@customer.test", "550 5.1.1 <old@customer.test>: User unknown").
    public var refused: [(address: String, reply: String)]

    public init(refused: [(address: String, reply: String)] = []) { self.refused = refused }

    public static func == (a: SendResult, b: SendResult) -> Bool {
        a.refused.map(\.address) == b.refused.map(\.address) && a.refused.map(\.reply) == b.refused.map(\.reply)
    }
}

/// Where outgoing mail goes: a file outbox (embedded default) or SMTP.
public protocol MailSender: AnyObject {
    /// Delivers one rendered message. Throws SendError.
    func send(_ raw: [UInt8], envelopeFrom: String, recipients: [String], messageID: String) throws
    /// `send`, telling which recipients were refused while the rest took the mail (SMTP); throws SendError.
    func deliver(_ raw: [UInt8], envelopeFrom: String, recipients: [String], messageID: String) throws -> SendResult
}

extension MailSender {
    public func deliver(_ raw: [UInt8], envelopeFrom: String, recipients: [String],
        messageID: String) throws -> SendResult {
        try send(raw, envelopeFrom: envelopeFrom, recipients: recipients, messageID: messageID)
        return SendResult()
    }
}
