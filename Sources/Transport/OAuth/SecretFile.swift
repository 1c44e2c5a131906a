import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file with one secret line (a refresh token): read trimmed; written 0600 and atomically (temporary file in
/// the same folder, fsync, rename), so a crash leaves the old token or the new one, never half of one.
enum SecretFile {
    static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let s = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }

    static func write(_ secret: String, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let temp = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).\(getpid()).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw OAuth2Error.configuration("cannot write \(temp): \(String(cString: strerror(errno)))")
        }
        let bytes = Array((secret + "\n").utf8)
        // The mode given to open() is reduced by the umask and ignored for an existing file.
        var ok = fchmod(fd, 0o600) == 0
        ok = ok && bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) } == bytes.count
        ok = ok && fsync(fd) == 0
        let err = errno
        close(fd)
        guard ok, rename(temp, path) == 0 else {
            unlink(temp)
            throw OAuth2Error.configuration("cannot write \(path): \(String(cString: strerror(ok ? errno : err)))")
        }
    }
}
