import Foundation

/// The claims of a JWT access token, read without checking the signature (the mail server does that): only
/// to tell the operator which account a token is for and when it expires. Opaque tokens (Google's) give nil.
public struct JWTClaims {
    public var claims: [String: Any]

    public init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var b64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        b64 += String(repeating: "=", count: (4 - b64.count % 4) % 4)
        guard let data = Data(base64Encoded: b64),
              let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return nil }
        claims = obj
    }

    public var expiry: Date? { (claims["exp"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) } }

    /// The account as Microsoft (upn, preferred_username, unique_name) or others (email, sub) name it.
    public var account: String? {
        for key in ["email", "upn", "preferred_username", "unique_name", "sub"] {
            if let v = claims[key] as? String, !v.isEmpty { return v }
        }
        return nil
    }
}
