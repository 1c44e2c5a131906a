/// The words of the customer mails in one language and form of address; one table per language
/// (`Phrases+Danish.swift`, …), so a reviewer reads each language on its own, top to bottom.
struct Phrases: Sendable {
    /// "Hej Mette," — from the parsed display name; the salutation only where the language greets by surname.
    var greeting: @Sendable (PersonName?, Salutation?) -> String
    var thanksForRequest: String
    var registered: @Sendable (_ reference: String, _ priorityName: String) -> String
    var promise: @Sendable (_ day: String, _ time: String) -> String
    /// When the plan sets no reaction target for the priority.
    var noTarget: String
    /// Instead of the promise, outside hours with the on-call paged: they have been alerted, and (the terms) the
    /// customer lets them in by remote access.
    var onCallAlerted: String
    var openingHours: @Sendable (String) -> String
    var addMore: String
    var knowledgeBase: String
    var regards: String
    /// Read next to the code: "P4 (mindre problem)"; the names of the providers' terms in that language.
    var priorityNames: [Priority: String]
    var thanksForMessage: String
    var followUpAdded: @Sendable (_ reference: String) -> String
    var reopened: @Sendable (_ reference: String) -> String
    /// Staff closed the ticket; a reply within the reopen window reopens it.
    var closed: @Sendable (_ reference: String, _ reopenDays: Int) -> String
    var administratorsOnly: String
    var unknownSender: String
    var oversized: @Sendable (_ size: String, _ limit: String) -> String
    /// To a customer's administrators: one of their users was refused (who, the subject), and how to get help.
    var refusalCopySubject: @Sendable (_ who: String) -> String
    /// `who` in full ("Kim Berg (kim@…)") the first time, `name` after.
    var refusalCopy: @Sendable (_ who: String, _ name: String, _ subject: String) -> String
    var refusalCopyHelp: @Sendable (_ name: String) -> String
    /// "2,5 MB" in da/de/nl, "2.5 MB" in English.
    var decimalSeparator: String

    static func table(_ language: String, _ formality: Formality) -> Phrases {
        (formality == .formal ? formal : informal)[language] ?? english
    }

    // Built once, not for every mail.
    static let formal = ["da": danish(.formal), "de": german(.formal), "nl": dutch(.formal)]
    static let informal = ["da": danish(.informal), "de": german(.informal), "nl": dutch(.informal)]

    /// "19 KB", "2,5 MB", "25 MB", with a no-break space so wrapping keeps the unit with the number.
    func amount(_ bytes: Int) -> String {
        guard bytes >= 1_048_576 else { return "\(max(1, bytes / 1024))\(Phrases.noBreak)KB" }
        let tenths = (bytes * 10 + 524_288) / 1_048_576
        return "\(tenths / 10)" + (tenths % 10 == 0 ? "" : "\(decimalSeparator)\(tenths % 10)") + "\(Phrases.noBreak)MB"
    }

    /// U+00A0: "kl. 13:00" and "12:00 Uhr" stay on one line.
    static let noBreak = "\u{A0}"
}
