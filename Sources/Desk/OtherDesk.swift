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

    /// `pd.<11 hex digits of time>.<32 hex digits>@domain`, or the older `pd.<32 hex digits>@domain`.
    static func isOurMessageIDShape(_ id: String) -> Bool {
        guard id.hasPrefix("pd."), let at = id.firstIndex(of: "@") else { return false }
        let parts = id[id.index(id.startIndex, offsetBy: 3)..<at].split(separator: ".", omittingEmptySubsequences: false)
        let hex: (Substring) -> Bool = { $0.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) } }
        switch parts.count {
        case 1: return parts[0].count == 32 && hex(parts[0])
        case 2: return parts[0].count == 11 && parts[1].count == 32 && hex(parts[0]) && hex(parts[1])
        default: return false
        }
    }
}
