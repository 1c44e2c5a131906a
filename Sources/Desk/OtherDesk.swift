import MIME

/// Automatic mail written by a Postdesk — ours come back as `.ourselves`; this is another desk's (a provider that is
/// also our customer, or two desks listing each other). Answering it, or telling staff about it, would start a loop
/// of notices, one per round, so it is kept and ignored. A relayed human answer carries no Auto-Submitted and is
/// handled as any mail.
public enum OtherDesk {
    public static func wrote(_ m: ParsedMessage) -> Bool {
        if m.header("X-Postdesk-Ticket") != nil || m.header("X-Postdesk-Escalation") != nil { return true }
        guard let id = m.messageID else { return false }
        return isOurMessageIDShape(id)
    }

    /// `pd.<11 hex digits of time>.<32 hex digits>@domain`, or the older `pd.<32 hex digits>@domain`: the shape
    /// delivery reports are scanned for too.
    static func isOurMessageIDShape(_ id: String) -> Bool {
        id.range(of: "^" + BounceReport.ourMessageIDPattern + "$", options: .regularExpression) != nil
    }
}
