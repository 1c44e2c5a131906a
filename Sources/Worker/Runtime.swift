import Desk
import Foundation
import Store
import Transport

/// Builds the pipeline's parts from the configuration.
public enum Runtime {
    public static func makeSource(_ config: Configuration) throws -> MailboxSource {
        switch config.mailbox {
        case .maildir(let path): return try MaildirSource(path: path)
        case .imap(let imap): return try makeIMAPSource(imap, config: config)
        }
    }

    public static func makeSender(_ config: Configuration) throws -> MailSender {
        switch config.outbox {
        case .files(let path): return try FileOutbox(path: path)
        case .smtp(let smtp): return try makeSMTPSender(smtp, config: config)
        }
    }

    /// A secret from the environment variable the config names; never from the file, never logged.
    static func secret(_ variable: String?, field: String, config: Configuration) throws -> String? {
        guard let variable, !variable.isEmpty else { return nil }
        guard let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty else {
            throw ConfigErrors(issues: [ConfigIssue(file: config.file, field: field, problem: "names environment variable \(variable), which is not set",
                                                    fix: "export \(variable)=… before starting postdesk")])
        }
        return value
    }

    static func makeIMAPSource(_ imap: IMAPConfig, config: Configuration) throws -> MailboxSource {
        throw ConfigErrors(issues: [ConfigIssue(file: config.file, field: "mailbox.kind", problem: "IMAP intake is not built yet",
                                                fix: "use \"maildir\"")])
    }

    static func makeSMTPSender(_ smtp: SMTPConfig, config: Configuration) throws -> MailSender {
        throw ConfigErrors(issues: [ConfigIssue(file: config.file, field: "outbox.kind", problem: "SMTP delivery is not built yet",
                                                fix: "use \"files\"")])
    }

    public static func makeLog(_ config: Configuration, override: String? = nil) -> Log {
        Log(level: Log.Level(rawValue: override ?? config.log.level) ?? .info, json: config.log.format == "json")
    }

    public static func makePipeline(_ config: Configuration, log: Log, now: @escaping () -> Date = Date.init) throws -> Pipeline {
        let store = try PostdeskStore(path: config.database)
        return Pipeline(config: config, store: store, source: try makeSource(config), sender: try makeSender(config), log: log, now: now)
    }
}

extension Pipeline {
    /// The service loop: intake, escalate, deliver, then wait for mail or the next escalation instant.
    public func run(until stop: StopSignal) {
        log.info("worker.started", [("mailbox", source.mailboxName), ("database", config.database)])
        var failing = false
        var backoff = 1.0
        while !stop.isRequested {
            var summary = PassSummary()
            do {
                while !stop.isRequested, try intakeBatch(into: &summary) > 0 {}
                metrics.lastPoll = now()
                try store.setState("last_poll", source.mailboxName, at: now())
                try escalate(into: &summary)
                try deliver(into: &summary)
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
            source.waitForMail(timeout: wait)
        }
        log.info("worker.stopped")
    }

    /// The Prometheus textfile, written atomically after each pass when configured.
    public func writeMetrics() {
        guard let path = config.metricsFile else { return }
        var lines: [String] = []
        for (key, value) in metrics.counters.sorted(by: { $0.key < $1.key }) { lines.append("\(key) \(value)") }
        if let outbox = try? store.outbox(status: "pending") {
            lines.append("postdesk_outbox_depth \(outbox.count)")
        }
        if let last = metrics.lastPoll { lines.append("postdesk_last_poll_timestamp_seconds \(Int(last.timeIntervalSince1970))") }
        let temp = path + ".tmp"
        FileManager.default.createFile(atPath: temp, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        rename(temp, path)
    }
}
