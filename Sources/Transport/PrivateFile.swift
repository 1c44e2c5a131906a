import Foundation
import Glibc

/// Files and folders Postdesk writes hold customer mail: created 0600 in 0700 folders from the first byte (a
/// create-then-chmod leaves a window, and `FileManager` follows the umask).
public enum PrivateFile {
    /// Writes a new file (never follows a symlink, never reuses a name); a failed write leaves no file.
    public static func create(_ path: String, bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw TransportError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let why = String(cString: strerror(errno))
                unlink(path)
                throw TransportError("cannot write \(path): \(why)")
            }
            done += n
        }
    }

    /// Creates the folder (and missing parents) 0700; an existing folder keeps its mode.
    public static func folder(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
    }
}
