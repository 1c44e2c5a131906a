import Desk
import Foundation
import MIME

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

public enum MailboxSettings: Sendable {
    case maildir(path: String)
    case imap(IMAPConfig)
}

public enum OutboxSettings: Sendable {
    case files(path: String)
    case smtp(SMTPConfig)
}

/// IMAP settings as written in the config; the password comes from the environment variable it names.
public struct IMAPConfig: Sendable {
    public var url: String
    public var username: String
    public var passwordEnv: String
    public var tls: String
    public var caFile: String?
    public var mailbox: String
    public var processedFolder: String
    public var quarantineFolder: String
}

public struct SMTPConfig: Sendable {
    public var url: String
    public var username: String?
    public var passwordEnv: String?
    public var tls: String
    public var caFile: String?
    public var heloName: String
}

public struct LogSettings: Sendable {
    public var format: String
    public var level: String
}

/// The whole configuration: the desk's policy plus where mail comes from and goes to.
public struct Configuration: @unchecked Sendable {
    public var file: String
    public var policy: Policy
    public var database: String
    public var mailbox: MailboxSettings
    public var outbox: OutboxSettings
    public var pollSeconds: Double
    public var batchSize: Int
    public var log: LogSettings
    public var metricsFile: String?
    public var healthMaxPollAgeSeconds: Double

    /// The config file named by `--config`, else `POSTDESK_CONFIG`, else `Config/postdesk.json`.
    public static func defaultPath(_ explicit: String?) -> String {
        explicit ?? ProcessInfo.processInfo.environment["POSTDESK_CONFIG"] ?? "Config/postdesk.json"
    }

    public static func load(path: String) throws -> Configuration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigErrors(issues: [ConfigIssue(file: path, field: "(file)", problem: "cannot be read",
                                                    fix: "create it (see Config/postdesk.json) or pass --config FILE")])
        }
        let json: Any
        do {
            json = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw ConfigErrors(issues: [ConfigIssue(file: path, field: "(file)", problem: "is not valid JSON (\(error.localizedDescription))",
                                                    fix: "correct the JSON syntax")])
        }
        let reader = ConfigReader(file: path, root: json)
        let config = reader.configuration()
        if !reader.issues.isEmpty { throw ConfigErrors(issues: reader.issues) }
        return config!
    }
}

/// Walks the JSON, collecting every issue with its field path instead of stopping at the first.
final class ConfigReader {
    let file: String
    let root: [String: Any]
    var issues: [ConfigIssue] = []

    init(file: String, root: Any) {
        self.file = file
        self.root = root as? [String: Any] ?? [:]
        if !(root is [String: Any]) { issue("(file)", "must hold a JSON object", "wrap the settings in { … }") }
    }

    func issue(_ field: String, _ problem: String, _ fix: String) {
        issues.append(ConfigIssue(file: file, field: field, problem: problem, fix: fix))
    }

    func object(_ dict: [String: Any], _ key: String, path: String, required: Bool = true) -> [String: Any]? {
        guard let value = dict[key] else {
            if required { issue(path, "is missing", "add an object \"\(key)\": { … }") }
            return nil
        }
        guard let object = value as? [String: Any] else { issue(path, "must be an object", "write \"\(key)\": { … }"); return nil }
        return object
    }

    func string(_ dict: [String: Any], _ key: String, path: String, default fallback: String? = nil, example: String) -> String? {
        guard let value = dict[key], !(value is NSNull) else {
            if fallback == nil { issue(path, "is missing", "add \"\(key)\": \(example)") }
            return fallback
        }
        guard let s = value as? String else { issue(path, "must be a string", "write \"\(key)\": \(example)"); return fallback }
        return s
    }

    func number(_ dict: [String: Any], _ key: String, path: String, default fallback: Double, range: ClosedRange<Double>) -> Double {
        guard let value = dict[key], !(value is NSNull) else { return fallback }
        guard let n = value as? NSNumber, !Self.isBoolean(value) else {
            issue(path, "must be a number", "write \"\(key)\": \(fallback)"); return fallback
        }
        guard range.contains(n.doubleValue) else {
            issue(path, "is \(n), outside \(range.lowerBound)…\(range.upperBound)", "use a value in that range"); return fallback
        }
        return n.doubleValue
    }

