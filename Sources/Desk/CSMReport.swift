import Foundation
import MIME

/// The CSM's monthly mail: for each of their customers, reaction-time compliance per priority and support hours
/// against the bundle, with the month before for comparison; plain text and HTML (bar charts of CSS widths) of the
/// same `Figures`, and the month's figures attached as CSV. Pure: the caller passes the reports and the clock.
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

    /// The customers of each CSM, in the order of their first customer.
    static func byCSM(_ policy: Policy) -> [(Address, [Customer])] {
        var byCSM: [(Address, [Customer])] = []
        for c in policy.customers {
            guard let csm = c.csm else { continue }
            if let i = byCSM.firstIndex(where: { $0.0.normalized == csm.normalized }) { byCSM[i].1.append(c) }
            else { byCSM.append((csm, [c])) }
        }
        return byCSM
    }

    /// One mail per CSM: the figures computed once, rendered as text and as HTML.
    public static func mails(policy: Policy, month: Month, previous: Month, at now: Date,
                             makeMessageID: () -> String) -> [OutgoingMail] {
        byCSM(policy).map { csm, customers in
            let figures = Figures(customers: customers, month: month, previous: previous)
            let csv = ([ReactionReport.csvHeader] + customers.flatMap { c in
                month.reaction.lines.filter { $0.customer == c.id }.map { CSV.line($0.csvCells(customerName: c.name)) }
            }).joined(separator: "\r\n") + "\r\n"
            return OutgoingMail(
                from: policy.supportAddress, to: [csm],
                subject: "Support report \(month.label): " + figures.sections.map(\.name).joined(separator: ", "),
                messageID: makeMessageID(), date: now, timeZone: policy.timeZone, autoSubmitted: "auto-generated",
                body: text(figures), html: html(figures),
                attachments: [Attachment(filename: "support-\(month.label).csv", contentType: "text/csv",
                                         data: Array(csv.utf8))])
        }
    }

    static func percent(_ share: Double) -> String { String(format: "%.0f %%", share * 100) }
    static func hours(_ minutes: Int) -> String { String(format: "%.2f h", Double(minutes) / 60) }
    static func duration(_ minutes: Int?) -> String { minutes.map(BusinessTimeFormat.duration(minutes:)) ?? "–" }
}
