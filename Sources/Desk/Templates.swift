import Foundation
import MIME

/// The words of every mail Postdesk writes. Customer mails in da/en/de/nl; staff notices in English.
public enum Templates {
    public static let languages = ["da", "en", "de", "nl"]

    struct Words {
        var hello: String
        var thanks: String
        var registered: String
        var priority: String
        var reactBy: String
        var bestEffort: String
        var hours: String
        var keepReference: String
        var knowledgeBase: String
        var regards: String
        var meaning: [Priority: String]
        var followUpReceived: String
        var adminsOnly: String
        var unknownSender: String
    }

    static let words: [String: Words] = [
        "en": Words(
            hello: "Hello", thanks: "Thank you for contacting us. We have registered your request as",
            registered: "Reference", priority: "Priority", reactBy: "We will react by",
            bestEffort: "We answer information requests as soon as we can (best effort).",
            hours: "Our opening hours", keepReference: "To add to this request, simply reply to this mail and keep the reference in the subject.",
            knowledgeBase: "Many questions are already answered in our knowledge base:",
            regards: "Kind regards",
            meaning: [.p1: "critical", .p2: "moderate", .p3: "low", .p4: "minor", .p5: "information request"],
            followUpReceived: "We have added your message to request",
            adminsOnly: "Support requests must be made by your organisation's administrators. Please ask one of them to contact us; they can forward your message to us. Your mail has not opened a request.",
            unknownSender: "We could not match your address to a customer agreement, so your mail has not opened a request. If your organisation is a customer, please ask one of its administrators to contact us."),
        "da": Words(
            hello: "Hej", thanks: "Tak for din henvendelse. Vi har registreret den som",
            registered: "Reference", priority: "Prioritet", reactBy: "Vi reagerer senest",
            bestEffort: "Vi besvarer forespørgsler om information hurtigst muligt (best effort).",
            hours: "Vores åbningstid", keepReference: "Svar blot på denne mail, hvis du vil tilføje noget, og bevar referencen i emnefeltet.",
            knowledgeBase: "Mange spørgsmål er allerede besvaret i vores vidensbase:",
            regards: "Venlig hilsen",
            meaning: [.p1: "kritisk", .p2: "moderat", .p3: "lav", .p4: "mindre", .p5: "informationsforespørgsel"],
            followUpReceived: "Vi har tilføjet din besked til sag",
            adminsOnly: "Supporthenvendelser skal komme fra jeres organisations administratorer. Bed venligst en af dem om at kontakte os; de kan videresende din mail til os. Din mail har ikke oprettet en sag.",
            unknownSender: "Vi kunne ikke knytte din adresse til en kundeaftale, så din mail har ikke oprettet en sag. Hvis jeres organisation er kunde, bedes en af jeres administratorer kontakte os."),
        "de": Words(
            hello: "Guten Tag", thanks: "Vielen Dank für Ihre Anfrage. Wir haben sie erfasst unter",
            registered: "Referenz", priority: "Priorität", reactBy: "Wir reagieren spätestens am",
            bestEffort: "Informationsanfragen beantworten wir so schnell wie möglich (best effort).",
            hours: "Unsere Servicezeiten", keepReference: "Um etwas zu ergänzen, antworten Sie einfach auf diese E-Mail und behalten Sie die Referenz im Betreff.",
            knowledgeBase: "Viele Fragen beantwortet bereits unsere Wissensdatenbank:",
            regards: "Mit freundlichen Grüßen",
            meaning: [.p1: "kritisch", .p2: "mittel", .p3: "niedrig", .p4: "gering", .p5: "Informationsanfrage"],
            followUpReceived: "Wir haben Ihre Nachricht zur Anfrage hinzugefügt:",
            adminsOnly: "Supportanfragen müssen von den Administratoren Ihrer Organisation gestellt werden. Bitte wenden Sie sich an einen von ihnen; er kann Ihre Nachricht an uns weiterleiten. Ihre E-Mail hat keine Anfrage eröffnet.",
            unknownSender: "Wir konnten Ihre Adresse keinem Kundenvertrag zuordnen, daher hat Ihre E-Mail keine Anfrage eröffnet. Wenn Ihre Organisation Kunde ist, bitten Sie einen Ihrer Administratoren, uns zu kontaktieren."),
        "nl": Words(
            hello: "Beste", thanks: "Bedankt voor uw bericht. We hebben uw verzoek geregistreerd als",
            registered: "Referentie", priority: "Prioriteit", reactBy: "We reageren uiterlijk op",
            bestEffort: "Informatieverzoeken beantwoorden we zo snel mogelijk (best effort).",
            hours: "Onze openingstijden", keepReference: "Wilt u iets toevoegen, antwoord dan gewoon op deze e-mail en laat de referentie in het onderwerp staan.",
            knowledgeBase: "Veel vragen worden al beantwoord in onze kennisbank:",
            regards: "Met vriendelijke groet",
            meaning: [.p1: "kritiek", .p2: "gemiddeld", .p3: "laag", .p4: "gering", .p5: "informatieverzoek"],
            followUpReceived: "We hebben uw bericht toegevoegd aan verzoek",
            adminsOnly: "Supportverzoeken moeten worden ingediend door de beheerders van uw organisatie. Vraag een van hen contact met ons op te nemen; zij kunnen uw bericht naar ons doorsturen. Uw e-mail heeft geen verzoek geopend.",
            unknownSender: "We konden uw adres niet koppelen aan een klantovereenkomst, daarom heeft uw e-mail geen verzoek geopend. Is uw organisatie klant, vraag dan een van uw beheerders contact met ons op te nemen."),
    ]

