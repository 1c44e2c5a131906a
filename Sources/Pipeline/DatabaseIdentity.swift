import Foundation
import Glibc

/// The database file as the worker opened it: device, inode and the largest size seen. SQLite keeps writing to
/// an open file that was deleted or replaced (customers kept getting acknowledgements while every ticket was lost),
/// and this schema never shrinks its file (no auto-vacuum), so a changed identity or a smaller file means the
/// state is gone.
struct DatabaseIdentity {
    let path: String
    let device: UInt64
    let inode: UInt64
    private(set) var size: Int64

    init?(path: String) {
        var st = stat()
        guard path != ":memory:", stat(path, &st) == 0 else { return nil }
        self.path = path
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
        size = Int64(st.st_size)
    }

    /// Why the file is no longer the one opened; nil while it is (a larger size is remembered).
    mutating func problem() -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return "the database \(path) was deleted while the worker ran" }
        guard UInt64(st.st_dev) == device, UInt64(st.st_ino) == inode else {
            return "the database \(path) was replaced by another file while the worker ran"
        }
        guard Int64(st.st_size) >= size else {
            return "the database \(path) was truncated while the worker ran (\(st.st_size) bytes, was \(size))"
        }
        size = Int64(st.st_size)
        return nil
    }
}
