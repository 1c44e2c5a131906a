import Desk
import Foundation
import MIME
import Store

extension Pipeline {
    /// The facts `#split` and `#merge` need, for a staff mail on a ticket: the ticket a `#merge` names, and the
    /// customer message a `#split` takes (the one whose relay or notification the mail answers, else the latest).
    func staffCommandFacts(into context: inout IncomingContext, ticket: TicketState?) throws {
        guard let ticket, let from = context.message.from, policy.isStaff(from.email) else { return }
        let commands = StaffCommands.parse(context.analysis?.newText ?? ReplyExtractor.newText(of: context.message))
        if let named = commands.mergeInto { context.mergeTarget = try store.ticket(reference: named) }
        guard commands.split else { return }
        let answered = try context.message.inReplyTo.last.flatMap { try store.outboxItem(messageID: $0) }
        let parent = answered.flatMap { MessageParser.parse($0.raw).inReplyTo.last }
        guard let candidate = try store.splitCandidate(ticketID: ticket.id, messageID: parent) else { return }
        let message = MessageParser.parse(candidate.raw)
        let sent = try message.from.map {
            try store.automaticMailCount(to: $0.normalized, since: context.receivedAt.addingTimeInterval(-3600),
                                         atMost: policy.autoReplyLimitPerHour)
        } ?? 0
        context.splitSource = SplitSource(messageRow: candidate.messageRow, message: message,
                                          receivedAt: candidate.receivedAt, statusBefore: candidate.statusBefore,
                                          resolvedAtBefore: candidate.resolvedAtBefore, isLatest: candidate.isLatest,
                                          automaticMailsToSender: sent)
    }

    /// Writes a `#split` (the new ticket, the message moved to it, its mails) and a `#merge` (the kept ticket, and
    /// everything of the folded one moved to it), after the staff mail itself is stored on the old ticket.
    func applyMoves(_ decision: Decision, at received: Date, fields: [(String, String)],
                    summary: inout PassSummary) throws {
        if let split = decision.split {
            try store.takeReference(split.ticket.reference)
            let id = try store.insertTicket(split.ticket, at: received)
            try store.moveMessage(row: split.messageRow, toTicket: id)
            if let withheld = split.acknowledgementWithheld {
                try store.setAcknowledgementWithheld(ticketID: id, reason: withheld)
            }
            try enqueue(split.mails, ticketID: id, at: received)
            summary.opened += 1
            log.info("ticket.split", fields + [("new_ref", split.ticket.reference.description)])
        }
        if let merge = decision.merge {
            try store.updateTicket(merge.into, at: received)
            try store.mergeTicket(merge.fromID, into: merge.into.id)
            log.info("ticket.merged", fields + [("into", merge.into.reference.description)])
        }
    }
}
