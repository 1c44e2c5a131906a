import Configuration
import Desk
import Foundation
import Store
import Transport

/// Builds the pipeline's parts from the configuration.
public enum Runtime {
    public static func makeSource(_ config: Configuration, log: Log) throws -> MailboxSource {
        switch config.mailbox {
        case .maildir(let path): return try MaildirSource(path: path)
        case .imap(let imap): return try makeIMAPSource(imap, config: config, log: log)
        }
    }

    public static func makeSender(_ config: Configuration, log: Log) throws -> MailSender {
        switch config.outbox {
        case .files(let path): return try FileOutbox(path: path)
        case .smtp(let smtp): return try makeSMTPSender(smtp, config: config, log: log)
        }
    }

    /// Transport state changes (connected, lost, backing off) as log events.
    static func transportLog(_ log: Log, _ kind: String) -> TransportLog {
        { line in log.info("\(kind).state", [("message", line)]) }
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

    static func makeIMAPSource(_ imap: IMAPConfig, config: Configuration, log: Log) throws -> MailboxSource {
        let password = try secret(imap.passwordEnv, field: "mailbox.passwordEnv", config: config) ?? ""
        let settings = IMAPSettings(url: imap.url, username: imap.username, password: password, tls: TLSMode(rawValue: imap.tls),
                                    caFile: imap.caFile, mailbox: imap.mailbox, processedFolder: imap.processedFolder,
                                    quarantineFolder: imap.quarantineFolder)
        do {
            return try IMAPSource(settings: settings, log: transportLog(log, "imap"))
        } catch {
            throw ConfigErrors(issues: [ConfigIssue(file: config.file, field: "mailbox", problem: "\(error)", fix: "correct the IMAP settings")])
        }
    }

    static func makeSMTPSender(_ smtp: SMTPConfig, config: Configuration, log: Log) throws -> MailSender {
        let password = try secret(smtp.passwordEnv, field: "outbox.passwordEnv", config: config)
        let settings = SMTPSettings(url: smtp.url, username: smtp.username, password: password, tls: TLSMode(rawValue: smtp.tls),
                                    caFile: smtp.caFile, heloName: smtp.heloName)
        do {
            return try SMTPSender(settings: settings, log: transportLog(log, "smtp"))
        } catch {
            throw ConfigErrors(issues: [ConfigIssue(file: config.file, field: "outbox", problem: "\(error)", fix: "correct the SMTP settings")])
        }
    }

    public static func makeLog(_ config: Configuration, override: String? = nil) -> Log {
        Log(level: Log.Level(rawValue: override ?? config.log.level) ?? .info, json: config.log.format == "json")
    }

    public static func makePipeline(_ config: Configuration, log: Log, now: @escaping () -> Date = Date.init) throws -> Pipeline {
        let store = try PostdeskStore(path: config.database)
        return Pipeline(config: config, store: store, source: try makeSource(config, log: log), sender: try makeSender(config, log: log), log: log, now: now)
    }
}
