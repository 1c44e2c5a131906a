import Configuration
import Desk
import Foundation
import Store

extension Pipeline {
    /// Tickets purged per transaction: the worker is one thread, so intake waits for one batch, not for the day's
    /// whole purge; the rest follows in the next passes.
    static let purgeBatch = 50

    /// N calendar months before `now` in the desk's zone: what `retention.months` keeps.
    public static func retentionCutoff(months: Int, before now: Date, in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar.date(byAdding: .month, value: -months, to: now)!
    }

    /// With `retention` configured: the same purge as `postdesk purge`, once a day (the desk's date), after the
    /// pass's mail is committed and sent. In batches and without VACUUM (freed pages are zeroed instead, see
    /// `SpaceReclaim`); the day is marked done in `scheduled_runs` when a batch finds nothing more. Logged in
    /// counts only.
    @discardableResult
    func purgeDaily() throws -> ErasureSummary? {
        guard let months = config.retentionMonths else { return nil }
        let instant = now()
        let day = policy.deskCalendar.localDate(of: instant).iso
        guard try store.lastRun("purge")?.period != day else { return nil }
        let summary = try store.purge(resolvedBefore: Self.retentionCutoff(months: months, before: instant,
                                                                            in: config.timeZone),
                                      at: instant, limit: Self.purgeBatch, reclaim: .inPlace)
        let done = summary.tickets < Self.purgeBatch
        if done { _ = try store.claimRun("purge", period: day, at: instant, summary: summary.description) }
        log.info("retention.purge", [("tickets", "\(summary.tickets)"), ("messages", "\(summary.messages)"),
                                     ("attachments", "\(summary.attachments)"), ("outbox", "\(summary.outboxRows)"),
                                     ("months", "\(months)"), ("done", done ? "true" : "false")])
        return summary
    }

    /// The daily purge in a pass: a failure is logged and counted and retried next pass; it does not fail the
    /// pass, so intake and sending go on.
    func purgeDailyLogged() {
        do { try purgeDaily() } catch {
            log.error("retention.purge_failed", [("error", "\(error)")])
            metrics.countError("purge")
        }
    }
}
