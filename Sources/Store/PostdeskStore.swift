import Desk
import Foundation
import MIME

/// Postdesk's SQLite store: tickets, messages, outbox, intake log and checkpoints.
public final class PostdeskStore {
    let db: Database
    /// See `automaticMailCount`.
    var automaticMailTimes = AutomaticMailTimes()

    public init(path: String) throws {
        db = try Database(path: path)
        try migrate()
    }

    /// Each migration in a write transaction that reads the version itself: two processes opening a new database
    /// at once (a worker and a CLI command) must not both apply the same one.
    func migrate() throws {
        for (index, sql) in Schema.migrations.enumerated() {
            try db.transaction {
                guard db.userVersion == index else { return }
                try db.execute(sql)
                try db.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T {
        guard !db.inTransaction else { return try db.transaction(body) }
        automaticMailTimes.forget()   // others may have written since our last transaction
        defer { automaticMailTimes.forget() }
        return try db.transaction(body)
    }

    /// Runs `body` in a savepoint of the open transaction: on error only its changes are undone, and the error is
    /// rethrown.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try db.query("SAVEPOINT step")
        do {
            let result = try body()
            try db.query("RELEASE step")
            return result
        } catch {
            automaticMailTimes.forget()
            try db.query("ROLLBACK TO step")
            try db.query("RELEASE step")
            throw error
        }
    }

    /// Off while a second connection checkpoints the WAL between commits (see `makeCheckpointer`).
    public func setAutoCheckpoint(_ on: Bool) throws { try db.setAutoCheckpoint(on) }

    /// The WAL file's size in bytes.
    public var walBytes: Int { db.walBytes }

    /// A connection of its own that checkpoints the WAL, so commits on this one do not; nil in memory.
    public func makeCheckpointer() throws -> WALCheckpointer? {
        db.path == ":memory:" ? nil : WALCheckpointer(try Database(path: db.path))
    }

    /// The online backup API: a consistent copy while the worker writes.
    public func backup(to destination: String) throws { try db.backup(to: destination) }
}

/// Checkpoints the WAL on a connection of its own.
public final class WALCheckpointer {
    private let db: Database

    init(_ db: Database) { self.db = db }

    public func checkpoint() throws { try db.checkpoint() }

    /// Copies the whole WAL and truncates it; only while no connection has a write transaction open (see
    /// `Database.truncateWAL`). False when a reader kept it from finishing.
    public func truncate() throws -> Bool { try db.truncateWAL() }
}
