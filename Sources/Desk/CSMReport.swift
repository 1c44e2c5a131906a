import Foundation
import MIME

/// The CSM's monthly mail: for each of their customers, reaction-time compliance per priority and support hours
/// against the bundle, with the month before for comparison, and the month's figures attached as CSV. Plain text
/// only for now (MessageWriter writes no multipart/alternative yet). Pure: the caller passes the reports.
public enum CSMReport {
    public struct Month: Sendable {
        public var label: String
        public var reaction: ReactionReport
        public var hours: SupportHoursReport

        public init(label: String, reaction: ReactionReport, hours: SupportHoursReport) {
            self.label = label
            self.reaction = reaction
            self.hours = hours
        }
    }

    /// One mail per CSM, in the order of their first customer.
    public static func mails(policy: Policy, month: Month, previous: Month, at now: Date,
                             makeMessageID: () -> String) -> [OutgoingMail] {
        var byCSM: [(Address, [Customer])] = []
        for c in policy.customers {
            guard let csm = c.csm else { continue }
            if let i = byCSM.firstIndex(where: { $0.0.normalized == csm.normalized }) { byCSM[i].1.append(c) }
            else { byCSM.append((csm, [c])) }
        }
        return byCSM.map { csm, customers in
            let body = customers.map { section($0, month: month, previous: previous) }.joined(separator: "\n\n")
            let csv = ([ReactionReport.csvHeader] + customers.flatMap { c in
                month.reaction.lines.filter { $0.customer == c.id }.map { CSV.line($0.csvCells(customerName: c.name)) }
            }).joined(separator: "\r\n") + "\r\n"
            return OutgoingMail(
                from: policy.supportAddress, to: [csm], subject: "Support report \(month.label): "
                    + customers.map(\.name).joined(separator: ", "),
                messageID: makeMessageID(), date: now, autoSubmitted: "auto-generated",
                body: "Support report for \(month.label) (business time; \(previous.label) in brackets)\n\n" + body,
                attachments: [Attachment(filename: "support-\(month.label).csv", contentType: "text/csv",
                                         data: Array(csv.utf8))])
        }
    }

    static func section(_ c: Customer, month: Month, previous: Month) -> String {
        var lines = [c.name, String(repeating: "=", count: c.name.count)]
        let now = month.reaction.lines.filter { $0.customer == c.id }
        let before = previous.reaction.lines.filter { $0.customer == c.id }
        if now.isEmpty { lines.append("No tickets.") }
        for l in now {
            let old = before.first { $0.priority == l.priority }
            var text = "\(l.priority.rawValue): \(l.tickets) ticket(s) [\(old?.tickets ?? 0)]"
            if let median = l.medianMinutes { text += ", median \(BusinessTimeFormat.duration(minutes: median))" }
            if let p90 = l.p90Minutes { text += ", 90 % within \(BusinessTimeFormat.duration(minutes: p90))" }
            if let share = l.withinTarget {
                text += ", \(percent(share)) in time [\(old?.withinTarget.map(percent) ?? "–")]"
            }
            if l.breaches > 0 { text += ", \(l.breaches) breach(es)" }
            lines.append(text)
        }
        if let h = month.hours.lines.first(where: { $0.customer == c.id }), let included = h.includedMinutes {
            let old = previous.hours.lines.first { $0.customer == c.id }?.usedMinutes ?? 0
            var text = "Support hours: \(hours(h.usedMinutes)) of \(hours(included)) used [\(hours(old))]"
            if h.overageMinutes > 0 { text += ", overage \(hours(h.overageMinutes)) billed by the hour" }
            lines.append(text)
        }
        return lines.joined(separator: "\n")
    }

    static func percent(_ share: Double) -> String { String(format: "%.0f %%", share * 100) }
    static func hours(_ minutes: Int) -> String { String(format: "%.2f h", Double(minutes) / 60) }
}
