import MIME

extension CSMReport {
    /// The HTML part: the same figures as `text`, with bar charts made of table cells of fixed pixel widths. Inline
    /// styles only (mail clients strip `<style>`), no images or SVG (blocked or stripped); tables rather than divs
    /// because Outlook's Word engine ignores div widths. Every figure text goes through `HTMLEscape`.
    public static func html(_ f: Figures) -> String {
        let e = HTMLEscape.text
        var out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Support report \(e(f.month))</title>"
            + "</head>\n<body style=\"margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:14px;"
            + "color:#222222\">\n"
            + "<h1 style=\"font-size:18px;margin:0 0 4px 0\">Support report \(e(f.month))</h1>\n"
            + "<p style=\"margin:0 0 16px 0;color:#555555\">Business time; \(e(f.previousMonth)) in brackets.</p>\n"
        for s in f.sections { out += htmlSection(s) }
        return out + "</body></html>\n"
    }

    static let barWidth = 120
    static let cell = "padding:4px 8px;border-bottom:1px solid #dddddd;text-align:left;vertical-align:top"

    static func htmlSection(_ s: Figures.Section) -> String {
        let e = HTMLEscape.text
        var out = "<h2 style=\"font-size:16px;margin:24px 0 8px 0\">\(e(s.name))</h2>\n"
        if s.rows.isEmpty { out += "<p style=\"margin:0 0 8px 0\">No tickets.</p>\n" }
        else {
            out += "<table cellpadding=\"0\" cellspacing=\"0\" style=\"border-collapse:collapse\">\n<tr>"
                + ["Priority", "Tickets", "Median", "90 % within", "In time", "Breaches"]
                    .map { "<th style=\"\(cell);background:#f3f3f3\">\(e($0))</th>" }.joined() + "</tr>\n"
            for r in s.rows { out += htmlRow(r) }
            out += "</table>\n"
        }
        if let h = s.hours { out += hoursBlock(h) }
        return out
    }

    static func htmlRow(_ r: Figures.Row) -> String {
        let e = HTMLEscape.text
        let old = r.previous
        var inTime = "–"
        if let share = r.withinTarget {
            let filled = Int((share * Double(barWidth)).rounded())
            inTime = bar([(filled, share >= 0.9 ? "#2e7d32" : share >= 0.75 ? "#f9a825" : "#c62828"),
                          (barWidth - filled, "#e0e0e0")])
                + " \(e(percent(share))) [\(e(old?.withinTarget.map(percent) ?? "–"))]"
        }
        var breaches = "\(r.breaches) [\(old?.breaches ?? 0)]"
        if !r.breachReferences.isEmpty { breaches += "<br>" + e(r.breachReferences.joined(separator: ", ")) }
        let cells = [e(r.priority.rawValue), "\(r.tickets) [\(old?.tickets ?? 0)]",
                     e(duration(r.medianMinutes)) + " [\(e(duration(old?.medianMinutes)))]",
                     e(duration(r.p90Minutes)), inTime, breaches]
        return "<tr>" + cells.map { "<td style=\"\(cell)\">\($0)</td>" }.joined() + "</tr>\n"
    }

    /// Used against the bundle: green up to the bundle, red beyond it, grey for what is left; the longer of used
    /// and included fills twice the bar width.
    static func hoursBlock(_ h: Figures.Hours) -> String {
        let e = HTMLEscape.text
        let scale = Double(2 * barWidth) / Double(max(h.usedMinutes, h.includedMinutes, 1))
        let width = { (minutes: Int) in Int((Double(minutes) * scale).rounded()) }
        let inBundle = width(min(h.usedMinutes, h.includedMinutes))
        var text = "Support hours: \(hours(h.usedMinutes)) of \(hours(h.includedMinutes)) used "
            + "[\(hours(h.previousUsedMinutes))]"
        if h.overageMinutes > 0 { text += ", overage \(hours(h.overageMinutes)) billed by the hour" }
        return "<p style=\"margin:12px 0 4px 0\">\(e(text))</p>\n"
            + bar([(inBundle, "#2e7d32"), (width(h.overageMinutes), "#c62828"),
                   (width(h.includedMinutes) - inBundle, "#e0e0e0")]) + "\n"
    }

    /// A one-row table whose cells have the given pixel widths and colours; empty segments are left out.
    static func bar(_ segments: [(width: Int, color: String)]) -> String {
        let cells = segments.filter { $0.width > 0 }.map { s in
            "<td width=\"\(s.width)\" style=\"width:\(s.width)px;height:10px;background:\(s.color);"
                + "font-size:0;line-height:0\">&nbsp;</td>"
        }
        let total = segments.reduce(0) { $0 + max(0, $1.width) }
        return "<table cellpadding=\"0\" cellspacing=\"0\" style=\"display:inline-table;border-collapse:collapse;"
            + "width:\(total)px;vertical-align:middle\"><tr>\(cells.joined())</tr></table>"
    }
}
