import Desk
import Foundation
import MIME
import Store

extension Pipeline {
    /// What a CSM needs beside the ticket, gathered from the store for a notice that is due (few per pass): the
    /// request as written, when it came in, whether it was acknowledged, who on staff was told, what happened since.
    func history(of ticket: TicketState) throws -> TicketHistory {
        let messages = try store.messages(ticketID: ticket.id)
        let request = messages.first { $0.direction == .incoming }
        var history = TicketHistory(requestText: request?.bodyText ?? "", requestedAt: request?.createdAt)
        if let ack = messages.first(where: { $0.role == .outgoing(.acknowledgement) }) {
            history.acknowledgement = .sent(ack.createdAt)
        } else if let why = try store.acknowledgementWithheld(ticketID: ticket.id) {
            history.acknowledgement = .withheld(why)
        }
        var told: [Address] = []
        for note in messages where note.role == .outgoing(.staffNotification) {
            guard let id = note.messageID, let item = try store.outboxItem(messageID: id) else { continue }
            for email in item.recipients where !told.contains(where: { $0.normalized == email.lowercased() }) {
                told.append(policy.staffNotify.first { $0.normalized == email.lowercased() } ?? Address(email: email))
            }
        }
        history.staffTold = told
        // After a reopen the clock runs from a follow-up: that is what waits for an answer, not the first request.
        if let clockStart = ticket.clock?.startedAt,
           let waiting = messages.last(where: { $0.role == .incoming(.customer) && $0.createdAt <= clockStart + 1 }),
           waiting.id != request?.id, !waiting.newText.isEmpty {
            history.waitingText = waiting.newText
            history.waitingSince = waiting.createdAt
        }
        history.events = messages.dropFirst().compactMap { m in
            let who = m.from.map { $0.name.flatMap { $0.isEmpty ? nil : $0 } ?? $0.email } ?? "?"
            switch m.role {
            case .incoming(.staffNote): return .init(at: m.createdAt, what: "internal note by \(who)")
            case .incoming(.staffReply): return .init(at: m.createdAt, what: "staff reply by \(who)")
            case .incoming(.customer): return .init(at: m.createdAt, what: "follow-up from \(who)")
            case .outgoing(.relay): return .init(at: m.createdAt, what: "answer sent to the customer")
            default: return nil
            }
        }
        return history
    }
}
