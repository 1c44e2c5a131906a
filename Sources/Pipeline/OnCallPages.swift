import Desk
import Foundation
import Store

extension Pipeline {
    /// Sends the on-call page due for this ticket, if any, with the ticket update that marks it (one transaction);
    /// returns the ticket as it now stands, for the warning and breach check that follows.
    func page(_ ticket: TicketState, at instant: Date) throws -> TicketState {
        // Most tickets of a pass are due for a warning or breach: the history is read only for a page.
        guard let next = ticket.page?.nextAt, next <= instant,
              let (marked, queued) = OnCallPaging.due(ticket, policy: policy, now: instant,
                                                      history: try history(of: ticket),
                                                      makeMessageID: makeMessageID) else { return ticket }
        try store.transaction {
            try store.updateTicket(marked, at: instant)
            if let queued {
                try enqueue([queued], ticketID: ticket.id, at: instant)
                try store.logEscalation(ticketID: ticket.id, kind: "page", at: instant)
            }
        }
        if let queued {
            log.info("ticket.page", [("ref", ticket.reference.description), ("page", "\(marked.page?.sent ?? 0)"),
                                     ("to", queued.mail.recipients.joined(separator: ","))])
        }
        return marked
    }
}
