import Foundation
import Store
import Configuration
import Pipeline

/// `postdesk-bench intake CONFIG` — what `postdesk run --once` does, with its two halves timed apart:
///   intake:   fetch (IMAP) + parse + decide + commit (tickets, messages, outbox rows, checkpoint) for every
///             waiting mail, until the mailbox is empty, plus the processed-folder moves (source closed);
///   delivery: draining the outbox (SMTP, one kept connection) until nothing is due.
/// Logging is as configured (stderr), so the figures include the per-mail log line the worker writes.
func intakeBench(configPath: String) -> Int32 {
    do {
        let config = try Configuration.load(path: configPath)
        let log = Runtime.makeLog(config)
        let pipeline = try Runtime.makePipeline(config, log: log)
        var intake = PassSummary()
        let t0 = now()
        var batches = 0
        try pipeline.intakeAll(into: &intake) { _ in batches += 1 }
        pipeline.source.close()  // sends the last batched UID MOVEs to the processed folder
        let t1 = now()
        let queued = try pipeline.store.outbox(status: .pending).count
        let outcomes = try pipeline.store.intakeCounts().sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        var delivery = PassSummary()
        let t2 = now()
        // POSTDESK_BENCH_INTAKE_ONLY=1: stop after intake (to profile it alone).
        let deliver = ProcessInfo.processInfo.environment["POSTDESK_BENCH_INTAKE_ONLY"] != "1"
        while try deliver && pipeline.deliver(into: &delivery) > 0 {}
        let t3 = now()
        let left = try pipeline.store.outbox(status: .pending).count
        let intakeSeconds = t1 - t0, deliverySeconds = t3 - t2
        print(String(
            format: "intake:   %d mails in %.2f s = %.0f msg/s  (%d batches of ≤%d; fetch+parse+commit incl. %d " +
                "outbox rows + MOVE to processed)",
                     intake.taken, intakeSeconds, Double(intake.taken) / max(intakeSeconds, 1e-9), batches,
                     config.batchSize, queued))
        print("          outcomes: \(outcomes); opened \(intake.opened), follow-ups \(intake.followUps), " +
            "quarantined \(intake.quarantined)")
        print(String(format: "delivery: %d mails sent in %.2f s = %.0f msg/s  (SMTP, %d failures, %d still pending)",
                     delivery.sent, deliverySeconds, Double(delivery.sent) / max(deliverySeconds, 1e-9),
                     delivery.sendFailures, left))
        print(String(format: "total:    %.2f s for %d mails = %.0f msg/s end to end", intakeSeconds + deliverySeconds,
            intake.taken,
                     Double(intake.taken) / max(intakeSeconds + deliverySeconds, 1e-9)))
        return 0
    } catch {
        FileHandle.standardError.write(Data("postdesk-bench intake: \(error)\n".utf8))
        return 1
    }
}
