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
                metrics.count("errors_total", label: "pass")
                stop.sleep(backoff * Double.random(in: 0.8...1.2))
                backoff = min(backoff * 2, 60)
                continue
            }
            if stop.isRequested { break }
            var wait = config.pollSeconds
            if let next = try? store.nextEscalationTime() { wait = max(0.05, min(wait, next.timeIntervalSince(now()))) }
            source.waitForMail(timeout: wait, interrupted: { stop.isRequested || reload?.isRequested == true })
        }
        source.close()
        log.info("worker.stopped")
    }

    /// The Prometheus textfile, written atomically after each pass when configured.
    public func writeMetrics() {
        guard let path = config.metricsFile else { return }
        var lines: [String] = []
        for (key, value) in metrics.counters.sorted(by: { $0.key < $1.key }) { lines.append("\(key) \(value)") }
        if let backlog = try? store.outboxBacklog() {
            lines.append("postdesk_outbox_depth \(backlog.count)")
            lines.append("postdesk_outbox_oldest_age_seconds \(backlog.oldest.map { Int(max(0, now().timeIntervalSince($0))) } ?? 0)")
        }
        if let lag = metrics.intakeLagSeconds { lines.append("postdesk_intake_lag_seconds \(Int(lag))") }
        if let last = metrics.lastPoll { lines.append("postdesk_last_poll_timestamp_seconds \(Int(last.timeIntervalSince1970))") }
        let temp = path + ".tmp"
        FileManager.default.createFile(atPath: temp, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        rename(temp, path)
    }
}
