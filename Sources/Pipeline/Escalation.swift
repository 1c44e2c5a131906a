import Configuration
import Desk
import Foundation
import MIME
import Store
import Transport

extension Pipeline {
    /// Queues every warning and breach notice that is due; each ticket update and its mail commit together.
    @discardableResult
    public func escalate(into summary: inout PassSummary) throws -> Int {
        let instant = now()
        var count = 0
        for ticket in try store.ticketsNeedingEscalation(now: instant) {
            guard let (marked, queued) = Escalations.due(ticket, policy: policy, now: instant, makeMessageID: makeMessageID) else { continue }
            try store.transaction {
                try store.updateTicket(marked, at: instant)
                if let queued {
                    try store.enqueue(queued, raw: MessageWriter.render(queued.mail), ticketID: ticket.id, at: instant)
                }
                try store.logEscalation(ticketID: ticket.id, kind: marked.clock?.breachSent == true ? "breach" : "warning", at: instant)
            }
            if let queued {
                count += 1
                metrics.count("escalations_total", label: queued.kind.rawValue)
                log.info("ticket.\(queued.kind.rawValue)", [("ref", ticket.reference.description), ("to", queued.mail.recipients.joined(separator: ","))])
            }
        }
        summary.escalations += count
        return count
    }
}
