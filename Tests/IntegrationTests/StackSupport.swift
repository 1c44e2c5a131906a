import Foundation
import StackTestSupport
import Testing
@testable import Store
@testable import Transport
@testable import CLI
@testable import Configuration
@testable import Pipeline
#if canImport(Glibc)
import Glibc
#endif

enum ITError: Error, CustomStringConvertible {
    case failed(String)
    var description: String { if case .failed(let s) = self { return s }; return "" }
}

/// The postdesk binary the tests run as a separate process: `$RELIABILITY_POSTDESK` (Scripts/outage-test and
/// crash-test: the release build), else the one next to the test bundle, else `.build/debug/postdesk`.
let postdeskBinaryPath: String? = {
    if let b = ProcessInfo.processInfo.environment["RELIABILITY_POSTDESK"], !b.isEmpty { return b }
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(
            "postdesk").path,
        packageRoot.appendingPathComponent(".build/debug/postdesk").path,
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
}()

func postdeskBinary() throws -> String {
    guard let path = postdeskBinaryPath else { throw ITError.failed("no postdesk binary; run `swift build` first") }
    return path
}

/// A child process with stdout/stderr in files (no pipe can fill up).
final class Child {
    let process = Process()
    let out: URL
    let err: URL

    init(_ executable: String, _ args: [String], dir: URL, name: String, env extra: [String: String] = [:]) throws {
        out = dir.appendingPathComponent("\(name).out")
        err = dir.appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { _, b in b }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
    }

