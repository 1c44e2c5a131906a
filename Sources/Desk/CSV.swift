/// RFC 4180 records: what `report --csv` prints and the CSM's monthly mail attaches.
public enum CSV {
    public static func line(_ cells: [String]) -> String {
        cells.map { c in
            c.contains(",") || c.contains("\"") || c.contains("\n")
                ? "\"\(c.replacingOccurrences(of: "\"", with: "\"\""))\"" : c
        }.joined(separator: ",")
    }
}

extension ReactionReport {
    public static let csvHeader = "customer,priority,tickets,answered,median_minutes,p90_minutes,within_target,breaches"
}

extension ReactionReport.Line {
    public func csvCells(customerName: String) -> [String] {
        [customerName, priority.rawValue, "\(tickets)", "\(answered)", medianMinutes.map(String.init) ?? "",
         p90Minutes.map(String.init) ?? "", withinTarget.map { String(format: "%.3f", $0) } ?? "", "\(breaches)"]
    }
}
