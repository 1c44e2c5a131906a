import Foundation
import StackTestSupport
@testable import Transport
@testable import Store

// Helpers for the Reliability* stack tests (issue 6). The stack itself (`MailStack`), the IMAP client
// (`StackIMAP`) and `waitUntil` are in StackTestSupport; the postdesk binary is found in StackSupport.swift.

func relEnvInt(_ name: String, _ fallback: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
}

/// One worker configuration on the stack, and the `postdesk run` processes started from it.
final class RelWorker: @unchecked Sendable {
    let stack: MailStack
    let dir: URL
    let box: String
    let processed: String
    let quarantine: String
    let logURL: URL
    var env: [String: String]
    private(set) var process: Process?
    private(set) var starts = 0

    /// `box` INBOX uses the standard Postdesk folders; any other box gets its own processed/quarantine folders.
    init(stack: MailStack, box: String, edit: (inout [String: Any]) -> Void = { _ in }) throws {
        self.stack = stack
        self.box = box
        processed = box == "INBOX" ? "Postdesk/Processed" : box + "-Processed"
        quarantine = box == "INBOX" ? "Postdesk/Quarantine" : box + "-Quarantine"
        dir = URL(fileURLWithPath: "/tmp/pdrel-\(stackToken())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        logURL = dir.appendingPathComponent("worker.log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        env = ProcessInfo.processInfo.environment
        env["PD_REL_IMAP_PASSWORD"] = stack.password
        env["PD_REL_SMTP_PASSWORD"] = stack.password
        try writeConfig(edit)
    }

    var configPath: String { dir.appendingPathComponent("postdesk.json").path }
    var databasePath: String { dir.appendingPathComponent("db/postdesk.sqlite").path }

    func writeConfig(_ edit: (inout [String: Any]) -> Void) throws {
        let data = try Data(contentsOf: packageRoot.appendingPathComponent("Config/postdesk.json"))
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["database"] = databasePath
        json["metricsFile"] = dir.appendingPathComponent("postdesk.prom").path
        json["mailbox"] = ["kind": "imap", "url": "imap://127.0.0.1:\(stack.imapPort)",
            "username": "support@example.test",
                           "passwordEnv": "PD_REL_IMAP_PASSWORD", "tls": "starttls", "caFile": stack.cacert,
                           "mailbox": box, "processedFolder": processed, "quarantineFolder": quarantine,
                           "startAt": "all"]   // mail is delivered before the first start
        json["outbox"] = ["kind": "smtp", "url": "smtp://127.0.0.1:\(stack.submissionPort)",
            "username": "support@example.test",
                          "passwordEnv": "PD_REL_SMTP_PASSWORD", "tls": "starttls", "caFile": stack.cacert,
                          "heloName": "postdesk.test"]
        json["pollSeconds"] = 0.5
        json["log"] = ["format": "logfmt", "level": "debug"]
        // customer1 administers customer.test, customer2 is one of its users; other.test is a second customer.
        json["customers"] = [
            ["id": "cust", "name": "Customer A/S", "plan": "standard", "language": "en", "csm": "csm@example.test",
             "domains": ["customer.test"], "administrators": ["customer1@customer.test"]],
            ["id": "other", "name": "Other Corp", "plan": "extended", "language": "en",
             "domains": ["other.test"], "administrators": ["stranger@other.test"]],
        ]
        json["staff"] = ["addresses": ["agent1@example.test"], "domains": [], "notify": ["agent1@example.test"],
            "teamLead": "lead@example.test"]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted]).write(
            to: URL(fileURLWithPath: configPath))
    }

    /// Starts `postdesk run` (stdout and stderr appended to the log).
    func start(extraArgs: [String] = []) throws {
        guard let bin = postdeskBinaryPath else { throw TransportError("no postdesk binary (swift build first)") }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: bin)
        p.arguments = ["run", "--config", configPath] + extraArgs
        p.environment = env
        let handle = try FileHandle(forWritingTo: logURL)
        handle.seekToEndOfFile()
        p.standardOutput = handle
        p.standardError = handle
        try p.run()
        process = p
        starts += 1
    }

    /// SIGKILL: no chance to finish anything.
    func kill9() {
        guard let p = process, p.isRunning else { return }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        process = nil
    }

    /// SIGTERM and wait; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        guard let p = process else { return -1 }
        if p.isRunning { kill(p.processIdentifier, SIGTERM) }
        p.waitUntilExit()
        process = nil
        return p.terminationStatus
    }

    var isRunning: Bool { process?.isRunning == true }

    func log() -> String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func store() throws -> PostdeskStore { try PostdeskStore(path: databasePath) }

    func cleanup() {
        stop()
        try? FileManager.default.removeItem(at: dir)
    }
}

/// A realistic customer mail (CRLF).
func relMail(id: String, from: String, subject: String, inReplyTo: String? = nil, headers: [String] = [],
             body: String = "Hello,\r\n\r\nOur printer on the second floor stopped working this morning. Three users " +
                 "are affected.\r\n\r\nBest regards\r\n") -> [UInt8] {
    var lines = headers + ["From: \(from)", "To: Support <support@example.test>", "Subject: \(subject)",
        "Message-ID: <\(id)>",
                           "Date: \(relDate())", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    if let inReplyTo { lines += ["In-Reply-To: <\(inReplyTo)>", "References: <\(inReplyTo)>"] }
    return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body).utf8)
}

func relDate() -> String {
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
    return f.string(from: Date())
}

/// Prints a figure line to stdout (the scripts grep for `RELIABILITY`).
func relReport(_ line: String) {
    FileHandle.standardOutput.write(Data("RELIABILITY \(line)\n".utf8))
}

/// Runs a command that starts a daemon (`dovecot -c …`, `postfix … start`) and waits up to `timeout` s for the
/// command itself to exit; returns its exit status. The daemon it leaves behind gets nothing of this process.
///
/// Not Foundation's `Process`, for two reasons (swift-corelibs-foundation on Linux):
/// - `Process` learns that a child exited from EOF on a socket the child inherits; a daemon that the child
///   forks keeps that socket open, so `waitUntilExit()` never returns (the test hung with a `[dovecot] <defunct>`
///   zombie while the restarted Dovecot held the socket).
/// - the child inherits the signal mask of the spawning thread, and libdispatch's threads block nearly every
///   signal: the restarted Dovecot ignored SIGTERM (it had to be SIGKILLed) and had SIGCHLD blocked as well.
/// So: posix_spawn with an empty signal mask, default dispositions (SIGPIPE is ignored in this process),
/// its own process group, /dev/null on 0–2 and every other descriptor closed.
func relRunDaemonStarter(_ args: [String], timeout: Double = 60) throws -> Int32 {
    let pid = try spawnDetached(args)
    var status: Int32 = 0
    let end = Date().addingTimeInterval(timeout)
    while true {
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { break }
        if r < 0 && errno != EINTR { throw TransportError("waitpid \(args[0]): \(String(cString: strerror(errno)))") }
        if Date() >= end {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
            throw TransportError("\(args.joined(separator: " ")) did not exit within \(Int(timeout)) s")
        }
        Thread.sleep(forTimeInterval: 0.05)
    }
    // WIFEXITED / WEXITSTATUS, which Swift does not import.
    return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}
