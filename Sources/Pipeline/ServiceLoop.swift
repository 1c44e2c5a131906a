import Configuration
import Desk
import Foundation
import Store
import Transport

extension Pipeline {
    /// The service loop: intake, escalate, deliver, then wait for mail or the next escalation instant. A reload
    /// request (SIGHUP) wakes the wait and is taken before the next pass.
    public func run(until stop: StopSignal, reload: ReloadSignal? = nil) {
        log.info("worker.started", [("mailbox", source.mailboxName), ("database", config.database)])
        try? store.makePendingDue(now: now())
        var failing = false
        var backoff = 1.0
        while !stop.isRequested {
            if reload?.take() == true { reloadConfiguration() }
            if let lost = databaseIdentity?.problem() {
                // Going on would answer customers from an empty state and issue references again from 000001.
                log.error("store.lost", [("error", lost)])
                stoppedBecause = lost
                break
            }
            var summary = PassSummary()
            do {
                var intakeError: Error?
                do {
                    try intakeAll(into: &summary, until: stop)
                    metrics.lastPoll = now()
                    try store.setState("last_poll", source.mailboxName, at: now())
                    LoginHealth.note(nil, store: store, now: now())
                } catch {
                    intakeError = error
                    LoginHealth.note(error, store: store, now: now())
                }
                // The outbox and the escalations do not need the mailbox: an IMAP outage must not hold back
                // acknowledgements already committed, or a breach notice.
                try escalate(into: &summary)
                try deliver(into: &summary)
                if let intakeError { throw intakeError }
                if failing { log.info("worker.recovered"); failing = false }
                backoff = 1.0
                writeMetrics()
            } catch {
                if !failing { log.error("worker.pass_failed", [("error", "\(error)")]); failing = true }
                metrics.countError("pass")
                stop.sleep(backoff * Double.random(in: 0.8...1.2))
                backoff = min(backoff * 2, 60)
                continue
            }
            if stop.isRequested { break }
            var wait = config.pollSeconds
            for next in [try? store.nextEscalationTime(), try? store.nextNoticeTime()].compactMap({ $0 }) {
                wait = max(0.05, min(wait, next.timeIntervalSince(now())))
            }
            source.waitForMail(timeout: wait, interrupted: { stop.isRequested || reload?.isRequested == true })
        }
        source.close()
        log.info("worker.stopped")
    }

    /// The Prometheus textfile, written atomically after each pass when configured, and the same text for the HTTP
    /// endpoint.
    public func writeMetrics() {
        guard config.metricsFile != nil || metricsEndpoint != nil, let text = try? metricsText() else { return }
        metricsEndpoint?.publish(text)
        guard let path = config.metricsFile else { return }
        let temp = path + ".tmp"
        FileManager.default.createFile(atPath: temp, contents: Data(text.utf8))
        rename(temp, path)
    }

    /// The exposition: counters and desk gauges from the database (so they survive restarts), the rest from memory.
    public func metricsText() throws -> String {
        var m = MetricsExposition()
        let f = try store.deskFigures(now: now())
        m.counter("tickets_opened_total", "Tickets opened.", [([], f.ticketsOpened)])
        m.counter("mails_taken_total", "Incoming mails taken, by outcome.",
                  f.mailsTaken.sorted { $0.key < $1.key }.map { ([("outcome", $0.key)], $0.value) })
        m.counter("mails_sent_total", "Mails accepted by the server or the outbox directory, by kind.",
                  f.mailsSent.sorted { $0.key < $1.key }.map { ([("kind", $0.key)], $0.value) })
        m.counter("mails_failed_total", "Mails that will not be delivered (permanent failure or bounce), by kind.",
                  f.mailsFailed.sorted { $0.key < $1.key }.map { ([("kind", $0.key)], $0.value) })
        m.counter("escalations_total", "Warning and breach notices, by kind.",
                  f.escalations.sorted { $0.key < $1.key }.map { ([("kind", $0.key)], $0.value) })
        m.counter("quarantined_total", "Mails put in the quarantine.", [([], f.quarantined)])
        m.counter("acknowledgements_withheld_total", "New tickets whose requester got no acknowledgement.",
                  [([], f.acknowledgementsWithheld)])
        m.counter("errors_total", "Errors since the worker started, by where.",
                  metrics.counters.sorted { $0.key < $1.key }.map { ([("kind", $0.key)], $0.value) })
        m.gauge("open_tickets", "Tickets not resolved, by priority and plan.",
                f.openTickets.sorted { $0.key < $1.key }.flatMap { priority, plans in
                    plans.sorted { $0.key < $1.key }
                        .map { ([("priority", priority), ("plan", $0.key)], Double($0.value)) }
                })
        m.gauge("tickets_past_due", "Tickets waiting for staff past their reaction target.", [([], Double(f.pastDue))])
        m.gauge("oldest_unanswered_request_age_seconds", "Age of the oldest request waiting for staff.",
                [([], f.oldestUnansweredSeconds.rounded(.down))])
        let backlog = try store.outboxBacklog()
        m.gauge("outbox_depth", "Mails waiting to be sent.", [([], Double(backlog.count))])
        m.gauge("outbox_oldest_age_seconds", "Age of the oldest mail waiting to be sent.",
                [([], backlog.oldest.map { max(0, now().timeIntervalSince($0)).rounded(.down) } ?? 0)])
        if let lag = metrics.intakeLagSeconds {
            m.gauge("intake_lag_seconds", "Newest mail's Date header to its processing.", [([], lag.rounded(.down))])
        }
        if let last = metrics.lastPoll {
            m.gauge("last_poll_timestamp_seconds", "When the mailbox was last read.",
                    [([], last.timeIntervalSince1970.rounded(.down))])
        }
        return m.text
    }
}
