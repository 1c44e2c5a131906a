import Foundation
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Store
import Transport

/// A throwaway state folder with the demo config pointed into it, and a clock the test moves.
final class Sandbox {
    static let repo = URL(
        fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let dir: URL
    var now: Date
    var config: Configuration
    let logLines = LogCapture()

    init(now: Date, edit: (inout [String: Any]) -> Void = { _ in }) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdw-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        self.now = now
        let data = try Data(contentsOf: Self.repo.appendingPathComponent("Config/postdesk.json"))
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["database"] = dir.appendingPathComponent("db/postdesk.sqlite").path
        json["mailbox"] = ["kind": "maildir", "path": dir.appendingPathComponent("Maildir").path, "startAt": "all"]
        json["outbox"] = ["kind": "files", "path": dir.appendingPathComponent("outbox").path]
        json["metricsFile"] = dir.appendingPathComponent("postdesk.prom").path
        edit(&json)
        let configPath = dir.appendingPathComponent("postdesk.json")
        try JSONSerialization.data(withJSONObject: json).write(to: configPath)
        config = try Configuration.load(path: configPath.path)
    }

    var configPath: String { dir.appendingPathComponent("postdesk.json").path }
    var maildir: URL { dir.appendingPathComponent("Maildir") }
    var outbox: URL { dir.appendingPathComponent("outbox") }

    /// A fresh pipeline on the same files, as after a restart.
    func pipeline() throws -> Pipeline {
        try Runtime.makePipeline(config, log: Log(level: .debug, write: logLines.append),
            now: { [unowned self] in self.now })
    }

    private var deliveries = 0

    /// Delivers like an MTA: tmp/ then rename into new/.
    func deliver(_ bytes: [UInt8], name: String? = nil) throws {
        deliveries += 1
        for sub in ["new", "cur", "tmp"] { try FileManager.default.createDirectory(
            at: maildir.appendingPathComponent(sub), withIntermediateDirectories: true) }
        let unique = name ?? String(format: "1700000000.M%05dP1.test", deliveries)
        let tmp = maildir.appendingPathComponent("tmp/\(unique)")
        try Data(bytes).write(to: tmp)
        try FileManager.default.moveItem(at: tmp, to: maildir.appendingPathComponent("new/\(unique)"))
    }

    func deliver(fixture: String) throws {
        try deliver([UInt8](Data(contentsOf: Self.repo.appendingPathComponent(fixture))),
                    name: String(format: "1700000000.M%05dP1.%@", deliveries + 1,
                    (fixture as NSString).lastPathComponent))
    }

    func outboxFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: outbox.path)) ?? []).filter { $0.hasSuffix(
            ".eml") }.sorted()
    }

    func outboxTexts() -> [String] {
        outboxFiles().map { String(decoding: (try? Data(contentsOf: outbox.appendingPathComponent($0))) ?? Data(),
            as: UTF8.self) }
    }

    func count(_ sub: String) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: maildir.appendingPathComponent(sub).path)) ?? []).count
    }

    deinit { try? FileManager.default.removeItem(at: dir) }
}

final class LogCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return storage }
    func append(_ line: String) { lock.lock(); storage.append(line); lock.unlock() }
}

/// Local Copenhagen wall-clock time.
func copenhagen(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int = 0) -> Date {
    var c = Calendar(identifier: .gregorian)
    c.timeZone = TimeZone(identifier: "Europe/Copenhagen")!
    return c.date(from: DateComponents(year: y, month: mo, day: d, hour: h, minute: mi))!
}

func headerValue(_ name: String, in text: String) -> String? {
    let head = text.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
    return head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
        .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
}

/// A plain-text mail to support, as a customer or a staff member writes it.
func plainMail(from: String, subject: String, id: String, body: String, inReplyTo: String? = nil,
               at date: String = "Mon, 16 Nov 2026 10:00:00 +0100") -> [UInt8] {
    var lines = ["From: \(from)", "To: support@example.test", "Subject: \(subject)", "Message-ID: <\(id)>",
                 "Date: \(date)", "Content-Type: text/plain; charset=utf-8"]
    if let inReplyTo { lines += ["In-Reply-To: <\(inReplyTo)>", "References: <\(inReplyTo)>"] }
    return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n").utf8)
}

/// Runs the built `postdesk` binary (stdout as bytes, exit code).
func runPostdesk(_ args: [String]) throws -> (out: Data, code: Int32) {
    let process = Process()
    process.executableURL = Sandbox.repo.appendingPathComponent(".build/debug/postdesk")
    process.arguments = args
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (data, process.terminationStatus)
}
