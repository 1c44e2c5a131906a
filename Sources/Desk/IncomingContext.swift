import Foundation
import MIME

/// Everything the desk needs to know about a message, gathered from the store before it decides: plain values,
/// so deciding reads nothing and writes nothing.
public struct IncomingContext {
    public var message: ParsedMessage
    public var size: Int
    public var receivedAt: Date
    /// The ticket holding a message named by In-Reply-To/References.
    public var ticketByHeader: TicketState?
    /// Whether the header match was one of our Message-IDs (trusted from anyone) or a received one (trusted only
    /// from senders entitled to the ticket, like a subject tag).
    public var headerMatchIsOurs: Bool
    /// What our mail that the message answers was (e.g. a breach notice): replies to notices stay internal.
    public var answersKind: MailKind?
    /// The ticket named by a `[PD-…]` tag in the subject.
    public var ticketBySubject: TicketState?
    /// Automatic mails sent to the sender in the last hour, counted up to the policy's limit (loop protection).
    public var automaticMailsToSender: Int
    /// Refusals and oversized notices sent to anyone in the last hour, counted up to the policy's global limit.
    public var refusalsLastHour: Int
    /// The mail answers one of our acknowledgements or refusals: it gets no second automatic mail.
    public var answersOurAutomaticMail: Bool
    /// The reference a new ticket gets; the store takes it only when the decision opens a ticket.
    public var nextReference: TicketReference
    /// Our sent mails that a delivery report names (only read for bounces).
    public var bouncedMails: [SentMail]
    /// Backfill (`postdesk import`): old mail becomes tickets without mails or reaction clocks.
    public var backfill: Bool
    /// A fresh Message-ID (128 random bits) without brackets.
    public var makeMessageID: () -> String
    /// The text analysis when the caller computed it ahead (in parallel); else the decider does it.
    public var analysis: MessageAnalysis?
    /// The sender sent the same new text within the last hour: what a responder does, not a person opening tickets.
    public var repeatsRecentText = false
    /// Staff away now (normalized): by `#away` and by configuration.
    public var awayStaff: Set<String> = []
    /// Per ticket the mail may join (by id): the staff who have answered its customer, first answer first.
    public var staffAnswers: [Int64: [StaffAnswer]] = [:]
    /// Where the mailbox keeps the whole mail if it is quarantined (a Maildir file, an IMAP folder).
    public var quarantinePlace: String?
    /// For a staff mail saying `#split`: the customer message it answers (else the ticket's latest one).
    public var splitSource: SplitSource?
    /// For a staff mail saying `#merge PD-…`: the ticket that reference names, as stored (merged or not).
    public var mergeTarget: TicketState?

    public init(message: ParsedMessage, size: Int, receivedAt: Date, ticketByHeader: TicketState? = nil,
                headerMatchIsOurs: Bool = true, answersKind: MailKind? = nil,
                ticketBySubject: TicketState? = nil, automaticMailsToSender: Int = 0, refusalsLastHour: Int = 0,
                answersOurAutomaticMail: Bool = false,
                nextReference: TicketReference, bouncedMails: [SentMail] = [], backfill: Bool = false,
                makeMessageID: @escaping () -> String, analysis: MessageAnalysis? = nil) {
        self.message = message
        self.size = size
        self.receivedAt = receivedAt
        self.ticketByHeader = ticketByHeader
        self.headerMatchIsOurs = headerMatchIsOurs
        self.answersKind = answersKind
        self.refusalsLastHour = refusalsLastHour
        self.ticketBySubject = ticketBySubject
        self.automaticMailsToSender = automaticMailsToSender
        self.answersOurAutomaticMail = answersOurAutomaticMail
        self.nextReference = nextReference
        self.bouncedMails = bouncedMails
        self.backfill = backfill
        self.makeMessageID = makeMessageID
        self.analysis = analysis
    }
}

/// The ticket a message's In-Reply-To/References name, and whose Message-ID it was.
public struct HeaderMatch: Sendable {
    public var ticket: TicketState
    /// One of our Message-IDs (128 random bits: only someone who received our mail knows it).
    public var ours: Bool
    /// What our matched mail was (a staff notification, a breach notice, …); nil when the match was not ours.
    public var kind: MailKind?

    public init(ticket: TicketState, ours: Bool, kind: MailKind? = nil) {
        self.ticket = ticket
        self.ours = ours
        self.kind = kind
    }
}

/// A customer message on a ticket that `#split` can make a ticket of its own, with what the ticket was before it.
public struct SplitSource: Sendable {
    public var messageRow: Int64
    public var message: ParsedMessage
    public var receivedAt: Date
    /// The ticket's status before this message reopened it (nil when it did not change it).
    public var statusBefore: TicketStatus?
    public var resolvedAtBefore: Date?
    /// No customer message came on the ticket after this one.
    public var isLatest: Bool
    /// Automatic mails sent to this message's sender in the last hour (the acknowledgement's loop cap).
    public var automaticMailsToSender: Int

    public init(messageRow: Int64, message: ParsedMessage, receivedAt: Date, statusBefore: TicketStatus? = nil,
                resolvedAtBefore: Date? = nil, isLatest: Bool = true, automaticMailsToSender: Int = 0) {
        self.messageRow = messageRow
        self.message = message
        self.receivedAt = receivedAt
        self.statusBefore = statusBefore
        self.resolvedAtBefore = resolvedAtBefore
        self.isLatest = isLatest
        self.automaticMailsToSender = automaticMailsToSender
    }
}
