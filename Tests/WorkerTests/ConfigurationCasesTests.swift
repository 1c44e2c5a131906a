import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Store
import Transport

/// The shipped config with its state paths in a fresh folder and `edit` applied, loaded with `environment`.
final class ConfigCase {
    let dir: URL
    var json: [String: Any]

    init(_ edit: (inout [String: Any], URL) -> Void = { _, _ in }) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdc-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let data = try Data(contentsOf: Sandbox.repo.appendingPathComponent("Config/postdesk.json"))
        json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["database"] = dir.appendingPathComponent("db/postdesk.sqlite").path
        json["mailbox"] = ["kind": "maildir", "path": dir.appendingPathComponent("Maildir").path]
        json["outbox"] = ["kind": "files", "path": dir.appendingPathComponent("outbox").path]
        json["metricsFile"] = dir.appendingPathComponent("postdesk.prom").path
        edit(&json, dir)
        try write()
    }

    var path: String { dir.appendingPathComponent("postdesk.json").path }

    func write() throws { try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path)) }

    func load(_ environment: [String: String] = [:]) -> Result<Configuration, ConfigErrors> {
        Result { try Configuration.load(path: path, environment: environment) }.mapError { $0 as! ConfigErrors }
    }

    /// The issues of the load, [] when it succeeded.
    func issues(_ environment: [String: String] = [:]) -> [ConfigIssue] {
        if case .failure(let e) = load(environment) { return e.issues }
        return []
    }

    deinit { try? FileManager.default.removeItem(at: dir) }
}

/// Edits one object inside the JSON, e.g. `nested(&json, "staff") { $0["teamLead"] = … }`.
func nested(_ json: inout [String: Any], _ key: String, _ edit: (inout [String: Any]) -> Void) {
    var object = json[key] as? [String: Any] ?? [:]
    edit(&object)
    json[key] = object
}

func customers(_ json: inout [String: Any], _ edit: (inout [[String: Any]]) -> Void) {
    var list = json["customers"] as! [[String: Any]]
    edit(&list)
    json["customers"] = list
}

nonisolated(unsafe) let imapMailbox: [String: Any] = ["kind": "imap", "url": "imaps://imap.example.test:993",
                                                      "username": "support@example.test",
                                  "passwordEnv": "PD_TEST_IMAP_PASSWORD"]
nonisolated(unsafe) let smtpOutbox: [String: Any] = ["kind": "smtp", "url": "smtp://smtp.example.test:587",
                                                     "username": "support@example.test",
                                 "passwordEnv": "PD_TEST_SMTP_PASSWORD", "heloName": "support.example.test"]
let secrets = ["PD_TEST_IMAP_PASSWORD": "imap-secret-4711", "PD_TEST_SMTP_PASSWORD": "smtp-secret-0815"]

extension Array where Element == ConfigIssue {
    func on(_ field: String) -> [ConfigIssue] { filter { $0.field == field } }
    var fields: [String] { map(\.field) }
}

@Suite struct ConfigurationCasesTests {
    // MARK: typed settings and secrets

    @Test func transportSettingsAreTypedWithSecretsFromTheEnvironment() throws {
        let c = try ConfigCase { j, _ in
            j["mailbox"] = imapMailbox
            j["outbox"] = smtpOutbox
            j["log"] = ["format": "json", "level": "debug"]
        }
        let config = try c.load(secrets).get()
        guard case .imap(let imap) = config.mailbox, case .smtp(let smtp) = config.outbox else {
            Issue.record("expected IMAP and SMTP"); return
        }
        #expect(imap.password == "imap-secret-4711" && imap.tls == nil && imap.url == "imaps://imap.example.test:993")
        #expect(imap.processedFolder == "Postdesk/Processed" && imap.mailbox == "INBOX")
        #expect(smtp.username == "support@example.test" && smtp.password == "smtp-secret-0815")
        #expect(smtp.heloName == "support.example.test")
        #expect(config.log == LogSettings(format: .json, level: .debug))
        #expect(config.timeZone.identifier == "Europe/Copenhagen")
    }

