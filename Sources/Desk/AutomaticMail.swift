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

    static let outOfOfficeSubjects = [
        "out of office", "automatic reply", "auto-reply", "autoreply", "auto reply",
        "abwesenheitsnotiz", "automatische antwort", "fraværende", "fravær", "autosvar", "automatisk svar",
        "afwezig", "automatisch antwoord", "out of the office",
    ]
    static let noReplyLocals = ["mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply", "bounce", "bounces"]

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
            return auto.hasPrefix("auto-replied") ? .autoReply("Auto-Submitted: \(auto)") : .bulk("Auto-Submitted: \(auto)")
        }
        if m.header("X-Autoreply") != nil || m.header("X-Autorespond") != nil {
            return .autoReply("X-Autoreply header")
        }
        if let suppress = m.header("X-Auto-Response-Suppress"), !suppress.isEmpty {
            let lowered = suppress.lowercased()
            if lowered.containsBytes("oof") || lowered.containsBytes("autoreply") || lowered.containsBytes("all") {
                // Exchange sets this on its own automatic replies and notifications.
                let subject = m.subject.lowercased()
                if outOfOfficeSubjects.contains(where: subject.containsBytes) { return .autoReply("out-of-office subject") }
                return .bulk("X-Auto-Response-Suppress: \(suppress)")
            }
        }
        if let precedence = m.header("Precedence")?.lowercased().trimmingCharacters(in: .whitespaces),
           ["bulk", "junk", "list", "auto_reply"].contains(precedence) {
            return precedence == "auto_reply" ? .autoReply("Precedence: auto_reply") : .bulk("Precedence: \(precedence)")
        }
        if m.header("List-Id") != nil || m.header("List-Unsubscribe") != nil {
            return .bulk("mailing list")
        }
        if noReplyLocals.contains(fromLocal) {
            return .bulk("sender \(m.from?.email ?? "")")
        }
        let subject = m.subject.lowercased()
        if outOfOfficeSubjects.contains(where: { subject.hasPrefix($0) || subject.containsBytes($0 + ":") }) {
            return .autoReply("out-of-office subject")
        }
        return nil
    }
}
