import Configuration
import Desk
import Foundation
import Store
import Transport

/// Builds the pipeline's parts from the configuration, whose load already checked every setting and read the
/// secrets; what can still fail here is a file or folder that changed since.
public enum Runtime {
    public static func makeSource(_ config: Configuration, log: Log) throws -> MailboxSource {
        switch config.mailbox {
        case .maildir(let path, let startAt):
            let maildir = try MaildirSource(path: path, maxMessageBytes: config.policy.maxMessageBytes)
            maildir.startAt = startAt
            return maildir
        case .imap(let settings): return try IMAPSource(settings: settings, log: transportLog(log, "imap"))
        }
    }

    public static func makeSender(_ config: Configuration, log: Log) throws -> MailSender {
        switch config.outbox {
        case .files(let path): return try FileOutbox(path: path)
        case .smtp(let settings): return try SMTPSender(settings: settings, log: transportLog(log, "smtp"))
        }
    }

    /// Transport state changes (connected, lost, backing off) as log events.
    static func transportLog(_ log: Log, _ kind: String) -> TransportLog {
        { line in log.info("\(kind).state", [("message", line)]) }
    }

    public static func makeLog(_ config: Configuration, override: LogLevel? = nil) -> Log {
        Log(level: override ?? config.log.level, json: config.log.format == .json)
    }

    public static func makePipeline(_ config: Configuration, log: Log,
        now: @escaping () -> Date = Date.init) throws -> Pipeline {
        let store = try PostdeskStore(path: config.database)
        let source = try makeSource(config, log: log)
        try StartBoundary.keep(source, in: store, log: log, now: now)
        return Pipeline(config: config, store: store, source: source, sender: try makeSender(config, log: log),
            log: log, now: now)
    }
}
