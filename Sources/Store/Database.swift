import CSQLite
import Foundation

/// SQLite's "copy the bytes now" destructor; the C macro is not imported (see notes: binding with nil corrupts data).
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

public struct DatabaseError: Error, CustomStringConvertible {
    public var message: String
    /// The disk is full or failing (SQLITE_FULL, SQLITE_IOERR): SQLite may have rolled the open transaction back
    /// on its own, so no statement of that transaction may go on, and no mail of the batch counts as decided.
    public var isStorageFailure = false
    public var description: String { message }

    init(message: String, code: Int32 = SQLITE_OK) {
        self.message = message
        isStorageFailure = Self.storageCodes.contains(code & 0xff)
    }

    static let storageCodes: Set<Int32> = [SQLITE_FULL, SQLITE_IOERR]

    /// Whether `error` is a storage failure (see `isStorageFailure`).
    public static func isStorage(_ error: Error) -> Bool { (error as? DatabaseError)?.isStorageFailure ?? false }
}

/// A value bound to or read from a statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

/// One SQLite connection, owned by one thread. Statements are prepared once and cached.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    private var statements: [String: OpaquePointer] = [:]
    private var transactionDepth = 0

    /// Opens (creating with mode 0600) and sets WAL with durable commits.
    public init(path: String) throws {
        self.path = path
        if path != ":memory:" {
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o700])
            }
            // O_EXCL, not FileManager.createFile: that writes a temporary file and renames it over the path, which
            // would replace a database another process has just created and opened.
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            if fd >= 0 { close(fd) }
        }
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(db)
            throw DatabaseError(message: "cannot open database \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        try execute("PRAGMA journal_mode = WAL")
        try execute("PRAGMA synchronous = FULL")
        try execute("PRAGMA foreign_keys = ON")
        // A WAL that was reset is cut back to this, so one large transaction does not leave a large file behind.
        try execute("PRAGMA journal_size_limit = \(Self.walSizeLimit)")
    }

    /// See `journal_size_limit` in `init`.
    public static let walSizeLimit = 64 << 20

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(handle)
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs SQL without results (may hold several statements).
    public func execute(_ sql: String) throws {
        try requireOpenTransaction()
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastError
            sqlite3_free(error)
            throw DatabaseError(message: "\(message) in: \(sql.prefix(120))", code: sqlite3_extended_errcode(handle))
        }
    }

    /// Inside `transaction`, SQLite back in autocommit means it rolled the transaction back itself (after
    /// SQLITE_FULL or an I/O error): a further statement would commit on its own, outside the batch.
    private func requireOpenTransaction() throws {
        guard transactionDepth > 0, sqlite3_get_autocommit(handle) != 0 else { return }
        throw DatabaseError(message: "SQLite rolled the transaction back (disk full or I/O error)", code: SQLITE_FULL)
    }

    private func prepared(_ sql: String) throws -> OpaquePointer {
        if let cached = statements[sql] {
            sqlite3_reset(cached)
            sqlite3_clear_bindings(cached)
            return cached
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
            throw DatabaseError(message: "\(lastError) in: \(sql.prefix(120))")
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ values: [SQLValue], to statement: OpaquePointer) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(statement, index)
            case .int(let v): rc = sqlite3_bind_int64(statement, index, v)
            case .double(let v): rc = sqlite3_bind_double(statement, index, v)
            case .text(let v): rc = sqlite3_bind_text(statement, index, v, -1, SQLITE_TRANSIENT)
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count),
                    SQLITE_TRANSIENT) }
            }
            if rc != SQLITE_OK { throw DatabaseError(message: "bind \(index): \(lastError)") }
        }
    }

    /// Runs one statement with bound parameters; returns the rows.
    @discardableResult
    public func query(_ sql: String, _ values: [SQLValue] = []) throws -> [Row] {
        try requireOpenTransaction()
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement) }
        try bind(values, to: statement)
        var rows: [Row] = []
        while true {
            let rc = sqlite3_step(statement)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else {
                throw DatabaseError(message: "\(lastError) in: \(sql.prefix(120))",
                                    code: sqlite3_extended_errcode(handle))
            }
            var columns: [String: SQLValue] = [:]
            for i in 0..<sqlite3_column_count(statement) {
                let name = String(cString: sqlite3_column_name(statement, i))
                switch sqlite3_column_type(statement, i) {
                case SQLITE_INTEGER: columns[name] = .int(sqlite3_column_int64(statement, i))
                case SQLITE_FLOAT: columns[name] = .double(sqlite3_column_double(statement, i))
                case SQLITE_TEXT: columns[name] = .text(String(cString: sqlite3_column_text(statement, i)))
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, i))
                    if count > 0, let base = sqlite3_column_blob(statement, i) {
                        columns[name] = .blob(Array(UnsafeRawBufferPointer(start: base, count: count)))
                    } else {
                        columns[name] = .blob([])
                    }
                default: columns[name] = .null
                }
            }
            rows.append(Row(columns: columns))
        }
        return rows
    }

    public var lastInsertID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public var inTransaction: Bool { transactionDepth > 0 }

    /// On: a commit that leaves 1,000 pages of WAL also checkpoints (SQLite's default). Off: `checkpoint()` does.
    public func setAutoCheckpoint(_ on: Bool) throws {
        try execute(on ? "PRAGMA wal_autocheckpoint = 1000" : "PRAGMA wal_autocheckpoint = 0")
    }

    /// Copies committed WAL pages into the database file without waiting for anyone; a writer on another
    /// connection goes on meanwhile.
    public func checkpoint() throws { try execute("PRAGMA wal_checkpoint(PASSIVE)") }

    /// Copies the whole WAL into the database file and truncates it to nothing: the WAL starts again from its
    /// first frame. Call it while no write transaction is open on any connection, and no other checkpoint runs
    /// (SQLite does not wait for that one); false when something kept it from finishing (the next call catches up).
    public func truncateWAL() throws -> Bool {
        precondition(!inTransaction, "the WAL is truncated between transactions")
        return try query("PRAGMA wal_checkpoint(TRUNCATE)").first?.int("busy") == 0
    }

    /// The WAL file's size in bytes (0 without one, as in memory).
    public var walBytes: Int {
        var info = stat()
        return stat(path + "-wal", &info) == 0 ? Int(info.st_size) : 0
    }

    /// One transaction; nested calls join the outer one. Rolled back when `body` throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try body()
        }
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
        do {
            let result = try body()
            transactionDepth = 0
            try execute("COMMIT")
            return result
        } catch {
            transactionDepth = 0
            if sqlite3_get_autocommit(handle) == 0 { try? execute("ROLLBACK") }
            throw error
        }
    }

    public var userVersion: Int {
        get { (try? query("PRAGMA user_version").first?.int("user_version")).flatMap { $0 }.map(Int.init) ?? 0 }
    }

    /// Online backup to another file (consistent while writers run). The copy is written to a 0600 file beside the
    /// target and renamed over it only when complete, so a failed backup leaves no partial copy; a target that is
    /// not a regular file (`/dev/full`) or is this database itself is refused before anything is written.
    public func backup(to destination: String) throws {
        var st = stat(), live = stat()
        if lstat(destination, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                throw DatabaseError(message: "backup target \(destination) is not a regular file")
            }
            if stat(path, &live) == 0, live.st_dev == st.st_dev, live.st_ino == st.st_ino {
                throw DatabaseError(message: "backup target \(destination) is the live database")
            }
        }
        let url = URL(fileURLWithPath: destination)
        let temp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).backup-\(getpid())").path
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw DatabaseError(message: "cannot create \(temp): \(String(cString: strerror(errno)))")
        }
        close(fd)
        do {
            try copy(to: temp)
        } catch {
            for leftover in [temp, temp + "-journal", temp + "-wal", temp + "-shm"] { unlink(leftover) }
            throw error
        }
        guard rename(temp, destination) == 0 else {
            let why = String(cString: strerror(errno))
            unlink(temp)
            throw DatabaseError(message: "cannot move the backup into \(destination): \(why)")
        }
    }

    private func copy(to destination: String) throws {
        var target: OpaquePointer?
        guard sqlite3_open(destination, &target) == SQLITE_OK, let target else {
            sqlite3_close(target)
            throw DatabaseError(message: "cannot open backup target \(destination)")
        }
        defer { sqlite3_close(target) }
        guard let backup = sqlite3_backup_init(target, "main", handle, "main") else {
            throw DatabaseError(message: "backup: \(String(cString: sqlite3_errmsg(target)))")
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, 256)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(50) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE else {
            throw DatabaseError(message: "backup failed: \(String(cString: sqlite3_errmsg(target)))", code: rc)
        }
    }
}

/// A result row by column name.
public struct Row: Sendable {
    public var columns: [String: SQLValue]

    public func int(_ name: String) -> Int64? {
        if case .int(let v)? = columns[name] { return v }
        if case .double(let v)? = columns[name] { return Int64(v) }
        return nil
    }

    public func double(_ name: String) -> Double? {
        if case .double(let v)? = columns[name] { return v }
        if case .int(let v)? = columns[name] { return Double(v) }
        return nil
    }

    public func text(_ name: String) -> String? {
        if case .text(let v)? = columns[name] { return v }
        return nil
    }

    public func blob(_ name: String) -> [UInt8]? {
        if case .blob(let v)? = columns[name] { return v }
        if case .text(let v)? = columns[name] { return Array(v.utf8) }
        return nil
    }

    public func date(_ name: String) -> Date? { double(name).map { Date(timeIntervalSince1970: $0) } }
}

extension SQLValue {
    public init(_ value: String?) { self = value.map { .text($0) } ?? .null }
    public init(_ value: Int64?) { self = value.map { .int($0) } ?? .null }
    public init(_ value: Date?) { self = value.map { .double($0.timeIntervalSince1970) } ?? .null }
    public init(_ value: Bool) { self = .int(value ? 1 : 0) }
}
