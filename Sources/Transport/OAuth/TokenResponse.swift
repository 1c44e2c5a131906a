import Foundation

/// A token endpoint's JSON answer (RFC 6749 §5.1 and §5.2; RFC 8628 §3.5 adds the device-flow errors).
struct TokenResponse {
    var accessToken: String?
    var expiresIn: Double?
    var refreshToken: String?
    var error: String?
    var errorDescription: String?

    /// Parses `body`; nil when it is not a JSON object.
    init?(json body: [UInt8]) {
        guard let obj = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return nil }
        accessToken = obj["access_token"] as? String
        // Numbers per the RFC; some providers send strings.
        expiresIn = (obj["expires_in"] as? NSNumber)?.doubleValue ?? (obj["expires_in"] as? String).flatMap(Double.init)
        refreshToken = obj["refresh_token"] as? String
        error = obj["error"] as? String
        errorDescription = obj["error_description"] as? String
    }

    /// "invalid_grant: AADSTS70008: The refresh token has expired …" for the error answers.
    var errorText: String {
        [error, errorDescription].compactMap { $0 }.joined(separator: ": ")
    }
}
