extension Pipeline {
    /// Keeps the WAL bounded through a backlog. The lane's passive checkpoints run while the next batch commits,
    /// so the WAL is never wholly copied when a commit begins and SQLite never starts it again (it grew ~23 KB per
    /// mail). Past `walTruncateBytes`, between two commits, the lane copies the rest and truncates it, and the
    /// commit thread waits: no write transaction is open then, and the lane's own checkpoint is not running.
    func boundWAL(_ lane: MailboxLane) {
        guard store.walBytes >= walTruncateBytes else { return }
        var stopwatch = Stopwatch()
        let done = lane.truncateWAL()
        log.debug("store.wal_truncated", [("done", "\(done)"), ("ms", stopwatch.lap()),
                                          ("wal_bytes", "\(store.walBytes)")])
    }
}
