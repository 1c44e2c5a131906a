import Configuration
import Desk
import Foundation
import MIME
import Store
import Transport

extension Pipeline {
    /// Sends what is due in the outbox. State is written right after each accepted delivery.
    @discardableResult
    public func deliver(into summary: inout PassSummary) throws -> Int {
        var sent = 0
        // Pages of 500 until nothing is due: each item leaves the due set (sent, failed or retried later), and
        // `run --once` used to exit with everything after the first page still waiting.
        var page = try store.pendingOutbox(now: now(), limit: 500)
        pass: while !page.isEmpty {
            for item in page {
                do {
                    try sender.send(item.raw, envelopeFrom: item.envelopeFrom, recipients: item.recipients,
                                    messageID: item.messageID)
                    try store.markSent(item.id, at: now())
                    sent += 1
                    if sent == 1, try store.state(Self.accountRefusedState).map({ !$0.value.isEmpty }) == true {
                        try store.setState(Self.accountRefusedState, "", at: now())
                    }
                    if deliveryFailing {
                        // The server is back: what was deferred during the outage goes now, not after its own backoff.
                        deliveryFailing = false
                        try store.makePendingDue(now: now())
                        log.info("outbox.recovered", [("message_id", item.messageID)])
                    }
                    // "Did the customer's acknowledgement go out?" is answered from the log.
                    let ref = try item.ticketID.flatMap { try store.ticket(id: $0) }?.reference.description ?? ""
                    log.info("mail.sent", [("kind", item.kind.rawValue), ("to", item.recipients.joined(separator: ",")),
                                           ("ref", ref), ("message_id", item.messageID)])
                } catch let error as SendError {
                    summary.sendFailures += 1
                    summary.lastSendError = "\(error)"
                    switch error {
                    case .temporary(let why), .account(let why):
                        // issue 16: an account refusal is a configuration problem; `health` shows the server's words.
                        if case .account = error { try store.setState(Self.accountRefusedState, why, at: now()) }
                        let delay = min(3600, 30 * pow(2, Double(min(item.attempts, 7)))) * Double.random(in: 0.8...1.2)
                        try store.markRetry(item.id, error: why, next: now().addingTimeInterval(delay))
                        // Once per state change at warning level; each further deferral of the same outage at debug.
                        log.log(deliveryFailing ? .debug : .warning, "outbox.retry",
                                [("message_id", item.messageID), ("error", why), ("in_seconds", String(Int(delay)))])
                        deliveryFailing = true
                        // The server is away: stop this pass rather than hammering it for every mail.
                        break pass
                    case .permanent(let why):
                        let failure = DeliveryFailure.of(try store.sentMail(item), why: why, policy: policy, at: now(),
                                                         makeMessageID: makeMessageID)
                        try store.transaction { try record(failure) }
                        log.error("outbox.failed", [("message_id", item.messageID), ("error", why)])
                        metrics.countError("delivery")
                    }
                }
            }
            page = page.count < 500 ? [] : try store.pendingOutbox(now: now(), limit: 500)
        }
        summary.sent += sent
        return sent
    }

    /// worker_state key: the SMTP server's words while it refuses our account ("" once a send went through).
    public static let accountRefusedState = "smtp_account_refused"
}
