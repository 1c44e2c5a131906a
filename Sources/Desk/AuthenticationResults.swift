import MIME

/// RFC 8601 `Authentication-Results`, read only from our own receiving server (its authserv-id), to tell a
/// staff member's real mail from a forged From. The receiving server puts its header on top and must remove
/// forged ones carrying its id; we therefore read the topmost header with that id and nothing below it.
public enum AuthenticationResults {
    /// Whether DKIM (header.d) or SPF (smtp.mailfrom) passed for `domain`, according to `authservID`.
    public static func passes(_ message: ParsedMessage, authservID: String, domain: String) -> Bool {
        guard let header = message.headers(named: "Authentication-Results").first(
            where: { servID(of: $0) == authservID.lowercased() }) else {
            return false
        }
        let wanted = domain.lowercased()
        for result in header.split(separator: ";").dropFirst() {
            let words = result.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.lowercased() }
            guard let verdict = words.first else { continue }
            let properties = words.dropFirst()
            if verdict == "dkim=pass", properties.contains(where: { $0 == "header.d=\(wanted)" ||
                $0 == "header.i=@\(wanted)" }) { return true }
            if verdict == "spf=pass", properties.contains(where: {
                $0.hasPrefix("smtp.mailfrom=") && ($0.hasSuffix("@\(wanted)") || $0 == "smtp.mailfrom=\(wanted)")
            }) { return true }
        }
        return false
    }

    static func servID(of header: String) -> String {
        let first = header.split(separator: ";", maxSplits: 1).first ?? ""
        // The id may be followed by a version number: "mx.example.test 1".
        return first.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map { $0.lowercased() } ?? ""
    }
}