    @Test func unsetPasswordVariableIsAnIssueThatNamesItAndNeverTheSecret() throws {
        let c = try ConfigCase { j, _ in
            j["mailbox"] = imapMailbox
            j["outbox"] = smtpOutbox
        }
        let issues = c.issues(["PD_TEST_SMTP_PASSWORD": "smtp-secret-0815"])
        #expect(issues.fields == ["mailbox.passwordEnv"])
        #expect(issues[0].problem.contains("PD_TEST_IMAP_PASSWORD"))
        #expect(issues[0].fix.contains("export PD_TEST_IMAP_PASSWORD"))
        // An empty variable is as good as unset; and no issue text ever carries a password.
        let both = c.issues(["PD_TEST_IMAP_PASSWORD": "", "PD_TEST_SMTP_PASSWORD": "smtp-secret-0815"])
        #expect(both.fields == ["mailbox.passwordEnv"])
        nested(&c.json, "mailbox") { $0["passwordEnv"] = "" }
        try c.write()
        #expect(c.issues(secrets).on("mailbox.passwordEnv").first?.problem == "is empty")
        c.json["mailbox"] = imapMailbox
        nested(&c.json, "outbox") { $0["heloName"] = "bad name" }
        try c.write()
        let text = ConfigErrors(issues: c.issues(secrets)).description
        #expect(!text.contains("secret"), "\(text)")
    }

    @Test func smtpUsernameWithoutPasswordAndTheReverse() throws {
        let c = try ConfigCase { j, _ in
            j["outbox"] = smtpOutbox.filter { $0.key != "passwordEnv" }
        }
        #expect(c.issues(secrets).fields == ["outbox.passwordEnv"])
        c.json["outbox"] = smtpOutbox.filter { $0.key != "username" }
        try c.write()
        #expect(c.issues(secrets).fields == ["outbox.username"])
        // Neither: no AUTH, which is fine.
        c.json["outbox"] = smtpOutbox.filter { $0.key != "username" && $0.key != "passwordEnv" }
        try c.write()
        #expect(c.issues(secrets).isEmpty)
    }

    @Test func tlsNoneOnlyToLoopback() throws {
        let c = try ConfigCase { j, _ in
            j["mailbox"] = imapMailbox.merging(["url": "imap://mail.example.test:143", "tls": "none"]) { $1 }
            j["outbox"] = smtpOutbox.merging(["tls": "none"]) { $1 }
        }
        let issues = c.issues(secrets)
        #expect(issues.fields == ["mailbox.tls", "outbox.tls"])
        #expect(issues.allSatisfy { $0.problem.contains("loopback") })
        c.json["mailbox"] = imapMailbox.merging(["url": "imap://127.0.0.1:143", "tls": "none"]) { $1 }
        c.json["outbox"] = smtpOutbox.merging(["url": "smtp://localhost:25", "tls": "none"]) { $1 }
        try c.write()
        #expect(c.issues(secrets).isEmpty)
        // A scheme that contradicts the mode, and a mode that does not exist.
        c.json["mailbox"] = imapMailbox.merging(["tls": "starttls"]) { $1 }
        c.json["outbox"] = smtpOutbox.merging(["tls": "maybe"]) { $1 }
        try c.write()
        #expect(c.issues(secrets).fields == ["mailbox.tls", "outbox.tls"])
    }

