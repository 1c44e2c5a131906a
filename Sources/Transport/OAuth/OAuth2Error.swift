/// Why no access token could be had. The texts never contain a secret (see `SecretRedactor`).
public enum OAuth2Error: Error, CustomStringConvertible, Equatable {
    /// The settings or the environment are incomplete (a variable not set, no refresh token yet).
    case configuration(String)
    /// The token endpoint refused (e.g. `invalid_grant`: the refresh token was revoked or has expired).
    case refused(String)
    /// The endpoint or the token command could not be reached or gave no usable answer; try again later.
    case unavailable(String)

    public var description: String {
        switch self {
        case .configuration(let m): return "OAuth2 settings: \(m)"
        case .refused(let m): return "OAuth2 token refused: \(m)"
        case .unavailable(let m): return "OAuth2 token unavailable: \(m)"
        }
    }
}

/// Replaces every secret it knows by `[redacted]` in texts that came from elsewhere (server answers, helpers).
struct SecretRedactor {
    private(set) var secrets: [String] = []

    mutating func add(_ secret: String?) {
        guard let secret, secret.count >= 4, !secrets.contains(secret) else { return }
        secrets.append(secret)
    }

    func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingOccurrences(of: $1, with: "[redacted]") }
    }
}
