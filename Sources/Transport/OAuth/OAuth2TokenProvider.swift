import Foundation

/// Hands out access tokens for one OAuth2 account: cached in memory, renewed shortly before they expire, and
/// renewed once after the mail server refused one (`invalidate`), then only with growing pauses. A failed
/// renewal backs off too (5 s doubling to 5 min), so a revoked grant does not hammer the token endpoint.
/// The time comes from `clock`, so expiry and renewal are testable. Thread-safe (IMAP and SMTP share one).
public final class OAuth2TokenProvider: @unchecked Sendable {
    public let settings: OAuth2Settings
    private let environment: [String: String]
    private let clock: () -> Date
    private let log: TransportLog
    private let lock = NSLock()
    private var cached: (token: String, renewAt: Date, expiresAt: Date)?
    /// The refresh token in use (after a rotation, the new one).
    private var refreshToken: String?
    private var redactor = SecretRedactor()
    private var failure: (error: OAuth2Error, retryAt: Date)?
    private var failureBackoff = 0.0
    private var invalidateBackoff = 0.0
    private var nextInvalidate = Date.distantPast
    /// A rotated refresh token lives only in memory (no refreshTokenFile, or writing it failed).
    private var unstoredRotation = false
    /// Upper bound for one token request or token command.
    public var timeout: Double = 30

    public init(settings: OAuth2Settings, environment: [String: String] = ProcessInfo.processInfo.environment,
                clock: @escaping () -> Date = Date.init, log: @escaping TransportLog = transportLogToStandardError) {
        self.settings = settings
        self.environment = environment
        self.clock = clock
        self.log = log
        redactor.add(settings.clientSecretEnv.flatMap { environment[$0] })
        redactor.add(settings.refreshTokenEnv.flatMap { environment[$0] })
    }

    /// One provider per account, shared by the mailbox and the outbox when their settings name the same one
    /// (so a rotated refresh token is used by both).
    public static func shared(_ settings: OAuth2Settings,
                              log: @escaping TransportLog = transportLogToStandardError) -> OAuth2TokenProvider {
        var key = settings
        key.mechanism = .xoauth2
        registryLock.lock()
        defer { registryLock.unlock() }
        if let p = registry[key] { return p }
        let p = OAuth2TokenProvider(settings: settings, log: log)
        registry[key] = p
        return p
    }
    nonisolated(unsafe) private static var registry: [OAuth2Settings: OAuth2TokenProvider] = [:]
    private static let registryLock = NSLock()