    /// On Linux `1 is Bool` holds for a JSON number; JSON's true/false come as NSNumber of type "c".
    static func isBoolean(_ value: Any) -> Bool {
        (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? (value is Bool)
    }

    func bool(_ dict: [String: Any], _ key: String, path: String, default fallback: Bool) -> Bool {
        guard let value = dict[key] else { return fallback }
        guard Self.isBoolean(value), let b = value as? Bool else { issue(path, "must be true or false", "write \"\(key)\": \(fallback)"); return fallback }
        return b
    }

    func strings(_ dict: [String: Any], _ key: String, path: String) -> [String] {
        guard let value = dict[key] else { return [] }
        guard let list = value as? [String] else { issue(path, "must be a list of strings", "write \"\(key)\": [\"…\"]"); return [] }
        return list
    }

    func address(_ text: String?, path: String) -> Address? {
        guard let text else { return nil }
        guard let parsed = AddressList.parse(text).first, parsed.email.contains("@") else {
            issue(path, "\"\(text)\" is not a mail address", "write \"Name <user@example.com>\" or \"user@example.com\""); return nil
        }
        return parsed
    }

    static let dayNumbers = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]

    func minutes(ofClock text: String?, path: String) -> Int? {
        guard let text else { return nil }
        let parts = text.split(separator: ":")
        guard parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else {
            issue(path, "\"\(text)\" is not a time of day", "write it as \"HH:MM\", e.g. \"09:00\""); return nil
        }
        return h * 60 + m
    }

    /// "2h", "90min", "12 h", "best effort" → minutes (nil = best effort).
    func target(_ value: Any, path: String) -> Int?? {
        if value is NSNull { return .some(nil) }
        if let n = value as? NSNumber, !Self.isBoolean(value) { return .some(Int((n.doubleValue * 60).rounded())) }
        guard let text = (value as? String)?.lowercased().replacingOccurrences(of: " ", with: "") else {
            issue(path, "must be a duration", "write \"2h\", \"90min\" or \"best effort\""); return nil
        }
        if text == "besteffort" || text == "none" { return .some(nil) }
        if text.hasSuffix("min"), let n = Double(text.dropLast(3)) { return .some(Int(n.rounded())) }
        if text.hasSuffix("h"), let n = Double(text.dropLast()) { return .some(Int((n * 60).rounded())) }
        issue(path, "\"\(text)\" is not a duration", "write \"2h\", \"90min\" or \"best effort\"")
        return nil
    }

    func plan(name: String, _ dict: [String: Any], timeZone: TimeZone, holidays: DanishHolidays) -> SupportPlan? {
        let path = "plans.\(name)"
        let days = strings(dict, "days", path: path + ".days")
        var weekdays = Set<Int>()
        for day in days {
            if let n = Self.dayNumbers[String(day.lowercased().prefix(3))] { weekdays.insert(n) }
            else { issue(path + ".days", "\"\(day)\" is not a weekday", "use mon, tue, wed, thu, fri, sat, sun") }
        }
        if days.isEmpty { issue(path + ".days", "is missing or empty", "add \"days\": [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]") }
        let opens = minutes(ofClock: string(dict, "opens", path: path + ".opens", example: "\"09:00\""), path: path + ".opens")
        let closes = minutes(ofClock: string(dict, "closes", path: path + ".closes", example: "\"17:00\""), path: path + ".closes")
        if let opens, let closes, opens >= closes { issue(path + ".closes", "is not after opens", "make closes later than opens, e.g. \"17:00\"") }
        var targets: [Priority: Int] = [:]
        if let t = object(dict, "targets", path: path + ".targets") {
            for (key, value) in t {
                guard let p = Priority(text: key) else { issue(path + ".targets.\(key)", "is not a priority", "use P1, P2, P3, P4 or P5"); continue }
                if let minutes = target(value, path: path + ".targets.\(key)") {
                    if let minutes { targets[p] = minutes }
                }
            }
        }
        let share = number(dict, "warnAt", path: path + ".warnAt", default: 0.75, range: 0.05...0.99)
        var hoursText: [String: String] = [:]
        if let h = object(dict, "hoursText", path: path + ".hoursText", required: false) {
            for (k, v) in h { if let s = v as? String { hoursText[k] = s } }
        }
        guard let opens, let closes else { return nil }
        let calendar = BusinessCalendar(timeZone: timeZone, weekdays: weekdays, opensAt: opens, closesAt: closes, holidays: holidays)
        return SupportPlan(name: name, calendar: calendar, targets: targets, warningShare: share, hoursText: hoursText)
    }

