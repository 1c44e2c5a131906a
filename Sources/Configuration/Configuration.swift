import Desk
import Foundation
import MIME
import Transport

/// One problem in a config file: where it is, what is wrong, how to fix it.
public struct ConfigIssue: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var field: String
    public var problem: String
    public var fix: String

    public init(file: String, field: String, problem: String, fix: String) {
        self.file = file
        self.field = field
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "\(file): \(field): \(problem). Fix: \(fix)" }
}

/// Every config problem found, reported together.
public struct ConfigErrors: Error, CustomStringConvertible {
    public var issues: [ConfigIssue]
    public init(issues: [ConfigIssue]) { self.issues = issues }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

public enum MailboxSettings: Sendable, Equatable {
    /// `startAt`: what the first start does with mail already in new/ (as for IMAP).
    case maildir(path: String, startAt: StartAt = .new)
    /// The password is already read from the environment variable the config names.
    case imap(IMAPSettings)
}

public enum OutboxSettings: Sendable, Equatable {
    case files(path: String)
    /// The password, if any, is already read from the environment variable the config names.
    case smtp(SMTPSettings)
}

public struct LogSettings: Sendable, Equatable {
    public var format: LogFormat
    public var level: LogLevel
}

/// The whole configuration: the desk's policy plus where mail comes from and goes to, every value typed and
/// checked (secrets included) by one load that `check-config`, `run` and a reload on SIGHUP share.
public struct Configuration: @unchecked Sendable {
    public var file: String
    public var policy: Policy
    /// The zone of opening hours, of references' years and of every time shown to people.
    public var timeZone: TimeZone
    public var database: String
    public var mailbox: MailboxSettings
    public var outbox: OutboxSettings
    public var pollSeconds: Double
    public var batchSize: Int
    public var log: LogSettings
    public var metricsFile: String?
    /// Where the HTTP metrics endpoint listens (`metrics.listen`); nil: no endpoint.
    public var metricsListen: ListenAddress? = nil
    public var healthMaxPollAgeSeconds: Double
    /// GDPR: months after resolution that a ticket's mail and files are kept (`postdesk purge`); nil: kept.
    public var retentionMonths: Int? = nil

    /// The config file named by `--config`, else `POSTDESK_CONFIG`, else `Config/postdesk.json`.
    public static func defaultPath(_ explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment["POSTDESK_CONFIG"] ?? "Config/postdesk.json"
    }

    /// Reads and checks the file; throws `ConfigErrors` with every issue found. Passwords are read from
    /// `environment` here, so a missing one is a config issue and not a failure after the database is created.
    /// `requireRefreshTokens: false` for `auth login`, which is what stores them.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            requireRefreshTokens: Bool = true) throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigErrors(issues: [ConfigIssue(file: path, field: "(file)", problem: "cannot be read",
                                                    fix: "create it (see Config/postdesk.json) or pass --config FILE")])
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ConfigErrors(issues: [ConfigIssue(file: path, field: "(file)",
                                                    problem: "is not valid JSON (\(error.localizedDescription))",
                                                    fix: "correct the JSON syntax")])
        }
        let reader = ConfigReader(file: path, root: json, environment: environment)
        reader.requireRefreshTokens = requireRefreshTokens
        let config = reader.configuration()
        guard let config, reader.issues.isEmpty else { throw ConfigErrors(issues: reader.issues) }
        return config
    }
}
