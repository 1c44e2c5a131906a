import Desk
import Foundation
import MIME
import Store

/// The whole file, read once into a `Configuration`: every field is read (and checked) before any issue stops
/// the build, so one run of `check-config` lists everything `run` would refuse.
extension ConfigReader {
    func configuration() -> Configuration? {
        let support = object(root, "support", path: "support") ?? [:]
        let supportAddress = address(string(support, "address", path: "support.address",
                                            example: "\"Support <support@example.com>\""), path: "support.address")
        let zone = timeZone()
        let plans = plans(timeZone: zone ?? TimeZone(identifier: "UTC")!, holidays: holidays())
        let customers = customers(planNames: Set((root["plans"] as? [String: Any])?.keys.map { $0 } ?? []))
        let staff = object(root, "staff", path: "staff", required: false) ?? [:]
        let staffAddresses = strings(staff, "addresses", path: "staff.addresses")
            .compactMap { bareAddress($0, path: "staff.addresses") }
        let staffDomains = strings(staff, "domains", path: "staff.domains")
        let notify = strings(staff, "notify", path: "staff.notify").compactMap { address($0, path: "staff.notify") }
        let teamLead = address(optionalString(staff, "teamLead", path: "staff.teamLead",
                                              example: "\"lead@example.com\""),
                               path: "staff.teamLead")
        let away = strings(staff, "away", path: "staff.away").compactMap { bareAddress($0, path: "staff.away") }
        let answeredText = string(staff, "answeredNotes", path: "staff.answeredNotes", default: "each",
                                  example: "\"each\"")!
        let answered = AnsweredNotes(rawValue: answeredText)
        if answered == nil {
            issue("staff.answeredNotes", "\"\(answeredText)\" is not a choice", "use each, daily or off")
        }
        let digestMinutes = number(root, "noticeDigestMinutes", path: "noticeDigestMinutes", default: 5,
                                   range: 0...1440)
        let authserv = optionalString(staff, "requireAuthenticationFrom", path: "staff.requireAuthenticationFrom",
                                      example: "\"mx.example.com\"")
        let unknownText = string(root, "unknownSenders", path: "unknownSenders", default: "reply",
                                 example: "\"reply\"")!
        let unknown = UnknownSenderPolicy(rawValue: unknownText)
        if unknown == nil {
            issue("unknownSenders", "\"\(unknownText)\" is not a choice", "use open, reply or quarantine")
        }
        let priorityText = string(root, "defaultPriority", path: "defaultPriority", default: "P3", example: "\"P3\"")!
        let defaultPriority = Priority(text: priorityText)
        if defaultPriority == nil { issue("defaultPriority", "\"\(priorityText)\" is not a priority", "use P1 … P5") }
        let defaultPlan = string(root, "defaultPlan", path: "defaultPlan",
                                 default: plans.keys.sorted().first ?? "standard",
                                 example: "\"standard\"")!
        if !plans.isEmpty, plans[defaultPlan] == nil {
            issue("defaultPlan", "names plan \"\(defaultPlan)\", which is not defined",
                  "use one of: \(plans.keys.sorted().joined(separator: ", "))")
        }
        let prefix = string(root, "referencePrefix", path: "referencePrefix", default: "PD", example: "\"PD\"")!
        if prefix.isEmpty || !prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            issue("referencePrefix", "\"\(prefix)\" must be letters and digits only", "use something like \"PD\"")
        }
        let kb = optionalString(root, "knowledgeBaseURL", path: "knowledgeBaseURL",
                                example: "\"https://kb.example.com\"")
        let reopenDays = Int(number(root, "reopenDays", path: "reopenDays", default: 14, range: 0...3650))
        let restartClock = bool(root, "restartClockOnFollowUp", path: "restartClockOnFollowUp", default: true)
        let maxBytes = Int(number(root, "maxMessageBytes", path: "maxMessageBytes", default: 26_214_400,
                                  range: 1024...1e10))
        if maxBytes > StoreLimits.largestMessageBytes {
            issue("maxMessageBytes", "is \(maxBytes), more than the store can hold in one message "
                  + "(\(StoreLimits.largestMessageBytes) bytes: SQLite's limit less room for the row)",
                  "use at most \(StoreLimits.largestMessageBytes), e.g. 26214400 (25 MiB)")
        }
        let autoReplyLimit = Int(number(root, "autoReplyLimitPerHour", path: "autoReplyLimitPerHour", default: 10,
                                        range: 0...10_000))
        let refusalLimit = Int(number(root, "refusalLimitPerHour", path: "refusalLimitPerHour", default: 60,
                                      range: 0...100_000))
        let attachmentLimit = Int(number(root, "notificationAttachmentBytes", path: "notificationAttachmentBytes",
                                         default: 10_485_760, range: 0...1e9))

