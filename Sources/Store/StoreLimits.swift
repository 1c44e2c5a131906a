import CSQLite

/// What the store can hold, asked of the SQLite library in use.
public enum StoreLimits {
    /// SQLite's largest string or blob, which is also its largest row (SQLITE_LIMIT_LENGTH; 1,000,000,000 bytes in
    /// a default build). A mail's raw bytes are one blob in its message row.
    public static let largestValueBytes: Int = {
        var db: OpaquePointer?
        defer { sqlite3_close(db) }
        guard sqlite3_open(":memory:", &db) == SQLITE_OK, let db else { return 1_000_000_000 }
        return Int(sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1))
    }()

    /// The largest mail the store takes: the row limit less room for the message row's other columns.
    public static var largestMessageBytes: Int { largestValueBytes - 1_048_576 }
}
