import Foundation
import StackTestSupport
import Testing
@testable import Transport

/// XOAUTH2 and OAUTHBEARER against the real Dovecot (oauth2 passdb, local JWT validation) and Postfix (SASL
/// through Dovecot), with tokens from a token endpoint the test serves on 127.0.0.1.
@Suite("OAuth2 against the mail stack", .serialized,
       .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct OAuth2StackTests {
    let stack = MailStack.current!
    let user = "support@example.test"

    /// A token endpoint with one valid refresh token for `user`, and settings pointing at it.
    func lab(grant: OAuth2Grant = .refreshToken, mechanism: OAuth2Mechanism = .xoauth2,
             file: String? = nil, user: String = "support@example.test")
        throws -> (TokenEndpointServer, OAuth2Settings, [String: String]) {
        let server = try TokenEndpointServer(minter: try JWTMinter.install(in: stack))
        let refresh = "rt-" + stackToken()
        server.configure { $0.refreshTokens[refresh] = user }
        let settings = OAuth2Settings(mechanism: mechanism, grant: grant, tokenEndpoint: server.tokenURL,
                                      deviceAuthorizationEndpoint: server.deviceURL, clientID: "postdesk-test",
                                      clientSecretEnv: "PD_TEST_CLIENT_SECRET", refreshTokenEnv: "PD_TEST_REFRESH",
                                      refreshTokenFile: file, scope: "mail")
        let env = ["PD_TEST_CLIENT_SECRET": server.currentBehaviour.clientSecret, "PD_TEST_REFRESH": refresh]
        return (server, settings, env)
    }

    /// A path for a refresh-token file in a fresh folder (remove the folder when done).
    func scratchFile() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(stackToken("oauth"))
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("refresh-token").path
    }

    func dovecotLog() -> String {
        (try? String(contentsOfFile: stack.dir + "/log/dovecot.log", encoding: .utf8)) ?? ""
    }

    func postfixLog() -> String {
        (try? String(contentsOfFile: stack.dir + "/log/postfix.log", encoding: .utf8)) ?? ""
    }

    func imapSource(_ provider: OAuth2TokenProvider, tls: TLSMode = .starttls,
                    user: String = "support@example.test") throws -> IMAPSource {
        let url = tls == .implicit ? "imaps://\(stack.host):\(stack.imapsPort)"
            : "imap://\(stack.host):\(stack.imapPort)"
        let s = IMAPSettings(url: url, username: user, password: "", tls: tls, caFile: stack.cacert)
        return try IMAPSource(settings: s, log: { _ in }, tokens: provider)
    }

    /// The OAuth2 logins of `user` since `mark`, by method.
    func oauthLogins(_ user: String, after mark: Int) -> [String] {
        let text = String(decoding: Array(dovecotLog().utf8).dropFirst(mark), as: UTF8.self)
        return text.split(separator: "\n").filter { $0.contains("imap-login: Info: Login: user=<\(user)>") }
            .compactMap { line in
                line.range(of: "method=").map { String(line[$0.upperBound...].prefix { $0 != "," }) }
            }.filter { $0 == "XOAUTH2" || $0 == "OAUTHBEARER" }
    }

    @Test(arguments: [OAuth2Mechanism.xoauth2, .oauthbearer], [TLSMode.starttls, .implicit])
    func imapLogsInWithTheChosenMechanism(mechanism: OAuth2Mechanism, tls: TLSMode) throws {
        // A user per case: the cases run in parallel and the log names only the user.
        let users = [OAuth2Mechanism.xoauth2: ["starttls": "customer2@customer.test",
                                               "implicit": "agent1@example.test"],
                     .oauthbearer: ["starttls": "csm@example.test", "implicit": "lead@example.test"]]
        let user = users[mechanism]![tls.rawValue]!
        let (server, settings, env) = try lab(mechanism: mechanism, user: user)
        defer { server.stop() }
        let provider = OAuth2TokenProvider(settings: settings, environment: env, log: { _ in })
        let mark = dovecotLog().utf8.count
        let source = try imapSource(provider, tls: tls, user: user)
        try source.connect()
        _ = try source.fetch(after: nil, limit: 1)
        source.close()
        // Dovecot's log process writes the line a moment later.
        waitUntil(5, every: 0.1) { !oauthLogins(user, after: mark).isEmpty }
        #expect(oauthLogins(user, after: mark) == [mechanism.rawValue.uppercased()])
        #expect(server.requestCount() == 1)
        // The grant carried the refresh token, the client ID and the secret.
        let form = server.requests.last!
        #expect(form["grant_type"] == "refresh_token" && form["refresh_token"] == env["PD_TEST_REFRESH"])
        #expect(form["client_secret"] == env["PD_TEST_CLIENT_SECRET"] && form["scope"] == "mail")
    }

    @Test(arguments: [OAuth2Mechanism.xoauth2, .oauthbearer])
    func smtpSubmissionSendsWithTheChosenMechanism(mechanism: OAuth2Mechanism) throws {
        let (server, settings, env) = try lab(grant: .clientCredentials, mechanism: mechanism)
        defer { server.stop() }
        let provider = OAuth2TokenProvider(settings: settings, environment: env, log: { _ in })
        let s = SMTPSettings(url: "smtp://\(stack.host):\(stack.submissionPort)", username: user,
                             caFile: stack.cacert, heloName: "postdesk.test")
        let sender = try SMTPSender(settings: s, log: { _ in }, tokens: provider)
        let id = stackToken("oauth-smtp")
        try sender.send(testMessage(id: id, from: user, to: "customer1@customer.test"), envelopeFrom: user,
                        recipients: ["customer1@customer.test"], messageID: id)
        sender.close()
        #expect(try StackIMAP(stack, user: "customer1@customer.test").waitFor("INBOX", messageID: id).count == 1)
        #expect(server.requests.last?["grant_type"] == "client_credentials")
        let method = "sasl_method=\(mechanism.rawValue.uppercased()), sasl_username=\(user)"
        #expect(waitUntil(5) { postfixLog().contains(method) }, "\(method) not in the Postfix log")
    }

    @Test func clientCredentialsWithAWrongSecretIsRefusedWithoutShowingTheSecret() throws {
        let (server, settings, _) = try lab(grant: .clientCredentials)
        defer { server.stop() }
        let wrong = "wrong-secret-" + stackToken()
        let provider = OAuth2TokenProvider(settings: settings, environment: ["PD_TEST_CLIENT_SECRET": wrong],
                                           log: { _ in })
        #expect(throws: OAuth2Error.self) { _ = try provider.accessToken() }
        do { _ = try provider.accessToken() } catch {
            let text = "\(error)"
            #expect(text.contains("invalid_client") && text.contains("[redacted]"), "\(text)")
            #expect(!text.contains(wrong), "\(text)")
        }
    }

    @Test func aRefusedTokenIsRenewedOnceAndTheLoginSucceeds() throws {
        let (server, settings, env) = try lab()
        defer { server.stop() }
        server.configure { $0.badTokens = 1 }
        let provider = OAuth2TokenProvider(settings: settings, environment: env, log: { _ in })
        let source = try imapSource(provider)
        try source.connect()
        source.close()
        #expect(server.requestCount() == 2)
    }

    @Test func anExpiredTokenThatTheEndpointCallsValidIsRenewedAfterTheRefusal() throws {
        let (server, settings, env) = try lab(mechanism: .oauthbearer)
        defer { server.stop() }
        // The endpoint claims an hour, the JWT says it expired a minute ago: Dovecot refuses it.
        server.configure { $0.jwtTTL = -60 }
        let provider = OAuth2TokenProvider(settings: settings, environment: env, log: { _ in })
        let source = try imapSource(provider)
        source.backoffBase = 0.01
        #expect(throws: IMAPError.self) { try source.connect() }
        // One renewal after the refusal, then no more requests while backing off.
        #expect(server.requestCount() == 2)
        #expect(!provider.invalidate())
        server.configure { $0.jwtTTL = nil }
        provider.loginSucceeded()
        #expect(provider.invalidate())
        Thread.sleep(forTimeInterval: 0.05)
        try source.connect()
        #expect(server.requestCount() == 3)
        source.close()
    }

    @Test func aRevokedRefreshTokenGivesAClearErrorWithoutTheToken() throws {
        let (server, settings, env) = try lab()
        defer { server.stop() }
        server.configure { $0.refreshTokens = [:] }
        let provider = OAuth2TokenProvider(settings: settings, environment: env, log: { _ in })
        let source = try imapSource(provider)
        do {
            try source.connect()
            Issue.record("logged in with a revoked refresh token")
        } catch let IMAPError.authenticationFailed(why) {
            #expect(why.contains("invalid_grant") && why.contains("run postdesk auth login again"), "\(why)")
            #expect(!why.contains(env["PD_TEST_REFRESH"]!), "\(why)")
        }
    }

    @Test func aRotatedRefreshTokenIsStored0600AndUsedNextTime() throws {
        let file = try scratchFile()
        defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
        let (server, settings, env) = try lab(file: file)
        defer { server.stop() }
        server.configure { $0.rotate = true; $0.lifetime = 600 }
        let clock = TestClock()
        let provider = OAuth2TokenProvider(settings: settings, environment: env, clock: clock.now, log: { _ in })
        _ = try provider.accessToken()
        let stored = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(stored.hasPrefix("rt-") && stored != env["PD_TEST_REFRESH"])
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // The old token no longer works at the endpoint; the renewal uses the stored one.
        clock.advance(590)
        _ = try provider.accessToken()
        #expect(server.requests.last?["refresh_token"] == stored)
        // A fresh provider (a restart) reads the file, not the stale environment variable.
        let latest = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
        let restarted = OAuth2TokenProvider(settings: settings, environment: env, log: { _ in })
        try imapSource(restarted).connect()
        #expect(server.requests.last?["refresh_token"] == latest)
        // That rotated the token again; the first provider picks the stored one up at its next renewal.
        let newest = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(newest != latest)
        clock.advance(590)
        _ = try provider.accessToken()
        #expect(server.requests.last?["refresh_token"] == newest)
    }

    @Test func tokenCommandTokenLogsIn() throws {
        let minter = try JWTMinter.install(in: stack)
        let settings = OAuth2Settings(grant: .command, tokenCommand: "printf '%s\\n' '\(minter.mint(user))'")
        let provider = OAuth2TokenProvider(settings: settings, environment: [:], log: { _ in })
        try imapSource(provider).connect()
        // The JWT's exp sets the cache lifetime.
        #expect(abs((provider.expiresAt?.timeIntervalSinceNow ?? 0) - 3600) < 60)
    }

    @Test func deviceCodeLoginPollsAndStoresTheRefreshToken() throws {
        let file = try scratchFile()
        defer { try? FileManager.default.removeItem(atPath: (file as NSString).deletingLastPathComponent) }
        let (server, settings, env) = try lab(file: file)
        defer { server.stop() }
        var prompts: [DeviceCodePrompt] = []
        var slept: [Double] = []
        let access = try DeviceCodeLogin.run(settings, environment: env, prompt: { prompts.append($0) },
                                             sleep: { slept.append($0) })
        #expect(prompts == [DeviceCodePrompt(verificationURL: "https://login.example.test/device",
                                             userCode: "WDJB-MJHT", expiresIn: 900)])
        // interval 1 s; two authorization_pending, then slow_down adds 5 s.
        #expect(slept == [1, 1, 1, 6])
        #expect(!access.isEmpty)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // The stored refresh token gets a token that logs in.
        let provider = OAuth2TokenProvider(settings: settings, environment: env.filter { $0.key != "PD_TEST_REFRESH" },
                                           log: { _ in })
        try imapSource(provider).connect()
    }
}

/// A clock the test moves.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var t = Date()
    func now() -> Date { lock.lock(); defer { lock.unlock() }; return t }
    func advance(_ s: Double) { lock.lock(); t = t.addingTimeInterval(s); lock.unlock() }
}
