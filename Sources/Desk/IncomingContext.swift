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
    /// The ticket named by a `[PD-…]` tag in the subject.
    public var ticketBySubject: TicketState?
    /// Automatic mails sent to the sender in the last hour, counted up to the policy's limit (loop protection).
    public var automaticMailsToSender: Int
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

    public init(message: ParsedMessage, size: Int, receivedAt: Date, ticketByHeader: TicketState? = nil,
                ticketBySubject: TicketState? = nil, automaticMailsToSender: Int = 0, answersOurAutomaticMail: Bool = false,
                nextReference: TicketReference, bouncedMails: [SentMail] = [], backfill: Bool = false,
                makeMessageID: @escaping () -> String, analysis: MessageAnalysis? = nil) {
        self.message = message
        self.size = size
        self.receivedAt = receivedAt
        self.ticketByHeader = ticketByHeader
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
