/// Answers that mean "not now" for the whole account or server rather than "not this message": quota and
/// rate limits, overload, Exchange's back-pressure. They get a longer backoff, never a quarantined mail.
enum IMAPServerLimit {
    /// The kind of limit a NO/BAD/BYE text names, or nil for an ordinary refusal.
    static func kind(of text: String) -> String? {
        let upper = text.uppercased()
        for code in ["LIMIT", "OVERQUOTA", "UNAVAILABLE",
            "INUSE"] where upper.contains("[\(code)]") || upper.contains("[\(code) ") {
            return code
        }
        // Exchange: "NO Server Unavailable. 15"; Exchange Online: "NO [...] Request is throttled".
        if upper.contains("SERVER UNAVAILABLE") { return "UNAVAILABLE" }
        if upper.contains("THROTTL") { return "LIMIT" }
        return nil
    }

    /// A BYE that says the server is overloaded (a shutdown BYE is an ordinary lost connection).
    static func isOverload(_ text: String) -> Bool {
        let upper = text.uppercased()
        return ["OVERLOAD", "TOO MANY", "BUSY", "TRY AGAIN LATER", "SYSTEM ERROR"].contains { upper.contains($0) }
    }
}
