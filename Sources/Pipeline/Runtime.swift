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
        case .maildir(let path): return try MaildirSource(path: path, maxMessageBytes: config.policy.maxMessageBytes)
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

    public static func makePipeline(_ config: Configuration, log: Log, now: @escaping () -> Date = Date.init) throws -> Pipeline {
        let store = try PostdeskStore(path: config.database)
        let source = try makeSource(config, log: log)
        if let imap = source as? IMAPSource { try keepStartBoundary(imap, in: store, now: now) }
        return Pipeline(config: config, store: store, source: source, sender: try makeSender(config, log: log),
            log: log, now: now)
    }

    /// `startAt: new`: the UID below which mail was there at the first start, kept across restarts (issue 16).
    static func keepStartBoundary(_ imap: IMAPSource, in store: PostdeskStore, now: @escaping () -> Date) throws {
        let key = "imap_backfill_below:" + imap.mailboxName
        if let kept = try store.state(key)?.value.split(separator: "/"), kept.count == 2,
           let validity = UInt64(kept[0]), let uid = UInt64(kept[1]) {
            imap.backfillBelow = (validity, uid)
        }
        imap.onStartBoundary = { validity, uid in try? store.setState(key, "\(validity)/\(uid)", at: now()) }
    }
}
