import Desk
import Foundation
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
            csvLine([name(l.customer), l.includedMinutes.map(hours) ?? "", hours(l.usedMinutes)]
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

    /// One CSV record, quoting cells with commas, quotes or line breaks.
    static func csvLine(_ cells: [String]) -> String {
        cells.map { c in
            c.contains(",") || c.contains("\"") || c.contains("\n")
                ? "\"\(c.replacingOccurrences(of: "\"", with: "\"\""))\"" : c
        }.joined(separator: ",")
    }
}
