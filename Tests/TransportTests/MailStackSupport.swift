import Foundation
@testable import Transport

/// The running test stack, described by the variables `Scripts/mailstack up DIR` writes to DIR/env.sh.
/// `MAILSTACK_DIR` alone is enough: the rest is then read from `$MAILSTACK_DIR/env.sh`.
struct MailStack: Sendable {
    var dir: String
    var host: String
    var password: String
    var imapPort: Int
    var imapsPort: Int
    var lmtpPort: Int
    var smtpPort: Int
    var smtpsPort: Int
    var submissionPort: Int
    var cacert: String
    var dovecotConf: String

    static let skipReason = "MAILSTACK_DIR is unset: stack tests skipped. Run `Scripts/mailstack up /tmp/ms-t && . /tmp/ms-t/env.sh` first."

    static let current: MailStack? = {
        var env = ProcessInfo.processInfo.environment
        guard let dir = env["MAILSTACK_DIR"], !dir.isEmpty else { return nil }
        if env["MAILSTACK_IMAP_PORT"] == nil, let text = try? String(contentsOfFile: dir + "/env.sh", encoding: .utf8) {
            for line in text.split(separator: "\n") where line.hasPrefix("export ") {
                let kv = line.dropFirst(7).split(separator: "=", maxSplits: 1)
                guard kv.count == 2 else { continue }
                env[String(kv[0])] = String(kv[1]).trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
            }
        }
        func port(_ k: String, _ d: Int) -> Int { env[k].flatMap(Int.init) ?? d }
        return MailStack(
            dir: dir,
            host: env["MAILSTACK_HOST"] ?? "127.0.0.1",
            password: env["MAILSTACK_PASSWORD"] ?? "secret",
            imapPort: port("MAILSTACK_IMAP_PORT", 1143),
            imapsPort: port("MAILSTACK_IMAPS_PORT", 1993),
            lmtpPort: port("MAILSTACK_LMTP_PORT", 2424),
            smtpPort: port("MAILSTACK_SMTP_PORT", 2525),
            smtpsPort: port("MAILSTACK_SMTPS_PORT", 2465),
            submissionPort: port("MAILSTACK_SUBMISSION_PORT", 2587),
            cacert: env["MAILSTACK_CACERT"] ?? dir + "/ssl/cert.pem",
            dovecotConf: env["MAILSTACK_DOVECOT_CONF"] ?? dir + "/dovecot/dovecot.conf")
    }()

    static var isUp: Bool { current != nil }

    func imapsSettings(_ user: String, mailbox: String = "INBOX") -> IMAPSettings {
        IMAPSettings(url: "imaps://\(host):\(imapsPort)", username: user, password: password,
                     caFile: cacert, mailbox: mailbox)
    }

    func starttlsSettings(_ user: String, mailbox: String = "INBOX") -> IMAPSettings {
        IMAPSettings(url: "imap://\(host):\(imapPort)", username: user, password: password, tls: .starttls,
                     caFile: cacert, mailbox: mailbox)
    }

    func plainSettings(_ user: String, mailbox: String = "INBOX") -> IMAPSettings {
        IMAPSettings(url: "imap://\(host):\(imapPort)", username: user, password: password, tls: TLSMode.none,
                     mailbox: mailbox)
    }

    func submissionSettings(_ user: String = "support@example.test") -> SMTPSettings {
        SMTPSettings(url: "smtp://\(host):\(submissionPort)", username: user, password: password,
                     caFile: cacert, heloName: "postdesk.test")
    }
}

/// A unique token per call (test-local mailbox names, Message-IDs).
func uniqueToken(_ prefix: String = "t") -> String {
    "\(prefix)\(UInt32.random(in: 0...UInt32.max))\(UInt16.random(in: 0...UInt16.max))"
}