    /// A valid access token: the cached one, or a new one from the endpoint or the token command.
    public func accessToken() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let now = clock()
        if let c = cached, now < c.renewAt { return c.token }
        if let f = failure, now < f.retryAt {
            if let c = cached, now < c.expiresAt { return c.token }
            throw f.error
        }
        do {
            let (token, expiresAt) = try fetch(now: now)
            let lifetime = max(0, expiresAt.timeIntervalSince(now))
            cached = (token, expiresAt.addingTimeInterval(-min(300, lifetime / 10)), expiresAt)
            failure = nil
            failureBackoff = 0
            return token
        } catch let e as OAuth2Error {
            failureBackoff = failureBackoff == 0 ? 5 : min(failureBackoff * 2, 300)
            failure = (e, now.addingTimeInterval(failureBackoff))
            if let c = cached, now < c.expiresAt {
                log("OAuth2 renewal failed, the current token is still valid until \(c.expiresAt): \(e)")
                return c.token
            }
            throw e
        }
    }

    /// The mail server refused the token. Returns true when a fresh one will be fetched: the first time, then
    /// only after a pause that doubles (30 s … 15 min) until a login succeeds again.
    public func invalidate() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        let now = clock()
        guard now >= nextInvalidate else { return false }
        cached = nil
        failure = nil
        invalidateBackoff = invalidateBackoff == 0 ? 30 : min(invalidateBackoff * 2, 900)
        nextInvalidate = now.addingTimeInterval(invalidateBackoff)
        return true
    }

    /// A login with the current token worked: the next refusal may renew at once again.
    public func loginSucceeded() {
        lock.lock()
        invalidateBackoff = 0
        nextInvalidate = .distantPast
        lock.unlock()
    }

    /// When the cached token expires (nil: none cached).
    public var expiresAt: Date? {
        lock.lock()
        defer { lock.unlock() }
        return cached?.expiresAt
    }

    // MARK: - Grants

    private func fetch(now: Date) throws -> (String, Date) {
        switch settings.grant {
        case .command:
            let token = try TokenCommand.run(settings.tokenCommand ?? "", timeout: settings.tokenCommandTimeout)
            redactor.add(token)
            // A JWT says when it expires; an opaque token is used for five minutes (or until refused).
            return (token, JWTClaims(token: token)?.expiry ?? now.addingTimeInterval(300))
        case .clientCredentials:
            var form = [("grant_type", "client_credentials"), ("client_id", settings.clientID ?? "")]
            form.append(("client_secret", try secret(settings.clientSecretEnv, what: "clientSecretEnv") ?? ""))
            if let s = settings.scope { form.append(("scope", s)) }
            return try request(form, now: now)
        case .refreshToken:
            guard let rt = currentRefreshToken() else {
                throw OAuth2Error.configuration("no refresh token: "
                    + [settings.refreshTokenFile.map { "\($0) holds none" },
                       settings.refreshTokenEnv.map { "environment variable \($0) is not set" }]
                        .compactMap { $0 }.joined(separator: ", ")
                    + "; run postdesk auth login")
            }
            var form = [("grant_type", "refresh_token"), ("refresh_token", rt), ("client_id", settings.clientID ?? "")]
            if let s = try secret(settings.clientSecretEnv, what: "clientSecretEnv") {
                form.append(("client_secret", s))
            }
            if let s = settings.scope { form.append(("scope", s)) }
            return try request(form, now: now)
        }
    }

    private func secret(_ variable: String?, what: String) throws -> String? {
        guard let variable else { return nil }
        guard let v = environment[variable], !v.isEmpty else {
            throw OAuth2Error.configuration("\(what): environment variable \(variable) is not set")
        }
        return v
    }

    /// The file is read at every renewal: `auth login`, `auth check` or another worker may have stored a newer
    /// token there. After a failed write the token in memory is the newer one.
    private func currentRefreshToken() -> String? {
        if !unstoredRotation, let file = settings.refreshTokenFile, let stored = SecretFile.read(file) {
            refreshToken = stored
        } else if refreshToken == nil {
            refreshToken = settings.refreshTokenEnv.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
        }
        redactor.add(refreshToken)
        return refreshToken
    }

    /// POSTs a grant; a new refresh token in the answer replaces the old one (and is stored).
    private func request(_ form: [(String, String)], now: Date) throws -> (String, Date) {
        let endpoint = settings.tokenEndpoint ?? ""
        if let problem = OAuth2Settings.endpointProblem(endpoint) {
            throw OAuth2Error.configuration("tokenEndpoint \(problem)")
        }
        let r = try httpPostForm(endpoint, fields: form, caFile: settings.caFile, timeout: timeout)
        let answer = TokenResponse(json: r.body)
        if r.status == 200, let answer, let token = answer.accessToken, !token.isEmpty {
            redactor.add(token)
            if let rotated = answer.refreshToken, !rotated.isEmpty, rotated != refreshToken,
               settings.grant == .refreshToken {
                redactor.add(rotated)
                refreshToken = rotated
                storeRotated(rotated)
            }
            return (token, now.addingTimeInterval(answer.expiresIn ?? 3600))
        }
        let said = redactor.redact(answer.map(\.errorText).flatMap { $0.isEmpty ? nil : $0 }
            ?? String(decoding: r.body.prefix(200), as: UTF8.self))
        if let code = answer?.error, (400..<500).contains(r.status) {
            let fix = settings.grant == .refreshToken && code == "invalid_grant"
                ? "; the refresh token was revoked or has expired: run postdesk auth login again" : ""
            throw OAuth2Error.refused("\(endpoint) answered HTTP \(r.status) \(said)\(fix)")
        }
        throw OAuth2Error.unavailable("\(endpoint) answered HTTP \(r.status): \(said)")
    }

    /// Stores a rotated refresh token; when that is impossible it is used from memory (the access token in hand
    /// is good either way), and said once.
    private func storeRotated(_ token: String) {
        do {
            guard let file = settings.refreshTokenFile else {
                throw OAuth2Error.configuration("refreshTokenFile is not set")
            }
            try SecretFile.write(token, to: file)
            unstoredRotation = false
            log("OAuth2: stored the rotated refresh token in \(file)")
        } catch {
            if !unstoredRotation {
                log("OAuth2: the provider issued a new refresh token that cannot be stored (\(error)); it is kept in"
                    + " memory until the worker stops")
            }
            unstoredRotation = true
        }
    }
}
