import Foundation
@testable import Transport
@testable import Store

// Helpers for the Reliability* stack tests (issue 6). Every type is prefixed `Rel` so that other
// files of this target can have their own stack helpers.

/// The running mail stack, from the variables `Scripts/mailstack up DIR` writes to DIR/env.sh.
struct RelStack: Sendable {
    var dir: String
    var password: String
    var imapPort: Int
    var submissionPort: Int
    var cacert: String
    var users: [String]

    static let skip = "MAILSTACK_DIR is unset: stack tests skipped (Scripts/mailstack up DIR; . DIR/env.sh)"

    static let current: RelStack? = {
        var env = ProcessInfo.processInfo.environment
        guard let dir = env["MAILSTACK_DIR"], !dir.isEmpty else { return nil }
        if env["MAILSTACK_IMAP_PORT"] == nil, let text = try? String(contentsOfFile: dir + "/env.sh", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("export ") {
                let kv = line.dropFirst(7).split(separator: "=", maxSplits: 1)
                if kv.count == 2 { env[String(kv[0])] = String(kv[1]).trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
            }
        }
        return RelStack(dir: dir, password: env["MAILSTACK_PASSWORD"] ?? "secret",
                        imapPort: env["MAILSTACK_IMAP_PORT"].flatMap(Int.init) ?? 1143,
                        submissionPort: env["MAILSTACK_SUBMISSION_PORT"].flatMap(Int.init) ?? 2587,
                        cacert: env["MAILSTACK_CACERT"] ?? dir + "/ssl/cert.pem",
                        users: (env["MAILSTACK_USERS"] ?? "").split(separator: " ").map(String.init))
    }()

    static var isUp: Bool { current != nil }

    /// The postdesk binary the tests run as a separate process (so it can be SIGKILLed).
    static var binary: String? {
        if let b = ProcessInfo.processInfo.environment["RELIABILITY_POSTDESK"], !b.isEmpty { return b }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = repo.appendingPathComponent(".build/debug/postdesk").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    static var repo: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
}

func relEnvInt(_ name: String, _ fallback: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap(Int.init) ?? fallback
}

func relToken() -> String { String(UInt64.random(in: 0...UInt64.max), radix: 36) }

/// Raw IMAP for setup and inspection (plain IMAP on loopback).
final class RelIMAP {
    let c: IMAPConnection

    init(_ stack: RelStack, user: String) throws {
        let ep = try MailEndpoint.parse("imap://127.0.0.1:\(stack.imapPort)", tls: TLSMode.none, plainScheme: "imap", tlsScheme: "imaps",
                                        plainPort: 143, tlsPort: 993, what: "IMAP")
        c = try IMAPConnection(endpoint: ep, username: user, password: stack.password, caFile: nil, connectTimeout: 5, timeout: 60)
    }

    deinit { c.logout() }

    func create(_ box: String) throws { try c.command("CREATE \(IMAPConnection.quote(box))") }

    func append(_ box: String, _ bytes: [UInt8]) throws {
        let tag = c.nextTag()
        try c.sendRaw(Array("\(tag) APPEND \(IMAPConnection.quote(box)) {\(bytes.count)}\r\n".utf8))
        guard let r = try c.readResponse(deadline: Date().addingTimeInterval(20)), r.tag == "+" else {
            throw IMAPError.protocolError("APPEND: no continuation")
        }
        try c.sendRaw(bytes + [13, 10])
        _ = try c.complete(tag: tag, cmd: "APPEND")
    }

    /// MESSAGES, UIDNEXT and UIDVALIDITY of `box` (-1/0 when it does not exist).
    func status(_ box: String) throws -> (messages: Int, uidNext: UInt64, validity: UInt64) {
        var out: (Int, UInt64, UInt64) = (-1, 0, 0)
        try c.command("EXAMINE \(IMAPConnection.quote("INBOX"))") { _ in true }
        do {
            try c.command("STATUS \(IMAPConnection.quote(box)) (MESSAGES UIDNEXT UIDVALIDITY)") { r in
                guard r.text.hasPrefix("STATUS") else { return false }
                let w = r.text.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ").split(separator: " ")
                for (i, k) in w.enumerated() where i + 1 < w.count {
                    if k == "MESSAGES" { out.0 = Int(w[i + 1]) ?? -1 }
                    if k == "UIDNEXT" { out.1 = UInt64(w[i + 1]) ?? 0 }
                    if k == "UIDVALIDITY" { out.2 = UInt64(w[i + 1]) ?? 0 }
                }
                return true
            }
        } catch IMAPError.commandFailed { return (-1, 0, 0) }
        return out
    }

    struct Head: Sendable {
        var uid: UInt64
        var messageID: String
        var inReplyTo: String
        var subject: String
        var autoSubmitted: String
    }

    /// Message-ID, In-Reply-To, Subject and Auto-Submitted of every mail in `box` (empty when it does not exist).
    func heads(_ box: String) throws -> [Head] {
        do { try c.command("EXAMINE \(IMAPConnection.quote(box))") } catch IMAPError.commandFailed { return [] }
        if c.exists == 0 { return [] }
        var out: [Head] = []
        try c.command("UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID IN-REPLY-TO SUBJECT AUTO-SUBMITTED)])") { r in
            guard let lit = r.literals.last, let uid = IMAPConnection.fetchUID(r.text) else { return false }
            let text = String(decoding: lit, as: UTF8.self).replacingOccurrences(of: "\r\n ", with: " ").replacingOccurrences(of: "\r\n\t", with: " ")
            func field(_ name: String) -> String {
                for line in text.components(separatedBy: "\r\n") where line.lowercased().hasPrefix(name.lowercased() + ":") {
                    return String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
                }
                return ""
            }
            out.append(Head(uid: uid, messageID: Self.bare(field("Message-ID")), inReplyTo: Self.bare(field("In-Reply-To")),
                            subject: field("Subject"), autoSubmitted: field("Auto-Submitted")))
            return true
        }
        return out
    }

    static func bare(_ id: String) -> String {
        id.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
    }
}

/// One worker configuration on the stack, and the `postdesk run` processes started from it.
final class RelWorker: @unchecked Sendable {
    let stack: RelStack
    let dir: URL
    let box: String
    let processed: String
    let quarantine: String
    let logURL: URL
    var env: [String: String]
    private(set) var process: Process?
    private(set) var starts = 0

    /// `box` INBOX uses the standard Postdesk folders; any other box gets its own processed/quarantine folders.
    init(stack: RelStack, box: String, edit: (inout [String: Any]) -> Void = { _ in }) throws {
        self.stack = stack
        self.box = box
        processed = box == "INBOX" ? "Postdesk/Processed" : box + "-Processed"
        quarantine = box == "INBOX" ? "Postdesk/Quarantine" : box + "-Quarantine"
        dir = URL(fileURLWithPath: "/tmp/pdrel-\(relToken())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        logURL = dir.appendingPathComponent("worker.log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        env = ProcessInfo.processInfo.environment
        env["PD_REL_IMAP_PASSWORD"] = stack.password
        env["PD_REL_SMTP_PASSWORD"] = stack.password
        try writeConfig(edit)
    }

    var configPath: String { dir.appendingPathComponent("postdesk.json").path }
    var databasePath: String { dir.appendingPathComponent("db/postdesk.sqlite").path }

    func writeConfig(_ edit: (inout [String: Any]) -> Void) throws {
        let data = try Data(contentsOf: RelStack.repo.appendingPathComponent("Config/postdesk.json"))
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["database"] = databasePath
        json["metricsFile"] = dir.appendingPathComponent("postdesk.prom").path
        json["mailbox"] = ["kind": "imap", "url": "imap://127.0.0.1:\(stack.imapPort)", "username": "support@example.test",
                           "passwordEnv": "PD_REL_IMAP_PASSWORD", "tls": "starttls", "caFile": stack.cacert,
                           "mailbox": box, "processedFolder": processed, "quarantineFolder": quarantine]
        json["outbox"] = ["kind": "smtp", "url": "smtp://127.0.0.1:\(stack.submissionPort)", "username": "support@example.test",
                          "passwordEnv": "PD_REL_SMTP_PASSWORD", "tls": "starttls", "caFile": stack.cacert, "heloName": "postdesk.test"]
        json["pollSeconds"] = 0.5
        json["log"] = ["format": "logfmt", "level": "debug"]
        // customer1 administers customer.test, customer2 is one of its users; other.test is a second customer.
        json["customers"] = [
            ["id": "cust", "name": "Customer A/S", "plan": "standard", "language": "en", "csm": "csm@example.test",
             "domains": ["customer.test"], "administrators": ["customer1@customer.test"]],
            ["id": "other", "name": "Other Corp", "plan": "extended", "language": "en",
             "domains": ["other.test"], "administrators": ["stranger@other.test"]],
        ]
        json["staff"] = ["addresses": ["agent1@example.test"], "domains": [], "notify": ["agent1@example.test"], "teamLead": "lead@example.test"]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json, options: [.prettyPrinted]).write(to: URL(fileURLWithPath: configPath))
    }

    /// Starts `postdesk run` (stdout and stderr appended to the log).
    func start(extraArgs: [String] = []) throws {
        guard let bin = RelStack.binary else { throw TransportError("no postdesk binary (swift build first)") }
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
             body: String = "Hello,\r\n\r\nOur printer on the second floor stopped working this morning. Three users are affected.\r\n\r\nBest regards\r\n") -> [UInt8] {
    var lines = headers + ["From: \(from)", "To: Support <support@example.test>", "Subject: \(subject)", "Message-ID: <\(id)>",
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

/// Polls `condition` every 0.5 s until it holds or `timeout` passes; returns whether it held.
@discardableResult
func relWait(_ timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.5)
    }
    return try condition()
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
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
    // glibc ignores EBADF here, so a descriptor closed meanwhile does no harm.
    let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }.filter { $0 > 2 }
    for fd in open { posix_spawn_file_actions_addclose(&actions, fd) }
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var none = sigset_t(), all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attr, &none)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setpgroup(&attr, 0)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, args[0], &actions, &attr, &argv, environ)
    guard rc == 0 else { throw TransportError("cannot start \(args[0]): \(String(cString: strerror(rc)))") }
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