    var stdout: String { (try? String(contentsOf: out, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

    /// Waits for exit; SIGKILL and throws after `timeout`.
    @discardableResult
    func wait(timeout: Double) throws -> Int32 {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > end {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw ITError.failed(
                    "\(process.executableURL!.lastPathComponent) \(process.arguments ?? []) did not exit " +
                        "within \(timeout) s; stderr:\n\(stderr)")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return process.terminationStatus
    }

    func signal(_ signo: Int32) { kill(process.processIdentifier, signo) }
}

/// One test's desk: a fresh state folder, a config pointing at the stack, and support@ folders of its own.
///
/// The support INBOX is shared (other tests and suites deliver into it), so the worker never reads it here:
/// each desk reads `IT/<token>`, and `route` moves the mails whose subject carries the token from
/// support@'s INBOX into that folder — what a delivery rule would do. Processed/quarantine folders are per test too.
final class Desk {
    static let passwordVariable = "POSTDESK_IT_PASSWORD"

    let stack: MailStack
    let token: String
    let dir: URL
    let folder: String
    var processedFolder: String { folder + "-done" }
    var quarantineFolder: String { folder + "-q" }
    private(set) var json: [String: Any] = [:]
    let support: StackIMAP

    /// `edit` changes the generated config before it is written.
    init(_ stack: MailStack, target: String = "12h", warnAt: Double = 0.75,
        edit: (inout [String: Any]) -> Void = { _ in }) throws {
        self.stack = stack
        token = stackToken("it")
        folder = "IT/\(token)"
        dir = URL(fileURLWithPath: "/tmp").appendingPathComponent("pdit-\(token)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        setenv(Desk.passwordVariable, stack.password, 1)
        support = try StackIMAP(stack, user: "support@example.test")
        try support.create(folder)
        let allDay: [String: Any] = [
            "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "opens": "00:00", "closes": "24:00",
            "targets": ["P1": target, "P2": target, "P3": target, "P4": target, "P5": target], "warnAt": warnAt,
        ]
        json = [
            "support": ["address": "Example IT Support <support@example.test>"],
            "referencePrefix": "PD",
            "timeZone": "Europe/Copenhagen",
            "database": dir.appendingPathComponent("db/postdesk.sqlite").path,
            "mailbox": [
                "kind": "imap", "url": "imap://\(stack.host):\(stack.imapPort)", "tls": "starttls",
                "caFile": stack.cacert,
                "username": "support@example.test", "passwordEnv": Desk.passwordVariable,
                "mailbox": folder, "processedFolder": processedFolder, "quarantineFolder": quarantineFolder,
                "startAt": "all",   // some tests deliver before the first start
            ],
            "outbox": [
                "kind": "smtp", "url": "smtp://\(stack.host):\(stack.submissionPort)", "tls": "starttls",
                "caFile": stack.cacert,
                "username": "support@example.test", "passwordEnv": Desk.passwordVariable, "heloName": "postdesk.test",
            ],
            "pollSeconds": 2,  // not 1: Configuration reads a JSON 1 as a Bool (NSNumber bridging) and rejects it
            "log": ["format": "logfmt", "level": "info"],
            "plans": ["allday": allDay],
            "holidays": ["grundlovsdag": false, "juleaftensdag": false, "nytaarsaftensdag": false,
            "extraClosures": [String]()],
            "customers": [[
                "id": "customer.test", "name": "Customer Test A/S", "plan": "allday", "language": "en",
                "csm": "Clara CSM <csm@example.test>",
                "domains": ["customer.test"], "administrators": ["customer1@customer.test", "customer2@customer.test"],
            ]],
            "staff": [
                "addresses": ["agent1@example.test"], "domains": [String](),
                "notify": ["Agent One <agent1@example.test>"], "teamLead": "Lena Lead <lead@example.test>",
            ],
            "unknownSenders": "reply",
            "defaultPlan": "allday",
            "defaultPriority": "P3",
        ]
        edit(&json)
        try writeConfig()
    }

    deinit {
        for box in [folder, processedFolder, quarantineFolder] { try? support.delete(box) }
        if ProcessInfo.processInfo.environment["POSTDESK_IT_KEEP"] == nil { try? FileManager.default.removeItem(
            at: dir) }
    }

    var configPath: String { dir.appendingPathComponent("postdesk.json").path }

    func edit(_ change: (inout [String: Any]) -> Void) throws {
        change(&json)
        try writeConfig()
    }

    private func writeConfig() throws {
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted, .sortedKeys]).write(
            to: URL(fileURLWithPath: configPath))
    }

    func store() throws -> PostdeskStore {
        try PostdeskStore(path: dir.appendingPathComponent("db/postdesk.sqlite").path)
    }

    /// A customer mail over plain SMTP to Postfix's port 25 stand-in (127.0.0.1:2525), as an outside MTA would.
    /// The subject carries the token. Returns the Message-ID (without brackets).
    @discardableResult
    func sendCustomerMail(from: String = "customer1@customer.test", name: String = "Customer One", subject: String,
        body: String) throws -> String {
        let id = "\(stackToken("it")).\(token)@customer.test"
        let date = DateFormatter()
        date.locale = Locale(identifier: "en_US_POSIX")
        date.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let text = "From: \(name) <\(from)>\r\nTo: Example IT Support " +
            "<support@example.test>\r\nSubject: \(subject) \(token)\r\n"
            + "Date: \(date.string(from: Date()))\r\nMessage-ID: <\(id)>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\(body)\r\n"
        let sender = try SMTPSender(settings: SMTPSettings(
            url: "smtp://\(stack.host):\(stack.smtpPort)", tls: TLSMode.none,
                                                           heloName: "customer.test"), log: { _ in })
        try sender.send(Array(text.utf8), envelopeFrom: from, recipients: ["support@example.test"], messageID: id)
        return id
    }

    /// Moves mail carrying the token from support@'s INBOX into this desk's folder until `count` have arrived.
    func route(count: Int, timeout: Double = 30) throws {
        let end = Date().addingTimeInterval(timeout)
        var moved = 0
        while moved < count {
            let uids = try support.search("INBOX", "SUBJECT \(StackIMAP.q(token))")
            if !uids.isEmpty {
                try support.move("INBOX", uids: uids, to: folder)
                moved += uids.count
                continue
            }
            if Date() > end { throw ITError.failed(
                "only \(moved) of \(count) mail(s) with \(token) reached support@'s INBOX within \(timeout) s") }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }

    /// `postdesk run --once` (the real binary); returns the exit status and stderr.
    func runOnce(config: String? = nil, timeout: Double = 120, extra: [String] = []) throws -> (status: Int32,
        log: String) {
        let child = try Child(try postdeskBinary(), ["run", "--once", "--config", config ?? configPath] + extra,
            dir: dir,
                              name: "run-once-\(UInt32.random(in: 0...UInt32.max))",
                              env: [Desk.passwordVariable: stack.password])
        let status = try child.wait(timeout: timeout)
        return (status, child.stderr)
    }

    /// `postdesk run` in the background (the service loop).
    func startWorker(config: String? = nil) throws -> Child {
        try Child(try postdeskBinary(), ["run", "--config", config ?? configPath], dir: dir, name: "worker",
                  env: [Desk.passwordVariable: stack.password])
    }

    /// A real mail client: s-nail in batch mode as `user`, replying (reply-all) to message 1 of `box`
    /// in that user's mailbox over IMAP STARTTLS, sending through submission (STARTTLS + AUTH).
    /// s-nail checks DNS names only in the certificate, hence `localhost`.
    /// `options`: more `-S` settings (`quote`, `indentprefix=> ` for a reply under the quoted mail).
    func snailReply(as user: String, fullName: String, box: String, text: String, options: [String] = []) throws {
        let u = user.replacingOccurrences(of: "@", with: "%40")
        let script = "reply 1\n\(text)\n~.\nquit\n"
        let (status, output) = try shell([
            "s-nail", "-#", "-:/", "-S", "v15-compat", "-S", "expandaddr",
            "-S", "from=\(fullName) <\(user)>", "-S", "hostname=\(user.split(separator: "@")[1])",
            "-S", "tls-ca-file=\(stack.cacert)", "-S", "tls-ca-no-defaults", "-S", "imap-use-starttls",
            "-S", "mta=smtp://\(u):\(stack.password)@localhost:\(stack.submissionPort)", "-S", "smtp-use-starttls",
            "-S", "smtp-auth=plain",
            "-S", "sendwait",
        ] + options.flatMap { ["-S", $0] } + [
            "-f", "imap://\(u):\(stack.password)@localhost:\(stack.imapPort)/\(box)",
        ], input: script)
        guard status == 0 else { throw ITError.failed("s-nail as \(user) exited \(status): \(output)") }
    }
}