    func configuration() -> Configuration? {
        let support = object(root, "support", path: "support") ?? [:]
        let supportAddress = address(string(support, "address", path: "support.address", example: "\"Support <support@example.com>\""), path: "support.address")
        let zoneName = string(root, "timeZone", path: "timeZone", default: "Europe/Copenhagen", example: "\"Europe/Copenhagen\"")!
        let zone = TimeZone(identifier: zoneName)
        if zone == nil { issue("timeZone", "\"\(zoneName)\" is not a known time zone", "use an IANA name such as \"Europe/Copenhagen\"") }
        let h = object(root, "holidays", path: "holidays", required: false) ?? [:]
        let closures = strings(h, "extraClosures", path: "holidays.extraClosures")
        for c in closures where c.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) == nil {
            issue("holidays.extraClosures", "\"\(c)\" is not a date", "write dates as \"YYYY-MM-DD\"")
        }
        let holidays = DanishHolidays(grundlovsdag: bool(h, "grundlovsdag", path: "holidays.grundlovsdag", default: true),
                                      juleaftensdag: bool(h, "juleaftensdag", path: "holidays.juleaftensdag", default: true),
                                      nytaarsaftensdag: bool(h, "nytaarsaftensdag", path: "holidays.nytaarsaftensdag", default: true),
                                      extraClosures: Set(closures))
        var plans: [String: SupportPlan] = [:]
        if let p = object(root, "plans", path: "plans") {
            for (name, value) in p {
                guard let dict = value as? [String: Any] else { issue("plans.\(name)", "must be an object", "write \"\(name)\": { \"days\": …, \"opens\": …, \"closes\": …, \"targets\": … }"); continue }
                if let plan = plan(name: name, dict, timeZone: zone ?? TimeZone(identifier: "UTC")!, holidays: holidays) { plans[name] = plan }
            }
            if p.isEmpty { issue("plans", "is empty", "define at least one plan, e.g. \"standard\"") }
        }
        // Names as written, so a customer naming a plan that failed to parse is not reported twice.
        let planNames = Set((root["plans"] as? [String: Any])?.keys.map { $0 } ?? [])
        var customers: [Customer] = []
        if let list = root["customers"] {
            if let list = list as? [[String: Any]] {
                for (i, c) in list.enumerated() {
                    let path = "customers[\(i)]"
                    let id = string(c, "id", path: path + ".id", example: "\"nordlys\"") ?? "customer\(i)"
                    let planName = string(c, "plan", path: path + ".plan", example: "\"standard\"") ?? ""
                    if !planName.isEmpty, !planNames.contains(planName) {
                        issue(path + ".plan", "names plan \"\(planName)\", which is not defined", "use one of: \(planNames.sorted().joined(separator: ", "))")
                    }
                    let admins = strings(c, "administrators", path: path + ".administrators")
                    if admins.isEmpty { issue(path + ".administrators", "is missing or empty", "list the addresses allowed to open tickets") }
                    let language = string(c, "language", path: path + ".language", default: "", example: "\"da\"")
                    if let language, !language.isEmpty, !Templates.languages.contains(language) {
                        issue(path + ".language", "\"\(language)\" is not supported", "use da, en, de or nl, or leave it out to detect")
                    }
                    customers.append(Customer(
                        id: id, name: string(c, "name", path: path + ".name", default: id, example: "\"Nordlys ApS\"") ?? id,
                        domains: strings(c, "domains", path: path + ".domains"), administrators: admins, plan: planName,
                        csm: address(string(c, "csm", path: path + ".csm", default: "", example: "\"csm@example.com\"").flatMap { $0.isEmpty ? nil : $0 }, path: path + ".csm"),
                        language: language?.isEmpty == false ? language : nil))
                }
            } else {
                issue("customers", "must be a list of objects", "write \"customers\": [ { \"id\": …, \"plan\": …, \"administrators\": […] } ]")
            }
        }
        let staff = object(root, "staff", path: "staff", required: false) ?? [:]
        let notify = strings(staff, "notify", path: "staff.notify").compactMap { address($0, path: "staff.notify") }
        let teamLead = address(string(staff, "teamLead", path: "staff.teamLead", default: "", example: "\"lead@example.com\"").flatMap { $0.isEmpty ? nil : $0 }, path: "staff.teamLead")
        let authserv = string(staff, "requireAuthenticationFrom", path: "staff.requireAuthenticationFrom", default: "", example: "\"mx.example.com\"")
        let unknownText = string(root, "unknownSenders", path: "unknownSenders", default: "reply", example: "\"reply\"")!
        let unknown = UnknownSenderPolicy(rawValue: unknownText)
        if unknown == nil { issue("unknownSenders", "\"\(unknownText)\" is not a choice", "use open, reply or quarantine") }
        let defaultPriorityText = string(root, "defaultPriority", path: "defaultPriority", default: "P3", example: "\"P3\"")!
        let defaultPriority = Priority(text: defaultPriorityText)
        if defaultPriority == nil { issue("defaultPriority", "\"\(defaultPriorityText)\" is not a priority", "use P1 … P5") }
        let defaultPlan = string(root, "defaultPlan", path: "defaultPlan", default: plans.keys.sorted().first ?? "standard", example: "\"standard\"")!
        if !plans.isEmpty, plans[defaultPlan] == nil { issue("defaultPlan", "names plan \"\(defaultPlan)\", which is not defined", "use one of: \(plans.keys.sorted().joined(separator: ", "))") }
        let prefix = string(root, "referencePrefix", path: "referencePrefix", default: "PD", example: "\"PD\"")!
        if prefix.isEmpty || !prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            issue("referencePrefix", "\"\(prefix)\" must be letters and digits only", "use something like \"PD\"")
        }
        let kb = string(root, "knowledgeBaseURL", path: "knowledgeBaseURL", default: "", example: "\"https://kb.example.com\"")

        let mailbox = mailboxSettings()
        let outbox = outboxSettings()
        let logObject = object(root, "log", path: "log", required: false) ?? [:]
        let logFormat = string(logObject, "format", path: "log.format", default: "logfmt", example: "\"logfmt\"")!
        if !["logfmt", "json"].contains(logFormat) { issue("log.format", "\"\(logFormat)\" is not a format", "use logfmt or json") }
        let logLevel = string(logObject, "level", path: "log.level", default: "info", example: "\"info\"")!
        if LogLevel(rawValue: logLevel) == nil { issue("log.level", "\"\(logLevel)\" is not a level", "use debug, info, warning or error") }

        guard issues.isEmpty, let supportAddress, let mailbox, let outbox else { return nil }
        let policy = Policy(
            supportAddress: supportAddress, referencePrefix: prefix, plans: plans, customers: customers,
            staffAddresses: strings(staff, "addresses", path: "staff.addresses"), staffDomains: strings(staff, "domains", path: "staff.domains"),
            staffNotify: notify, teamLead: teamLead, unknownSenders: unknown ?? .reply, defaultPlan: defaultPlan,
            defaultPriority: defaultPriority ?? .p3, reopenDays: Int(number(root, "reopenDays", path: "reopenDays", default: 14, range: 0...3650)),
            restartClockOnFollowUp: bool(root, "restartClockOnFollowUp", path: "restartClockOnFollowUp", default: true),
            knowledgeBaseURL: kb?.isEmpty == false ? kb : nil,
            maxMessageBytes: Int(number(root, "maxMessageBytes", path: "maxMessageBytes", default: 26_214_400, range: 1024...1e10)),
            autoReplyLimitPerHour: Int(number(root, "autoReplyLimitPerHour", path: "autoReplyLimitPerHour", default: 10, range: 0...10_000)),
            staffAuthservID: authserv?.isEmpty == false ? authserv : nil)
        return Configuration(
            file: file, policy: policy,
            database: string(root, "database", path: "database", default: "state/postdesk.sqlite", example: "\"state/postdesk.sqlite\"")!,
            mailbox: mailbox, outbox: outbox,
            pollSeconds: number(root, "pollSeconds", path: "pollSeconds", default: 5, range: 0.1...3600),
            batchSize: Int(number(root, "batchSize", path: "batchSize", default: 200, range: 1...10_000)),
            log: LogSettings(format: logFormat, level: logLevel),
            metricsFile: string(root, "metricsFile", path: "metricsFile", default: "", example: "\"state/postdesk.prom\"").flatMap { $0.isEmpty ? nil : $0 },
            healthMaxPollAgeSeconds: number(root, "healthMaxPollAgeSeconds", path: "healthMaxPollAgeSeconds", default: 300, range: 1...86_400))
    }

    func mailboxSettings() -> MailboxSettings? {
        guard let m = object(root, "mailbox", path: "mailbox") else { return nil }
        switch string(m, "kind", path: "mailbox.kind", example: "\"maildir\"") {
        case "maildir":
            return string(m, "path", path: "mailbox.path", example: "\"state/Maildir\"").map { .maildir(path: $0) }
        case "imap":
            let url = string(m, "url", path: "mailbox.url", example: "\"imaps://imap.example.com:993\"") ?? ""
            if !url.isEmpty, !(url.hasPrefix("imap://") || url.hasPrefix("imaps://")) {
                issue("mailbox.url", "\"\(url)\" is not an IMAP URL", "write imaps://host:993 or imap://host:143")
            }
            let tls = string(m, "tls", path: "mailbox.tls", default: url.hasPrefix("imaps://") ? "implicit" : "starttls", example: "\"starttls\"")!
            if !["implicit", "starttls", "none"].contains(tls) { issue("mailbox.tls", "\"\(tls)\" is not a TLS mode", "use implicit, starttls or none (loopback only)") }
            let passwordEnv = string(m, "passwordEnv", path: "mailbox.passwordEnv", example: "\"POSTDESK_IMAP_PASSWORD\"") ?? ""
            return .imap(IMAPConfig(
                url: url, username: string(m, "username", path: "mailbox.username", example: "\"support@example.com\"") ?? "",
                passwordEnv: passwordEnv, tls: tls,
                caFile: string(m, "caFile", path: "mailbox.caFile", default: "", example: "\"/etc/ssl/certs/ca.pem\"").flatMap { $0.isEmpty ? nil : $0 },
                mailbox: string(m, "mailbox", path: "mailbox.mailbox", default: "INBOX", example: "\"INBOX\"")!,
                processedFolder: string(m, "processedFolder", path: "mailbox.processedFolder", default: "Postdesk/Processed", example: "\"Postdesk/Processed\"")!,
                quarantineFolder: string(m, "quarantineFolder", path: "mailbox.quarantineFolder", default: "Postdesk/Quarantine", example: "\"Postdesk/Quarantine\"")!))
        case let other?:
            issue("mailbox.kind", "\"\(other)\" is not a mailbox kind", "use \"maildir\" or \"imap\"")
            return nil
        case nil:
            return nil
        }
    }

    func outboxSettings() -> OutboxSettings? {
        guard let o = object(root, "outbox", path: "outbox") else { return nil }
        switch string(o, "kind", path: "outbox.kind", example: "\"files\"") {
        case "files":
            return string(o, "path", path: "outbox.path", example: "\"state/outbox\"").map { .files(path: $0) }
        case "smtp":
            let url = string(o, "url", path: "outbox.url", example: "\"smtp://smtp.example.com:587\"") ?? ""
            if !url.isEmpty, !(url.hasPrefix("smtp://") || url.hasPrefix("smtps://")) {
                issue("outbox.url", "\"\(url)\" is not an SMTP URL", "write smtp://host:587 (STARTTLS) or smtps://host:465")
            }
            let tls = string(o, "tls", path: "outbox.tls", default: url.hasPrefix("smtps://") ? "implicit" : "starttls", example: "\"starttls\"")!
            if !["implicit", "starttls", "none"].contains(tls) { issue("outbox.tls", "\"\(tls)\" is not a TLS mode", "use implicit, starttls or none (loopback only)") }
            let user = string(o, "username", path: "outbox.username", default: "", example: "\"support@example.com\"")
            return .smtp(SMTPConfig(
                url: url, username: user?.isEmpty == false ? user : nil,
                passwordEnv: string(o, "passwordEnv", path: "outbox.passwordEnv", default: "", example: "\"POSTDESK_SMTP_PASSWORD\"").flatMap { $0.isEmpty ? nil : $0 },
                tls: tls, caFile: string(o, "caFile", path: "outbox.caFile", default: "", example: "\"/etc/ssl/certs/ca.pem\"").flatMap { $0.isEmpty ? nil : $0 },
                heloName: string(o, "heloName", path: "outbox.heloName", default: "postdesk.localdomain", example: "\"postdesk.example.com\"")!))
        case let other?:
            issue("outbox.kind", "\"\(other)\" is not an outbox kind", "use \"files\" or \"smtp\"")
            return nil
        case nil:
            return nil
        }
    }
}
