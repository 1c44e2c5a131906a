import CCurl

/// A bearer token and the SASL mechanism that presents it to a mail server.
struct MailBearer {
    var token: String
    var mechanism: OAuth2Mechanism

    /// Sets the token and forces the mechanism. `CURLOPT_HTTPAUTH` stays unset: with `CURLAUTH_BEARER` libcurl
    /// before 8.6 offers OAUTHBEARER and XOAUTH2 together and picks OAUTHBEARER whatever the login options say.
    func apply(_ h: UnsafeMutableRawPointer) {
        _ = ccurl_setopt_string(h, CURLOPT_XOAUTH2_BEARER, token)
        _ = ccurl_setopt_string(h, CURLOPT_LOGIN_OPTIONS, mechanism.loginOptions)
    }
}

extension OAuth2TokenProvider {
    /// Runs `login` with a bearer token (nil provider: with nil, i.e. the password). When the server refuses
    /// the token (`isRefusal`), the token is renewed and `login` tried once more, unless the provider is
    /// backing off. A provider error becomes `mapError`'s error so the caller's own backoff handles it.
    static func login<T>(_ provider: OAuth2TokenProvider?, mapError: (OAuth2Error) -> Error,
                         isRefusal: (Error) -> Bool, _ login: (MailBearer?) throws -> T) throws -> T {
        guard let provider else { return try login(nil) }
        func bearer() throws -> MailBearer {
            do { return MailBearer(token: try provider.accessToken(), mechanism: provider.settings.mechanism) }
            catch let e as OAuth2Error { throw mapError(e) }
        }
        do {
            let result = try login(try bearer())
            provider.loginSucceeded()
            return result
        } catch where isRefusal(error) && provider.invalidate() {
            let result = try login(try bearer())
            provider.loginSucceeded()
            return result
        }
    }
}

/// libcurl's answer when the SMTP server refused the token (renew it, then report as usual).
struct SMTPLoginRefused: Error {
    var code: CURLcode
}
