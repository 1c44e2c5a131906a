import MIME

/// The few staff-facing words ownership and digests need (English, as the other staff notices). Kept apart from
/// `Templates` while that file is rewritten; to be folded into its table afterwards.
public enum OwnershipTexts {
    static func name(_ a: Address) -> String { a.name.flatMap { $0.isEmpty ? nil : $0 } ?? a.email }

    public static func answered(_ t: TicketState, by staff: Address) -> (subject: String, body: String) {
        let who = name(staff)
        return ("\(t.reference.tag) Answered by \(who): \(t.subject)",
                "\(t.reference) \"\(t.subject)\" was answered by \(who) <\(staff.normalized)>.\n"
                + "\(who) has the ticket now; the customer's follow-ups go to \(who).\n"
                + "To take it over, reply with #take on the first line.")
    }

    public static func digestSubject(_ references: [String]) -> String {
        let shown = references.prefix(4).joined(separator: ", ")
        return "\(references.count) notices: " + shown + (references.count > 4 ? ", …" : "")
    }

    public static func digestIntro(_ count: Int) -> String {
        "\(count) notices in one mail, one section per ticket. To act on one, reply to its own thread "
            + "or write its reference in the subject."
    }
}
