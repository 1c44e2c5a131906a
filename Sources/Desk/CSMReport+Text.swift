extension CSMReport {
    /// The plain-text part: per customer a line per priority and one for the support hours, the month before in
    /// brackets.
    public static func text(_ f: Figures) -> String {
        "Support report for \(f.month) (business time; \(f.previousMonth) in brackets)\n\n"
            + f.sections.map(textSection).joined(separator: "\n\n")
    }

    static func textSection(_ s: Figures.Section) -> String {
        var lines = [s.name, String(repeating: "=", count: s.name.count)]
        if s.rows.isEmpty { lines.append("No tickets.") }
        for r in s.rows {
            let old = r.previous
            var text = "\(r.priority.rawValue): \(r.tickets) ticket(s) [\(old?.tickets ?? 0)]"
            if let median = r.medianMinutes {
                text += ", median \(duration(median)) [\(duration(old?.medianMinutes))]"
            }
            if let p90 = r.p90Minutes { text += ", 90 % within \(duration(p90))" }
            if let share = r.withinTarget {
                text += ", \(percent(share)) in time [\(old?.withinTarget.map(percent) ?? "–")]"
            }
            if r.breaches > 0 || (old?.breaches ?? 0) > 0 {
                text += ", \(r.breaches) breach(es) [\(old?.breaches ?? 0)]"
                if !r.breachReferences.isEmpty { text += ": " + r.breachReferences.joined(separator: ", ") }
            }
            lines.append(text)
        }
        if let h = s.hours {
            var text = "Support hours: \(hours(h.usedMinutes)) of \(hours(h.includedMinutes)) used "
                + "[\(hours(h.previousUsedMinutes))]"
            if h.overageMinutes > 0 { text += ", overage \(hours(h.overageMinutes)) billed by the hour" }
            lines.append(text)
        }
        return lines.joined(separator: "\n")
    }
}
