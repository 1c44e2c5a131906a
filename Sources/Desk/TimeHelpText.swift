import Foundation

/// The staff help text for a `#time` line Postdesk could not read (English: staff mail is in English), as
/// paragraphs for `Templates.staffHelp`.
enum TimeHelpText {
    static func unreadable(_ line: String, on reference: TicketReference) -> [String] {
        let categories = TimeCategory.allCases.map(\.rawValue).joined(separator: ", ")
        let written = line.trimmingCharacters(in: .whitespaces)
        return ["It has a time line for \(reference) that Postdesk cannot read:\n      \(written)",
                "No time from this mail was logged and nothing went to the customer; the mail is kept as an "
                + "internal note.",
                "- Write the time on a line of its own, e.g. #time 45m, #time 1h30m or #time 1.5h phone (at most "
                + "24h; categories: \(categories)), and send it again."]
    }
}
