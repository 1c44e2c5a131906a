extension Phrases {
    /// British business English, one form of address for every customer.
    static let english = Phrases(
        greeting: { name, _ in name.map { "Hello \($0.first)," } ?? "Hello," },
        thanksForRequest: "Thank you for contacting us.",
        registered: { "We have registered your request as \($0) with priority \($1)." },
        promise: { "You can expect a response by \($0) at \($1)." },
        noTarget: "We will respond as soon as we can; there is no fixed response time for this type of request.",
        onCallAlerted: "As your request reached us outside our opening hours, we have alerted our on-call engineer, "
            + "who will contact you as soon as possible. Please make sure we can reach your systems by remote access.",
        openingHours: { "Our opening hours are \($0)." },
        addMore: "To add anything, simply reply to this email and keep the reference in the subject line.",
        knowledgeBase: "Many questions are already answered in our knowledge base:",
        regards: "Kind regards,",
        priorityNames: [.p1: "critical problem", .p2: "moderate problem", .p3: "low-impact problem",
                        .p4: "minor problem", .p5: "information request"],
        thanksForMessage: "Thank you for your message.",
        followUpAdded: { "We have added it to request \($0) and will take it into account." },
        reopened: { "We have reopened request \($0) and will take another look." },
        closed: { "We have closed request \($0). If anything is still not right, simply reply to this email within "
            + "\($1) days and we will reopen it." },
        administratorsOnly: "Under our agreement, support requests must come from your organisation's "
            + "administrators, so we have not opened a request. Please ask one of them to contact us; they can "
            + "also forward your message to us.",
        unknownSender: "We could not match your email address to a customer agreement, so we have not opened a "
            + "request. If your organisation is a customer of ours, please ask one of its administrators to "
            + "contact us.",
        oversized: { size, limit in
            "Your email was too large for us to accept (\(size); our limit is \(limit)), so we have not opened a "
                + "request. It is stored with us, not lost. Please send it again without large attachments – a link "
                + "to the file, or a shorter extract of the log, works best."
        },
        refusalCopySubject: { "Email from \($0) – no request opened" },
        refusalCopy: { who, name, subject in
            "We have received an email from \(who) with the subject “\(subject)”. Under our agreement, support "
                + "requests must come from your organisation's administrators, so we have not opened a request and "
                + "have let \(name) know."
        },
        refusalCopyHelp: {
            "If it should be dealt with, simply forward the email to us and we will open a request. In future, \($0) "
                + "can ask one of your administrators to contact us."
        },
        decimalSeparator: ".")
}
