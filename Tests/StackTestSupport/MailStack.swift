import Foundation

// Shared by the test targets that need the mail stack of `Scripts/mailstack` (TransportTests, IntegrationTests).
// A regular target, not a test target: test targets cannot depend on each other.

/// The running mail stack, from the variables `Scripts/mailstack up DIR` writes to DIR/env.sh.
/// `MAILSTACK_DIR` alone is enough: the rest is then read from `$MAILSTACK_DIR/env.sh`.
public struct MailStack: Sendable {
    public var dir: String
    public var host: String
    public var password: String
    public var users: [String]
    public var imapPort: Int
    public var imapsPort: Int
    public var lmtpPort: Int
    public var smtpPort: Int
    public var smtpsPort: Int
    public var submissionPort: Int
    public var cacert: String
    public var dovecotConf: String

    public static let skipReason = "MAILSTACK_DIR is unset: tests against Dovecot/Postfix skipped. Start a stack with "
        + "`S=$(mktemp -d /tmp/ms-XXXXXX); Scripts/mailstack up $S; . $S/env.sh` (or run Scripts/test)."

    public static let current: MailStack? = from(ProcessInfo.processInfo.environment)

    public static var isUp: Bool { current != nil }

    /// The stack `env` describes; variables missing from `env` are read from `$MAILSTACK_DIR/env.sh`.
    public static func from(_ environment: [String: String]) -> MailStack? {
        var env = environment
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
            users: (env["MAILSTACK_USERS"] ?? "").split(separator: " ").map(String.init),
            imapPort: port("MAILSTACK_IMAP_PORT", 1143),
            imapsPort: port("MAILSTACK_IMAPS_PORT", 1993),
            lmtpPort: port("MAILSTACK_LMTP_PORT", 2424),
            smtpPort: port("MAILSTACK_SMTP_PORT", 2525),
            smtpsPort: port("MAILSTACK_SMTPS_PORT", 2465),
            submissionPort: port("MAILSTACK_SUBMISSION_PORT", 2587),
            cacert: env["MAILSTACK_CACERT"] ?? dir + "/ssl/cert.pem",
            dovecotConf: env["MAILSTACK_DOVECOT_CONF"] ?? dir + "/dovecot/dovecot.conf")
    }

    /// The Maildir folder of `user`'s IMAP folder `box` (Maildir++ layout: "IT/x" → ".IT.x").
    public func maildir(_ user: String, _ box: String) -> String {
        let parts = user.split(separator: "@")
        return "\(dir)/mail/\(parts[1])/\(parts[0])/Maildir/." + box.replacingOccurrences(of: "/", with: ".")
    }
}

/// The package's root folder (Config/, Scripts/, .build/ …).
public let packageRoot = URL(
    fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A unique token, safe in IMAP SEARCH, folder names and Message-IDs: `prefix` and a random base-36 number.
public func stackToken(_ prefix: String = "") -> String { prefix + String(UInt64.random(in: 0...UInt64.max),
    radix: 36) }

/// Polls `condition` every `every` s until it holds or `timeout` passes; returns whether it held.
@discardableResult
public func waitUntil(_ timeout: Double, every: Double = 0.5, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = Date().addingTimeInterval(timeout)
    while Date() < end {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: every)
    }
    return try condition()
}

/// Runs a command (looked up in PATH) to completion with `input` on stdin; returns its status and its
/// stdout and stderr together.
@discardableResult
public func shell(_ args: [String], input: String = "") throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    let inPipe = Pipe(), outPipe = Pipe()
    p.standardInput = inPipe
    p.standardOutput = outPipe
    p.standardError = outPipe
    try p.run()
    inPipe.fileHandleForWriting.write(Data(input.utf8))
    try inPipe.fileHandleForWriting.close()
    let data = outPipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
