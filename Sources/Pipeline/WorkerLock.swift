import Foundation
import Glibc

/// One worker per database: an advisory lock (flock) on `DATABASE.lock`, held for the worker's life. Two workers
/// on one state each deliver every mail (1,220 mails made 2,218 deliveries); the read commands take no lock.
/// The kernel drops the lock when the process dies, so a SIGKILL leaves nothing stale behind.
public final class WorkerLock {
    public let path: String
    private let fd: Int32

    public init(database: String) throws {
        path = database + ".lock"
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        }
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw WorkerLockError("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw WorkerLockError("another postdesk worker is running on \(database)"
                                  + (holder.map { $0.isEmpty ? "" : " (process \($0))" } ?? "")
                                  + "; stop it first — two workers would answer and deliver every mail twice")
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(fd) }   // closing releases the lock
}

public struct WorkerLockError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
