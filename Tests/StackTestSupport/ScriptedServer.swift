import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A scripted IMAP or SMTP server on 127.0.0.1 (`Tests/Lab/scripted_server.py`) for answers Dovecot and Postfix
/// never give. Started per test with a scenario, stopped by its PID; `commands` is what it received.
public final class ScriptedServer {
    public let port: Int
    private let pid: pid_t
    private let scenarioPath: String
    private var stopped = false

    public static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") }

    /// `kind`: "imap" or "smtp"; `scenario`: the keys the script's docstring lists.
    public init(_ kind: String, scenario: [String: Any]) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Lab/scripted_server.py").path
        scenarioPath = NSTemporaryDirectory() + "lab-\(UUID().uuidString).json"
        try JSONSerialization.data(withJSONObject: scenario).write(to: URL(fileURLWithPath: scenarioPath))
        let child = try spawnDetached(["/usr/bin/python3", script, kind, scenarioPath])
        pid = child
        let end = Date().addingTimeInterval(10)
        var found: Int?
        while found == nil && Date() < end {
            found = (try? String(contentsOfFile: scenarioPath + ".port", encoding: .utf8)).flatMap {
                Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if found == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else {
            kill(child, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(child, &status, 0)
            throw LabError("the scripted server wrote no port within 10 s")
        }
        port = found
    }

    /// The command lines received so far (AUTHENTICATE/AUTH data elided by the script).
    public var commands: [String] {
        ((try? String(contentsOfFile: scenarioPath + ".log",
            encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// SIGTERM to the server's PID, then reap it.
    public func stop() {
        guard !stopped else { return }
        stopped = true
        kill(pid, SIGTERM)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        for suffix in ["", ".log", ".port"] { try? FileManager.default.removeItem(atPath: scenarioPath + suffix) }
    }

    deinit { stop() }
}
