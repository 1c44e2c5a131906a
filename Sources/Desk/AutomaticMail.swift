import MIME

/// RFC 3834 and common practice: mail that a program sent, which must not get an automatic answer.
public enum AutomaticMail: Sendable, Equatable {
    /// Out-of-office and other auto-replies: never open a ticket.
    case autoReply(String)
    /// Delivery status notifications (bounces).
    case bounce(String)
    /// Lists, bulk mail, notifications from systems, no-reply senders: may open a ticket, never get an ack.
    case bulk(String)

    public var reason: String {
        switch self {
        case .autoReply(let r), .bounce(let r), .bulk(let r): return r
        }
    }

    /// How auto-responders label the subject they answer: "Automatic reply: …". Words alone prove nothing
    /// ("Auto reply rule broken in Outlook", "Fraværsregistrering virker ikke" are requests).
    static let autoReplyLabels = [
        "automatic reply:", "auto-reply:", "autoreply:", "auto reply:", "out of office:", "out of the office:",
        "autosvar:", "automatisk svar:", "fraværende:", "fraværsmeddelelse:", "abwesenheitsnotiz:",
        "automatische antwort:", "abwesend:", "automatisch antwoord:", "afwezig:", "afwezigheidsmelding:",
    ]
    /// First-person absence, as an out-of-office text states it near its top.
    static let absenceWords = [
        "i am out of the office", "i'm out of the office", "i am currently out of", "i am away", "i'm away",
        "i am on holiday", "i am on vacation", "i am on leave", "i am on annual leave", "i will be back",
        "i will return", "i'll be back", "back in the office on",
        "jeg er ikke på kontoret", "jeg er på ferie", "jeg holder ferie", "jeg er fraværende", "jeg er tilbage",
        "jeg er ude af huset", "jeg er på kursus", "jeg er på barsel",
        "ich bin bis", "ich bin derzeit nicht", "ich bin ab dem", "ich bin im urlaub", "ich bin nicht im büro",
        "bin ich wieder", "ich bin außer haus",
        "ik ben afwezig", "ik ben niet op kantoor", "ik ben met vakantie", "ik ben op vakantie", "ik ben weer",
        "ben ik weer", "ik ben niet aanwezig",
    ]

    static let noReplyLocals = ["mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply",
        "bounce", "bounces"]

    /// Classifies a message, or nil for mail a person wrote.
    public static func classify(_ m: ParsedMessage) -> AutomaticMail? {
        let contentType = (m.header("Content-Type") ?? "").lowercased()
        if m.contentType == "multipart/report" && contentType.contains("delivery-status") {
            return .bounce("delivery status report")
        }
        let fromLocal = m.from.map { String($0.normalized.split(separator: "@").first ?? "") } ?? ""
        if fromLocal == "mailer-daemon" || (m.from == nil && m.header("Return-Path")?.contains("<>") == true) {
            return .bounce("sender \(m.from?.email ?? "<>")")
        }
        // RFC 3834 §2: never answer mail whose envelope sender was null (the MTA's Return-Path: <>).
        if m.header("Return-Path")?.trimmingCharacters(in: .whitespaces) == "<>" {
            return .bulk("null envelope sender (Return-Path: <>)")
        }
        if let auto = m.header("Auto-Submitted")?.lowercased().trimmingCharacters(in: .whitespaces),
           !auto.hasPrefix("no"), !auto.isEmpty {
            return auto.hasPrefix("auto-replied") ? .autoReply("Auto-Submitted: \(auto)") : .bulk(
                "Auto-Submitted: \(auto)")
        }
        if m.header("X-Autoreply") != nil || m.header("X-Autorespond") != nil {
            return .autoReply("X-Autoreply header")
        }
        if let suppress = m.header("X-Auto-Response-Suppress"), !suppress.isEmpty {
            let lowered = suppress.lowercased()
            if lowered.containsBytes("oof") || lowered.containsBytes("autoreply") || lowered.containsBytes("all") {
                // Exchange sets this on its own automatic replies and notifications.
                if hasAutoReplyLabel(m) { return .autoReply("out-of-office subject") }
                return .bulk("X-Auto-Response-Suppress: \(suppress)")
            }
        }
        if let precedence = m.header("Precedence")?.lowercased().trimmingCharacters(in: .whitespaces),
           ["bulk", "junk", "list", "auto_reply"].contains(precedence) {
            return precedence == "auto_reply" ? .autoReply("Precedence: auto_reply") : .bulk(
                "Precedence: \(precedence)")
        }
        if m.header("List-Id") != nil || m.header("List-Unsubscribe") != nil {
            return .bulk("mailing list")
        }
        if noReplyLocals.contains(fromLocal) {
            return .bulk("sender \(m.from?.email ?? "")")
        }
        // No header says a program sent it. Only the form auto-responders give their subject, with an absence
        // notice at the top of the text, makes an auto-reply; the label alone opens a ticket without an answer.
        if hasAutoReplyLabel(m) {
            let top = CustomerText.head(m.bodyText, characters: 600).lowercased()
            if absenceWords.contains(where: top.containsBytes) { return .autoReply("out-of-office subject and text") }
            return .bulk("auto-reply subject")
        }
        return nil
    }

    static func hasAutoReplyLabel(_ m: ParsedMessage) -> Bool {
        let subject = CustomerText.head(m.subject, characters: 100).lowercased().trimmingBlanks()
        return autoReplyLabels.contains(where: subject.hasPrefix)
    }
}
