import Foundation
import StackTestSupport
import Testing

/// `relRunDaemonStarter`, which the outage test uses to start Dovecot and Postfix again. With Foundation's
/// `Process` the test hung for good: `waitUntilExit()` waited for a socket the daemon had inherited, and the
/// daemon inherited the test thread's blocked signals (it ignored SIGTERM). No mail stack needed.
@Suite struct DaemonStarterTests {
    @Test func aDaemonLeftBehindNeitherHoldsTheStarterNorInheritsOurDescriptorsOrBlockedSignals() throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pd-daemon-\(stackToken()).pid").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let start = Date()
        // Like `dovecot` or `postfix start`: leaves a process behind and exits at once.
        let status = try relRunDaemonStarter(["/bin/sh", "-c", "sleep 30 & echo $! > '\(pidFile)'"], timeout: 20)
        #expect(status == 0)
        #expect(Date().timeIntervalSince(start) < 10, "the starter was held by the process it left behind")
        let daemon = try #require(pid_t((try String(contentsOfFile: pidFile, encoding: .utf8)).trimmingCharacters(
            in: .whitespacesAndNewlines)))
        defer { kill(daemon, SIGKILL) }
        let fds = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon)/fd").compactMap(
            Int.init).sorted()
        #expect(fds == [0, 1, 2], "descriptors of the test process leaked into the daemon: \(fds)")
        let procStatus = try String(contentsOfFile: "/proc/\(daemon)/status", encoding: .utf8)
        let blocked = procStatus.split(separator: "\n").first { $0.hasPrefix("SigBlk:") }?.split(
            separator: "\t").last.map(String.init)
        #expect(blocked.flatMap { UInt64($0, radix: 16) } == 0,
            "the daemon starts with blocked signals: \(blocked ?? "?")")
        #expect(kill(daemon, SIGTERM) == 0)
        let end = Date().addingTimeInterval(5)
        while kill(daemon, 0) == 0, Date() < end {
            // A zombie until its new parent reaps it: gone enough.
            if (try? String(contentsOfFile: "/proc/\(daemon)/stat", encoding: .utf8))?.contains(
                ") Z ") == true { break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        let state = (try? String(contentsOfFile: "/proc/\(daemon)/stat", encoding: .utf8)) ?? ""
        #expect(state.isEmpty || state.contains(") Z "), "the daemon did not stop on SIGTERM")
    }
}
