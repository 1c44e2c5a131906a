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
                    let result = try sender.deliver(item.raw, envelopeFrom: envelopeFrom(item),
                                                    recipients: item.recipients, messageID: item.messageID)
                    try store.markSent(item.id, at: now())
                    sent += 1
                    if !result.refused.isEmpty { try tellStaff(refused: result.refused, in: item) }
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

    /// The others got the mail; staff hear once per refused address (a stale address in `staff.notify` must not
    /// cost a notice per mail), and never about a failure notice.
    func tellStaff(refused: [(address: String, reply: String)], in item: OutboxItem) throws {
        for (address, reply) in refused {
            let key = "smtp_refused:" + address.lowercased()
            log.warning("outbox.recipient_refused", [("message_id", item.messageID), ("to", address), ("error", reply)])
            guard try store.state(key) == nil else { continue }
            var mail = try store.sentMail(item)
            mail.recipients = [address]
            let failure = DeliveryFailure.of(mail, why: reply, policy: policy, at: now(), makeMessageID: makeMessageID)
            try store.transaction {
                try store.setState(key, reply, at: now())
                if let notice = failure.notice { try enqueue([notice], ticketID: failure.ticketID, at: now()) }
            }
        }
    }

    /// `support+b<token>@…` with `outbox.verp` (SMTP), so a bounce names the mail it reports; else the address.
    func envelopeFrom(_ item: OutboxItem) -> String {
        guard case .smtp(let smtp) = config.outbox, smtp.verp, let token = item.envelopeToken,
              item.envelopeFrom.lowercased() == policy.supportAddress.email.lowercased() else {
            return item.envelopeFrom
        }
        return EnvelopeToken.address(support: policy.supportAddress, token: token)
    }

    /// worker_state key: the SMTP server's words while it refuses our account ("" once a send went through).
    public static let accountRefusedState = "smtp_account_refused"
}