/// A small RFC 5322 message with CRLF line ends.
func testMessage(id: String, from: String = "customer1@customer.test", to: String = "support@example.test",
                 subject: String? = nil, bodyBytes: Int = 200) -> [UInt8] {
    var body = ""
    while body.utf8.count < bodyBytes { body += "Line of text for \(id), padding the body.\r\n" }
    let text = "From: <\(from)>\r\nTo: <\(to)>\r\nSubject: \(subject ?? "Test \(id)")\r\n"
        + "Date: Mon, 01 Jan 2024 12:00:00 +0000\r\nMessage-ID: <\(id)@test.example>\r\n\r\n" + body
    return Array(text.utf8)
}

/// Raw IMAP for test setup and inspection, on the same connection class the source uses.
final class TestIMAP {
    let c: IMAPConnection

    init(_ stack: MailStack, user: String) throws {
        let ep = try stack.plainSettings(user).validated()
        c = try IMAPConnection(endpoint: ep, username: user, password: stack.password, caFile: nil,
                               connectTimeout: 5, timeout: 20)
    }

    deinit { c.logout() }

    func create(_ box: String) throws { try c.command("CREATE \(IMAPConnection.quote(box))") }

    func delete(_ box: String) throws { try c.command("DELETE \(IMAPConnection.quote(box))") }

    func append(_ box: String, _ bytes: [UInt8]) throws {
        let tag = c.nextTag()
        try c.sendRaw(Array("\(tag) APPEND \(IMAPConnection.quote(box)) {\(bytes.count)}\r\n".utf8))
        guard let r = try c.readResponse(deadline: Date().addingTimeInterval(10)), r.tag == "+" else {
            throw IMAPError.protocolError("APPEND: no continuation")
        }
        try c.sendRaw(bytes + [13, 10])
        _ = try c.complete(tag: tag, cmd: "APPEND")
    }

    /// UIDs in `box` whose Message-ID header contains `id`.
    func search(_ box: String, messageID id: String) throws -> [UInt64] {
        try c.command("EXAMINE \(IMAPConnection.quote(box))")
        var uids: [UInt64] = []
        try c.command("UID SEARCH HEADER Message-ID \(IMAPConnection.quote(id))") { r in
            guard r.text.hasPrefix("SEARCH") else { return false }
            uids += r.text.dropFirst(6).split(separator: " ").compactMap { UInt64($0) }
            return true
        }
        return uids
    }

    /// Polls `search` until something is found or `timeout` passes.
    func waitFor(_ box: String, messageID id: String, timeout: Double = 10) throws -> [UInt64] {
        let end = Date().addingTimeInterval(timeout)
        while true {
            let u = try search(box, messageID: id)
            if !u.isEmpty || Date() > end { return u }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }

    /// FLAGS of every message in `box`.
    func flags(_ box: String) throws -> [String] {
        try c.command("EXAMINE \(IMAPConnection.quote(box))")
        var out: [String] = []
        try c.command("UID FETCH 1:* (FLAGS)") { r in
            guard r.text.contains("FETCH") else { return false }
            out.append(r.text)
            return true
        }
        return out
    }

    /// MESSAGES and UIDVALIDITY of `box`.
    func status(_ box: String) throws -> (messages: Int, validity: UInt64) {
        var messages = -1
        var validity: UInt64 = 0
        // STATUS of the mailbox this session has selected may show the session's stale view.
        if box != "INBOX" { try c.command("EXAMINE INBOX") { _ in true } }
        try c.command("STATUS \(IMAPConnection.quote(box)) (MESSAGES UIDVALIDITY)") { r in
            guard r.text.hasPrefix("STATUS") else { return false }
            let words = r.text.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ")
                .split(separator: " ")
            for (i, w) in words.enumerated() where i + 1 < words.count {
                if w == "MESSAGES" { messages = Int(words[i + 1]) ?? -1 }
                if w == "UIDVALIDITY" { validity = UInt64(words[i + 1]) ?? 0 }
            }
            return true
        }
        return (messages, validity)
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
func closedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Runs a command; returns its exit status.
@discardableResult
func run(_ args: [String]) -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return -1 }
    p.waitUntilExit()
    return p.terminationStatus
}

/// Collects log lines from a source/sender under test.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
