import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a site's token helper (`/bin/sh -c COMMAND`) and takes the first line of its standard output as the
/// access token. The helper's stderr passes through; it is killed (by its PID) when it outlives `timeout`.
enum TokenCommand {
    static func run(_ command: String, timeout: Double) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        let out = Pipe()
        p.standardOutput = out
        p.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        do { try p.run() } catch {
            throw OAuth2Error.unavailable("tokenCommand could not start: \(error)")
        }
        // Read while it runs: a helper writing more than a pipe holds would otherwise never exit.
        let reader = DispatchQueue(label: "postdesk.tokenCommand")
        nonisolated(unsafe) var data = Data()
        let read = DispatchSemaphore(value: 0)
        let fd = out.fileHandleForReading.fileDescriptor
        reader.async {
            // A plain read loop: FileHandle.readDataToEndOfFile traps on EINTR (SIGCHLD).
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = Glibc.read(fd, &chunk, chunk.count)
                if n > 0 { data.append(contentsOf: chunk[0..<n]); continue }
                if n < 0 && errno == EINTR { continue }
                break
            }
            read.signal()
        }
        if done.wait(timeout: .now() + timeout) == .timedOut {
            // The shell, and its process group when it leads one; a grandchild that keeps the pipe open is not
            // waited for.
            kill(p.processIdentifier, SIGKILL)
            kill(-p.processIdentifier, SIGKILL)
            done.wait()
            let limit = String(format: "%g", timeout)
            throw OAuth2Error.unavailable("tokenCommand did not finish within \(limit) s (killed)")
        }
        read.wait()
        guard p.terminationStatus == 0 else {
            throw OAuth2Error.unavailable("tokenCommand exited with status \(p.terminationStatus)")
        }
        let line = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        guard !line.isEmpty, !line.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 0x20 } ?? false })
        else { throw OAuth2Error.unavailable("tokenCommand printed no token on its first line") }
        return line
    }
}