    static func words(_ language: String) -> Words { words[language] ?? words["en"]! }

    static func greeting(_ w: Words, _ to: Address) -> String {
        let name = to.name.flatMap { $0.isEmpty ? nil : $0 }
        return name.map { "\(w.hello) \($0)," } ?? "\(w.hello),"
    }

    static func signature(_ w: Words, _ policy: Policy) -> String {
        "\(w.regards)\n\(policy.supportAddress.name ?? policy.supportAddress.email)"
    }

    /// The acknowledgement body: reference, priority, deadline with weekday, opening hours, knowledge base.
    public static func acknowledgement(to requester: Address, reference: TicketReference, priority: PriorityDecision,
                                       deadline: Date?, plan: SupportPlan, language: String, policy: Policy) -> String {
        let w = words(language)
        var lines = [greeting(w, requester), "", "\(w.thanks) \(reference).", ""]
        lines.append("\(w.registered): \(reference)")
        lines.append("\(w.priority): \(priority.priority.rawValue) (\(w.meaning[priority.priority] ?? ""))")
        if let deadline {
            lines.append("\(w.reactBy): \(BusinessTimeFormat.deadline(deadline, in: plan.calendar.timeZone, language: language))")
        } else {
            lines.append(w.bestEffort)
        }
        lines.append("\(w.hours): \(plan.openingHours(language: language))")
        lines += ["", w.keepReference]
        if let kb = policy.knowledgeBaseURL {
            lines += ["", w.knowledgeBase, kb]
        }
        lines += ["", signature(w, policy)]
        return lines.joined(separator: "\n")
    }

    /// The polite refusal to a non-administrator, or to an unknown sender.
    public static func refusal(to sender: Address, administratorsOnly: Bool, language: String, policy: Policy) -> String {
        let w = words(language)
        var lines = [greeting(w, sender), "", administratorsOnly ? w.adminsOnly : w.unknownSender]
        if let kb = policy.knowledgeBaseURL { lines += ["", w.knowledgeBase, kb] }
        lines += ["", signature(w, policy)]
        return lines.joined(separator: "\n")
    }

    /// The polite answer to mail too large to take (it is kept in the quarantine, not processed).
    public static func oversized(to sender: Address, size: Int, limit: Int, language: String, policy: Policy) -> String {
        func amount(_ bytes: Int) -> String {
            bytes >= 1_048_576 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : "\(max(1, bytes / 1024)) KB"
        }
        let (s, l) = (amount(size), amount(limit))
        let text: String
        switch language {
        case "da": text = "Din mail var for stor til, at vi kan modtage den (\(s); grænsen er \(l)), så den har ikke oprettet en sag. Den er gemt, ikke tabt. Send den venligst igen uden store vedhæftede filer – et link til filen eller et mindre uddrag af en log er bedst."
        case "de": text = "Ihre E-Mail war zu groß, um sie anzunehmen (\(s); unsere Grenze liegt bei \(l)), daher hat sie keine Anfrage eröffnet. Sie ist gespeichert, nicht verloren. Bitte senden Sie sie ohne große Anhänge erneut – ein Link zur Datei oder ein kleinerer Auszug eines Logs ist am besten."
        case "nl": text = "Uw e-mail was te groot om aan te nemen (\(s); onze limiet is \(l)), daarom heeft deze geen verzoek geopend. Hij is bewaard, niet verloren. Stuur hem alstublieft opnieuw zonder grote bijlagen – een link naar het bestand of een kleiner uittreksel van een log werkt het best."
        default: text = "Your mail was too large for us to take (\(s); our limit is \(l)), so it has not opened a request. It is kept, not lost. Please send it again without large attachments – a link to the file, or a smaller extract of a log, works best."
        }
        let w = words(language)
        var lines = [greeting(w, sender), "", text]
        if let kb = policy.knowledgeBaseURL { lines += ["", w.knowledgeBase, kb] }
        lines += ["", signature(w, policy)]
        return lines.joined(separator: "\n")
    }