    @Test func unreadableCAFile() throws {
        let c = try ConfigCase { j, dir in
            j["mailbox"] = imapMailbox.merging(["caFile": dir.appendingPathComponent("missing-ca.pem").path]) { $1 }
            j["outbox"] = smtpOutbox.merging(["caFile": dir.path]) { $1 }   // a folder is no CA file
        }
        #expect(c.issues(secrets).fields == ["mailbox.caFile", "outbox.caFile"])
        let pem = c.dir.appendingPathComponent("ca.pem")
        try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: pem)
        c.json["mailbox"] = imapMailbox.merging(["caFile": pem.path]) { $1 }
        c.json["outbox"] = smtpOutbox.merging(["caFile": pem.path]) { $1 }
        try c.write()
        #expect(c.issues(secrets).isEmpty)
    }

    @Test func badHeloNameAndBadURL() throws {
        let c = try ConfigCase { j, _ in
            j["mailbox"] = imapMailbox.merging(["url": "pop3://mail.example.test"]) { $1 }
            j["outbox"] = smtpOutbox.merging(["heloName": "support example/test"]) { $1 }
        }
        #expect(c.issues(secrets).fields == ["mailbox.url", "outbox.heloName"])
    }

    // MARK: paths

    @Test func databasePathThatIsAFolderOrCannotBeCreated() throws {
        let c = try ConfigCase { j, dir in j["database"] = dir.path }
        #expect(c.issues().fields == ["database"])
        #expect(c.issues()[0].problem.contains("is a folder"))
        // Under a regular file.
        let file = c.dir.appendingPathComponent("plain")
        try Data("x".utf8).write(to: file)
        c.json["database"] = file.appendingPathComponent("db/postdesk.sqlite").path
        try c.write()
        #expect(c.issues().fields == ["database"])
        // In a folder nobody may write to (even root: /proc/sys refuses new files).
        if access("/proc/sys", W_OK) != 0 {
            c.json["database"] = "/proc/sys/postdesk/postdesk.sqlite"
            try c.write()
            #expect(c.issues().on("database").first?.problem.contains("not writable") == true)
        }
    }

    @Test func maildirOrOutboxPathThatIsAFile() throws {
        let c = try ConfigCase { j, dir in
            let file = dir.appendingPathComponent("Maildir")
            _ = FileManager.default.createFile(atPath: file.path, contents: Data("x".utf8))
            j["outbox"] = ["kind": "files", "path": file.path]
        }
        #expect(c.issues().fields == ["mailbox.path", "outbox.path"])
    }

    @Test func maxMessageBytesBeyondWhatTheStoreHolds() throws {
        let c = try ConfigCase { j, _ in j["maxMessageBytes"] = StoreLimits.largestValueBytes }
        #expect(c.issues().fields == ["maxMessageBytes"])
        c.json["maxMessageBytes"] = StoreLimits.largestMessageBytes
        try c.write()
        #expect(c.issues().isEmpty)
        #expect(StoreLimits.largestValueBytes == 1_000_000_000)   // the default build's SQLITE_MAX_LENGTH
    }

    // MARK: unknown keys

    @Test func unknownKeysAreIssuesWithTheNearestName() throws {
        let c = try ConfigCase { j, _ in
            nested(&j, "staff") { $0["requireAuthentication"] = "mx.example.test" }
            j["pollSecond"] = 5
            nested(&j, "plans") { plans in
                var standard = plans["standard"] as! [String: Any]
                standard["warnat"] = 0.5
                plans["standard"] = standard
            }
            customers(&j) { $0[1]["CSM"] = "csm@example.test"; $0[0]["colour"] = "blue" }
        }
        let issues = c.issues()
        #expect(issues.fields.sorted() == ["customers[0].colour", "customers[1].CSM", "plans.standard.warnat",
                                           "pollSecond",
                                           "staff.requireAuthentication"])
        func fix(_ field: String) -> String { issues.on(field).first?.fix ?? "" }
        #expect(fix("staff.requireAuthentication") == "did you mean staff.requireAuthenticationFrom?")
        #expect(fix("pollSecond") == "did you mean pollSeconds?")
        #expect(fix("plans.standard.warnat") == "did you mean plans.standard.warnAt?")
        #expect(fix("customers[1].CSM") == "did you mean customers[1].csm?")
        #expect(fix("customers[0].colour").hasPrefix("remove it; known here: administrators, confirmFollowUps, "
            + "copyRefusalsToAdministrators, csm, domains, formality, id,"))
        // A setting of the other mailbox kind is unknown too: a Maildir has no url.
        c.json = try ConfigCase().json
        nested(&c.json, "mailbox") { $0["url"] = "imaps://x" }
        try c.write()
        #expect(c.issues().fields == ["mailbox.url"])
    }

    @Test func nearestNameByEditDistance() {
        #expect(NearestName.distance(Array("kitten"), Array("sitting")) == 3)
        #expect(NearestName.find("teamlead", among: ["notify", "teamLead"]) == "teamLead")
        #expect(NearestName.find("zzz", among: ["notify", "teamLead"]) == nil)
    }

    // MARK: durations

    @Test(arguments: ["0min", "-5min", "100000000h", "1e300h", "nanh", "infmin", "0.2min", "5", "2 hours", "h"])
    func badTargetsAreIssuesNotCrashes(_ target: String) throws {
        let c = try ConfigCase { j, _ in
            nested(&j, "plans") { plans in
                var standard = plans["standard"] as! [String: Any]
                standard["targets"] = ["P1": target, "P2": "12h"]
                plans["standard"] = standard
            }
        }
        #expect(c.issues().fields == ["plans.standard.targets.P1"], "\(target)")
    }

    @Test func targetsWithinBoundsAndAsNumbers() throws {
        let c = try ConfigCase { j, _ in
            nested(&j, "plans") { plans in
                var standard = plans["standard"] as! [String: Any]
                standard["targets"] = ["P1": "90min", "P2": "1.5 h", "P3": 2, "P4": "10000h", "P5": "best effort"]
                plans["standard"] = standard
            }
        }
        let targets = try c.load().get().policy.plans["standard"]!.targets
        #expect(targets == [.p1: 90, .p2: 90, .p3: 120, .p4: 600_000])
        nested(&c.json, "plans") { plans in
            var standard = plans["standard"] as! [String: Any]
            standard["targets"] = ["P1": 1e300, "P2": -1, "P3": "10000.1h"]
            plans["standard"] = standard
        }
        try c.write()
        #expect(c.issues().fields.sorted() == ["plans.standard.targets.P1", "plans.standard.targets.P2",
                                               "plans.standard.targets.P3"])
    }

    // MARK: dates, customers, administrators

    @Test func extraClosureMustBeARealDate() throws {
        let c = try ConfigCase { j, _ in nested(&j, "holidays") { $0["extraClosures"] = ["2026-02-30", "2026-12-28"] } }
        let issues = c.issues()
        #expect(issues.fields == ["holidays.extraClosures"] && issues[0].problem.contains("2026-02-30"))
    }

    @Test func duplicateCustomersDomainsAndAdministrators() throws {
        let c = try ConfigCase { j, _ in
            customers(&j) { list in
                list[3]["id"] = "nordlys"
                list[2]["domains"] = ["vandijk.test", "Bergmann.test"]
                list[1]["administrators"] = ["admin@bergmann.test", "IT@nordlys.test", "admin@bergmann.test"]
            }
        }
        let issues = c.issues()
        #expect(issues.fields.sorted() == ["customers[1].administrators", "customers[1].administrators",
                                           "customers[2].domains", "customers[3].id"])
        #expect(issues.on("customers[3].id")[0].problem == "id \"nordlys\" is already listed for customers[0]")
    }

    @Test func supportOrStaffAddressAsAdministrator() throws {
        let c = try ConfigCase { j, _ in
            nested(&j, "staff") { $0["domains"] = ["helpers.test"] }
            customers(&j) { list in
                list[0]["administrators"] = ["it@nordlys.test", "Support@example.test"]
                list[1]["administrators"] = ["agent1@example.test", "csm@example.test", "temp@helpers.test",
                                             "lead@example.test"]
            }
        }
        let issues = c.issues()
        #expect(issues.on("customers[0].administrators").count == 1)
        #expect(issues.on("customers[0].administrators").first?.problem.contains("support address") == true)
        #expect(issues.on("customers[1].administrators").count == 4)
        #expect(issues.count == 5)
    }

    @Test func administratorsAndStaffAddressesMustBeBareAddresses() throws {
        let c = try ConfigCase { j, _ in
            customers(&j) {
                $0[0]["administrators"] = ["Mette Holm <mette.holm@nordlys.test>", "nobody", "a@b@c", "it@nordlys.test"]
            }
            nested(&j, "staff") { $0["addresses"] = ["agent1@example.test", "agent two"] }
        }
        let issues = c.issues()
        #expect(issues.on("customers[0].administrators").count == 3)
        #expect(issues.on("staff.addresses").count == 1)
        #expect(issues.count == 4)
    }

    // MARK: one load for everything

    @Test func everyIssueIsReportedInOneLoad() throws {
        let c = try ConfigCase { j, dir in
            j["mailbox"] = imapMailbox.merging(["url": "imap://mail.example.test", "tls": "none"]) { $1 }
            j["outbox"] = smtpOutbox.filter { $0.key != "passwordEnv" }
            j["database"] = dir.path
            j["reopenDays"] = -1
            j["pollSecond"] = 5
            nested(&j, "holidays") { $0["extraClosures"] = ["2026-02-30"] }
        }
        #expect(c.issues().fields.sorted() == ["database", "holidays.extraClosures", "mailbox.passwordEnv",
                                               "mailbox.tls",
                                              "outbox.passwordEnv", "pollSecond", "reopenDays"])
    }

    /// `run` refuses on the same load as `check-config`, before it creates the database or any folder.
    @Test func runRefusesBeforeTouchingAnyFile() throws {
        let c = try ConfigCase { j, _ in
            j["outbox"] = smtpOutbox.merging(["passwordEnv": "PD_TEST_NEVER_SET_\(UUID().uuidString.prefix(6))"]) { $1 }
        }
        #expect(PostdeskCommand.main(["check-config", "--config", c.path]) == 2)
        #expect(PostdeskCommand.main(["run", "--once", "--config", c.path]) == 2)
        #expect(!FileManager.default.fileExists(atPath: c.dir.appendingPathComponent("db").path))
        #expect(!FileManager.default.fileExists(atPath: c.dir.appendingPathComponent("Maildir").path))
        #expect(!FileManager.default.fileExists(atPath: c.dir.appendingPathComponent("outbox").path))
        // An unknown key alone is enough to refuse (a typo in a security setting must not pass).
        let typo = try ConfigCase { j, _ in nested(&j, "staff") { $0["requireAuthentication"] = "mx.example.test" } }
        #expect(PostdeskCommand.main(["check-config", "--config", typo.path]) == 2)
        #expect(PostdeskCommand.main(["run", "--once", "--config", typo.path]) == 2)
        #expect(!FileManager.default.fileExists(atPath: typo.dir.appendingPathComponent("db").path))
    }

    @Test func shippedAndExampleConfigsAreValid() throws {
        let shipped = Sandbox.repo.appendingPathComponent("Config/postdesk.json").path
        #expect(try Configuration.load(path: shipped, environment: [:]).policy.customers.count == 4)
        let env = ["POSTDESK_IMAP_PASSWORD": "x", "POSTDESK_SMTP_PASSWORD": "y", "POSTDESK_M365_CLIENT_SECRET": "z",
                   "POSTDESK_M365_REFRESH_TOKEN": "r", "POSTDESK_GOOGLE_CLIENT_SECRET": "g",
                   "POSTDESK_GOOGLE_REFRESH_TOKEN": "t"]
        let examples = Sandbox.repo.appendingPathComponent("Config/examples")
        let names = try FileManager.default.contentsOfDirectory(atPath: examples.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        #expect(names == ["cyrus-cpanel.json", "dovecot-postfix-host.json", "exchange-onprem.json",
            "google-workspace.json",
                          "hosted-imaps-submission.json", "maildir.json", "microsoft-365-delegated.json",
                          "microsoft-365.json"])
        for name in names {
            let path = examples.appendingPathComponent(name).path
            let result = Result { try Configuration.load(path: path, environment: env) }
            if case .failure(let e as ConfigErrors) = result {
                // The Dovecot/Postfix host's own CA is not on this machine; nothing else may be wrong.
                #expect(name == "dovecot-postfix-host.json" && e.issues.fields == ["mailbox.caFile", "outbox.caFile"],
                        "\(name): \(e)")
            }
        }
    }

    // MARK: time zone, CLI parsing

    /// The configured zone decides the year in a reference (and every local time shown).
    @Test func timeZoneHasOneHome() throws {
        let box = try Sandbox(now: Date()) { $0["timeZone"] = "America/New_York" }
        #expect(box.config.timeZone.identifier == "America/New_York")
        #expect(box.config.policy.plans.values.allSatisfy { $0.calendar.timeZone.identifier == "America/New_York" })
        let newYearsEveInNewYork = Date(timeIntervalSince1970: 1_798_777_800)   // 2027-01-01 04:30 UTC
        #expect(try box.pipeline().referenceYear(newYearsEveInNewYork) == 2026)
        let home = try Sandbox(now: Date())
        #expect(try home.pipeline().referenceYear(newYearsEveInNewYork) == 2027)
        // No other copy of the default zone in the sources than the reader's default and the calendar's constant.
        let sources = Sandbox.repo.appendingPathComponent("Sources")
        var hits: [String] = []
        let files = FileManager.default.enumerator(atPath: sources.path)!
        for case let file as String in files where file.hasSuffix(".swift") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            if text.contains("TimeZone(identifier: \"Europe/Copenhagen\")") { hits.append(file) }
        }
        #expect(hits == ["Desk/BusinessCalendar.swift"])
    }

    @Test func dueAndReportRefuseBadDatesWithExitTwo() throws {
        let config = Sandbox.repo.appendingPathComponent("Config/postdesk.json").path
        for at in ["2026-02-30T10:00:00Z", "2026-03-27T21:00:00+01:00junk", "2026-03-27T21:00:00+25:00",
                   "26-03-27T21:00:00Z", "10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"] {
            #expect(PostdeskCommand.main(["due", "--config", config, "--plan", "extended", "--priority", "P1",
                                          "--at", at]) == 2, "\(at)")
        }
        for month in ["99999999999999-01", "2026-13", "2026-1", "1969-12", "2026-11x"] {
            #expect(PostdeskCommand.main(["report", "--config", config, "--month", month]) == 2, "\(month)")
        }
    }
}

@Suite struct FormalityConfigTests {
    @Test func formalityAndSalutationsAreReadAndChecked() throws {
        let box = try Sandbox(now: Date()) { json in
            var customers = json["customers"] as! [[String: Any]]
            customers[1]["formality"] = "informal"
            customers[1]["salutations"] = ["j.wagner@bergmann.test": "mr"]
            json["customers"] = customers
        }
        let bergmann = try #require(box.config.policy.customers.first { $0.id == "bergmann" })
        #expect(bergmann.formality == .informal)
        #expect(bergmann.salutations["j.wagner@bergmann.test"] == .mr)
        #expect(box.config.policy.timeZone.identifier == box.config.timeZone.identifier)
        #expect(throws: ConfigErrors.self) {
            _ = try Sandbox(now: Date()) { json in
                var customers = json["customers"] as! [[String: Any]]
                customers[0]["formality"] = "casual"
                customers[0]["salutations"] = ["x@nordlys.test": "dr"]
                json["customers"] = customers
            }
        }
    }
}