        let database = string(root, "database", path: "database", default: "state/postdesk.sqlite",
                              example: "\"state/postdesk.sqlite\"")!
        checkDatabase(database, field: "database")
        let mailbox = mailboxSettings()
        let outbox = outboxSettings()
        let logObject = object(root, "log", path: "log", required: false) ?? [:]
        let formatText = string(logObject, "format", path: "log.format", default: "logfmt", example: "\"logfmt\"")!
        let format = LogFormat(rawValue: formatText)
        if format == nil { issue("log.format", "\"\(formatText)\" is not a format", "use logfmt or json") }
        let levelText = string(logObject, "level", path: "log.level", default: "info", example: "\"info\"")!
        let level = LogLevel(rawValue: levelText)
        if level == nil { issue("log.level", "\"\(levelText)\" is not a level", "use debug, info, warning or error") }
        let pollSeconds = number(root, "pollSeconds", path: "pollSeconds", default: 5, range: 0.1...3600)
        let batchSize = Int(number(root, "batchSize", path: "batchSize", default: 200, range: 1...10_000))
        let metricsFile = optionalString(root, "metricsFile", path: "metricsFile", example: "\"state/postdesk.prom\"")
        let healthAge = number(root, "healthMaxPollAgeSeconds", path: "healthMaxPollAgeSeconds", default: 300,
                               range: 1...86_400)
        let retention = retentionMonths()
        let confirmations = followUpConfirmations()
        let listen = metricsListen()
        let refusedDigest = refusedDigestMinute(staff, plans: plans, defaultPlan: defaultPlan)

        guard let supportAddress else { reportUnknownKeys(); return nil }
        var policy = Policy(
            supportAddress: supportAddress, referencePrefix: prefix, plans: plans, customers: customers,
            staffAddresses: staffAddresses, staffDomains: staffDomains, staffNotify: notify, teamLead: teamLead,
            unknownSenders: unknown ?? .reply, defaultPlan: defaultPlan, defaultPriority: defaultPriority ?? .p3,
            reopenDays: reopenDays, restartClockOnFollowUp: restartClock, knowledgeBaseURL: kb,
            maxMessageBytes: maxBytes, autoReplyLimitPerHour: autoReplyLimit, staffAuthservID: authserv,
            refusalLimitPerHour: refusalLimit, notificationAttachmentLimit: attachmentLimit)
        policy.awayStaff = away
        policy.answeredNotes = answered ?? .each
        policy.noticeDigestSeconds = digestMinutes * 60
        policy.take(confirmations)
        policy.refusedDigestMinute = refusedDigest
        if let zone { policy.timeZone = zone }   // the Date header's offset and every time in mails
        checkAdministrators(policy)
        reportUnknownKeys()
        guard issues.isEmpty, let zone, let mailbox, let outbox, let format, let level else { return nil }
        var configuration = Configuration(
            file: file, policy: policy, timeZone: zone, database: database, mailbox: mailbox, outbox: outbox,
            pollSeconds: pollSeconds, batchSize: batchSize, log: LogSettings(format: format, level: level),
            metricsFile: metricsFile, healthMaxPollAgeSeconds: healthAge)
        configuration.retentionMonths = retention
        configuration.metricsListen = listen
        return configuration
    }
}