    /// What staff see about a new ticket; they answer it by replying from their own mail client.
    public static func staffNotification(ticket: TicketState, customer: Customer?, deadline: Date?, plan: SupportPlan,
                                         newText: String, attachments: [String]) -> String {
        var lines = [
            "New ticket \(ticket.reference): \(ticket.subject)",
            "",
            "From:      \(display(ticket.requester))",
            "Customer:  \(customer.map { "\($0.name) (\(plan.name) plan)" } ?? "none (\(plan.name) plan)")",
            "Priority:  \(ticket.priority.priority.rawValue) — \(ticket.priority.reason)",
            "React by:  \(deadline.map { BusinessTimeFormat.deadline($0, in: plan.calendar.timeZone, language: "en") } ?? "best effort, no target")",
        ]
        if !attachments.isEmpty { lines.append("Attached:  \(attachments.joined(separator: ", "))") }
        // Enough to act on; a pasted log of megabytes stays in the ticket (postdesk show), not in every inbox.
        let cut = scalarPrefixEnd(newText, 4000)
        let shown = cut.map { String(newText[..<$0]) + "\n[… \(max(1, newText.utf8[$0...].count / 1024)) KB more: postdesk show \(ticket.reference)]" } ?? newText
        lines += ["", "----", shown.isEmpty ? "(no text)" : shown, "----", "", staffHelp]
        return lines.joined(separator: "\n")
    }

    /// Where the first `count` scalars of `text` end, moved back to a character boundary; nil when the text is no
    /// longer. Counted over UTF-8 lead bytes: walking characters, or even the scalar view, cost more per mail than
    /// the rest of the ticket's intake.
    static func scalarPrefixEnd(_ text: String, _ count: Int) -> String.Index? {
        guard text.utf8.count > count else { return nil }
        var contiguous = text
        let offset = contiguous.withUTF8 { bytes -> Int? in
            var scalars = 0
            for (i, b) in bytes.enumerated() where b & 0xC0 != 0x80 {
                if scalars == count { return i }
                scalars += 1
            }
            return nil
        }
        guard let offset else { return nil }
        var end = text.utf8.index(text.startIndex, offsetBy: offset)
        // Back to the start of the character the cut would split (a letter and its combining marks stay together).
        while end > text.startIndex, end.samePosition(in: text) == nil { end = text.unicodeScalars.index(before: end) }
        return end
    }

    static let staffHelp = """
        Reply to this mail to answer the customer: your reply is sent on from the support address.
        Commands on lines of their own at the top of your reply: #priority P1..P5, #note (internal, not sent),
        #close (#close silent: the customer is not told), #reopen. CSMs and the team lead: a reply stays internal
        unless it starts with #reply.
        """

    /// The staff member's reply as the customer receives it.
    public static func relay(text: String, staff: Address, policy: Policy) -> String {
        let name = staff.name.flatMap { $0.isEmpty ? nil : $0 } ?? staff.email
        return "\(text)\n\n-- \n\(name)\n\(policy.supportAddress.name ?? policy.supportAddress.email)"
    }

    /// Warning before the reaction target, or breach notice after it; for the CSM and team lead.
    public static func escalation(_ kind: EscalationKind, ticket: TicketState, customer: Customer?, plan: SupportPlan, now: Date) -> (subject: String, body: String) {
        let due = ticket.clock?.dueAt ?? now
        let minutes = plan.calendar.businessMinutes(from: min(now, due), to: max(now, due))
        let headline: String
        switch kind {
        case .warning: headline = "Reaction due in \(BusinessTimeFormat.duration(minutes: minutes)) of business time"
        case .breach: headline = "Reaction target missed" + (minutes > 0 ? ", overdue by \(BusinessTimeFormat.duration(minutes: minutes)) of business time" : "")
        }
        let subject = "\(ticket.reference.tag) \(kind == .warning ? "Warning" : "Breach"): \(ticket.priority.priority.rawValue) \(ticket.subject)"
        let body = [
            "\(headline).",
            "",
            "Ticket:    \(ticket.reference)",
            "Customer:  \(customer?.name ?? "none") (\(plan.name) plan)",
            "Requester: \(display(ticket.requester))",
            "Subject:   \(ticket.subject)",
            "Priority:  \(ticket.priority.priority.rawValue) — \(ticket.priority.reason)",
            "Received:  \(BusinessTimeFormat.deadline(ticket.clock?.startedAt ?? ticket.createdAt, in: plan.calendar.timeZone, language: "en"))",
            "Deadline:  \(BusinessTimeFormat.deadline(due, in: plan.calendar.timeZone, language: "en"))",
            "",
            "A reply (or reply-all) to this notice stays internal, a note on the ticket; start it with #reply to answer the customer.",
        ].joined(separator: "\n")
        return (subject, body)
    }

    static func display(_ a: Address) -> String {
        a.name.flatMap { $0.isEmpty ? nil : "\($0) <\(a.email)>" } ?? a.email
    }
}

public enum EscalationKind: String, Sendable, Codable {
    case warning, breach
}
