import Configuration
import Desk
import Foundation
import MIME
import Pipeline
import Store

/// The support-hour bundle in `postdesk show` and `postdesk report --month … --hours` (text, CSV for invoicing, JSON).
extension PostdeskCommand {
    static func timeLines(_ logged: [LoggedTime], zone: TimeZone) -> [String] {
        guard !logged.isEmpty else { return [] }
        let total = logged.reduce(0) { $0 + $1.entry.minutes }
        return ["Time:       \(TimeEntry.format(minutes: total)) in all"] + logged.map { t in
            "            \(TimeEntry.format(minutes: t.entry.minutes)) \(t.entry.category?.rawValue ?? "")"
                + "  \(t.staff)  \(BusinessTimeFormat.deadline(t.loggedAt, in: zone, language: "en"))"
        }
    }

    /// Column order of the categories everywhere; uncategorised time is "other".
    static let timeColumns: [(TimeCategory?, String)] =
        TimeCategory.allCases.map { ($0, $0.rawValue) } + [(nil, "other")]

    static func hours(_ minutes: Int) -> String { String(format: "%.2f", Double(minutes) / 60) }

    static func hoursText(_ report: SupportHoursReport, month: String, name: (String) -> String) -> String {
        let rows = report.lines.map { l -> [String] in
            let balance = l.includedMinutes == nil ? "no bundle"
                : l.overageMinutes > 0 ? "overage \(hours(l.overageMinutes))" : "left \(hours(l.remainingMinutes))"
            let split = timeColumns.compactMap { c, label in l.byCategory[c].map { "\(label) \(hours($0))" } }
            return [name(l.customer), l.includedMinutes.map(hours) ?? "–", hours(l.usedMinutes), balance,
                    split.joined(separator: ", "),
                    l.tickets.map { "\($0.reference) \(TimeEntry.format(minutes: $0.minutes))" }
                        .joined(separator: ", ")]
        }
        let header = ["CUSTOMER", "INCLUDED", "USED", "BALANCE", "BY CATEGORY", "TICKETS"]
        return "Support hours in \(month)\n" + TextTable.render(header: header, rows: rows)
    }

    static func hoursCSV(_ report: SupportHoursReport, name: (String) -> String) -> String {
        let header = ["customer", "included_hours", "used_hours"] + timeColumns.map { $0.1 + "_hours" }
            + ["remaining_hours", "overage_hours", "tickets"]
        let rows = report.lines.map { l -> String in
            CSV.line([name(l.customer), l.includedMinutes.map(hours) ?? "", hours(l.usedMinutes)]
                    + timeColumns.map { hours(l.byCategory[$0.0] ?? 0) }
                    + [hours(l.remainingMinutes), hours(l.overageMinutes),
                       l.tickets.map { "\($0.reference) \(hours($0.minutes))" }.joined(separator: "; ")])
        }
        return ([header.joined(separator: ",")] + rows).joined(separator: "\n")
    }

    static func hoursJSON(_ report: SupportHoursReport, name: (String) -> String) -> [[String: Any]] {
        report.lines.map { l in
            var byCategory: [String: Int] = [:]
            for (c, label) in timeColumns { if let m = l.byCategory[c] { byCategory[label] = m } }
            return ["customer": name(l.customer), "customer_id": l.customer,
                    "included_minutes": l.includedMinutes as Any? ?? NSNull(), "used_minutes": l.usedMinutes,
                    "by_category_minutes": byCategory, "remaining_minutes": l.remainingMinutes,
                    "overage_minutes": l.overageMinutes,
                    "tickets": l.tickets.map { ["reference": $0.reference, "minutes": $0.minutes] as [String: Any] }]
        }
    }
}

extension PostdeskCommand {
    /// `report --month M --mail-csm`: each CSM's monthly mail into the outbox; the worker sends it. On demand it
    /// marks nothing, so the worker's own run on the first working day still goes out.
    static func mailCSMReports(config: Configuration, store: PostdeskStore, month: String, from: Date,
                               to: Date) throws -> Int32 {
        let now = Date()
        let mails = try Pipeline.csmReportMails(
            policy: config.policy, store: store, month: month, from: from, to: to, now: now,
            makeMessageID: { "pd.csm." + UUID().uuidString.lowercased() + "@" + config.policy.supportAddress.domain })
        try store.transaction {
            for mail in mails {
                try store.enqueue(QueuedMail(.csmReport, mail), raw: MessageWriter.render(mail), ticketID: nil, at: now)
            }
        }
        let to = mails.flatMap(\.to).map(\.email).joined(separator: ", ")
        print("queued \(mails.count) CSM report(s) for \(month)" + (to.isEmpty ? "" : ": " + to))
        return 0
    }
}
