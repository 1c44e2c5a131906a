import Foundation

/// Work done once per period (the monthly reports, the refused-mail digest, the daily purge), remembered in
/// `scheduled_runs`.
extension PostdeskStore {
    /// Marks `job` done for `period`; false when it already was. Call it inside the transaction that writes the
    /// work's result, so the mark and the result commit together or not at all.
    public func claimRun(_ job: String, period: String, at now: Date, summary: String = "") throws -> Bool {
        try !db.query("""
            INSERT INTO scheduled_runs (job, period, done_at, summary) VALUES (?, ?, ?, ?)
            ON CONFLICT (job, period) DO NOTHING RETURNING period
            """, [.text(job), .text(period), SQLValue(now), .text(summary)]).isEmpty
    }

    /// The last period `job` was done for, when, and what it recorded.
    public func lastRun(_ job: String) throws -> (period: String, at: Date, summary: String)? {
        try db.query("SELECT period, done_at, summary FROM scheduled_runs WHERE job = ? ORDER BY done_at DESC LIMIT 1",
                     [.text(job)]).first.map {
            ($0.text("period") ?? "", $0.date("done_at") ?? Date(timeIntervalSince1970: 0), $0.text("summary") ?? "")
        }
    }
}
