import Configuration
import Desk
import Foundation
import MIME
import Store

extension Pipeline {
    /// Each CSM's mail on the month [from, to) and the month before it: the one place the report's figures are
    /// gathered, for the worker's monthly run and for `report --month … --mail-csm`.
    public static func csmReportMails(policy: Policy, store: PostdeskStore, month: String, from: Date, to: Date,
                                      now: Date, makeMessageID: () -> String) throws -> [OutgoingMail] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = policy.timeZone
        let before = calendar.date(byAdding: .month, value: -1, to: from)!
        let parts = calendar.dateComponents([.year, .month], from: before)
        func figures(_ label: String, _ a: Date, _ b: Date) throws -> CSMReport.Month {
            CSMReport.Month(label: label,
                            reaction: ReactionReport(records: try store.reportRows(from: a, to: b), policy: policy,
                                                     now: now),
                            hours: SupportHoursReport(records: try store.timeRows(from: a, to: b), policy: policy))
        }
        return CSMReport.mails(
            policy: policy, month: try figures(month, from, to),
            previous: try figures(String(format: "%04d-%02d", parts.year!, parts.month!), before, from), at: now,
            makeMessageID: makeMessageID)
    }

    /// From the start of a month's first working day: last month's report to each CSM, once (not for the month
    /// before the desk's first run). The run is marked in
    /// `scheduled_runs` in the transaction that queues the mails, so a restart, a late start or a second pass in
    /// the same minute finds it done. `--mail-csm` marks nothing: a copy on demand never stops this one.
    @discardableResult
    func sendMonthlyReports() throws -> Int {
        let instant = now()
        guard let due = MonthlySchedule.due(at: instant, calendar: policy.deskCalendar) else { return 0 }
        let last = try store.lastRun("csm-report")
        guard last?.period != due.label else { return 0 }
        // The first run on a database (a new installation, or the upgrade that brings this) sends nothing about
        // the month before it: the desk did not run then, and backfilled mail does not make it a report.
        guard last != nil else {
            if try store.transaction({ try store.claimRun("csm-report", period: due.label, at: instant,
                                                          summary: "skipped: the desk's first run") }) {
                log.info("csm_report.skipped", [("month", due.label), ("reason", "first run")])
            }
            return 0
        }
        let mails = try Self.csmReportMails(policy: policy, store: store, month: due.label, from: due.from,
                                            to: due.to, now: instant, makeMessageID: makeMessageID)
        let claimed = try store.transaction { () throws -> Bool in
            guard try store.claimRun("csm-report", period: due.label, at: instant,
                                     summary: "\(mails.count) mail(s)") else { return false }
            try enqueue(mails.map { QueuedMail(.csmReport, $0) }, ticketID: nil, at: instant)
            return true
        }
        guard claimed else { return 0 }
        log.info("csm_report.queued", [("month", due.label), ("mails", "\(mails.count)"),
                                       ("to", mails.flatMap(\.recipients).joined(separator: ","))])
        return mails.count
    }
}
