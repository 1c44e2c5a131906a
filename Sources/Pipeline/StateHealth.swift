import Configuration
import Foundation
import Glibc

/// Health of the state folder itself, for `health`.
public enum StateHealth {
    /// A mail is stored whole (and passes through the WAL), so less free space than one mail of the size limit
    /// means the next large mail rolls its batch back: the worker backs off until space returns.
    public static func problems(_ config: Configuration) -> [String] {
        var fs = statvfs()
        let dir = (config.database as NSString).deletingLastPathComponent
        guard statvfs(dir.isEmpty ? "." : dir, &fs) == 0 else { return [] }
        let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize)
        let needed = UInt64(max(0, config.policy.maxMessageBytes))
        guard free < needed else { return [] }
        return ["disk nearly full: \(free) bytes free for \(config.database), less than one mail of maxMessageBytes "
                + "(\(needed)); intake rolls back and waits until space returns"]
    }
}
