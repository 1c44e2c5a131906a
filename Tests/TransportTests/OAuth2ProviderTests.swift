import Foundation
import StackTestSupport
import Testing
@testable import Transport

/// The token provider against a token endpoint on 127.0.0.1, with a clock the test moves (no mail stack).
struct OAuth2ProviderTests {
    /// A token endpoint with refresh token rt-1 (600 s tokens) and a provider for it on a clock the test moves.
    func lab() throws -> (TokenEndpointServer, OAuth2TokenProvider, TestClock) {
        let minter = JWTMinter(key: Array(repeating: 1, count: 32), kid: "unit", issuer: "https://idp.test",
                               audience: "x")
        let s = try TokenEndpointServer(minter: minter)
        s.configure { $0.refreshTokens["rt-1"] = "support@example.test"; $0.lifetime = 600 }
        let settings = OAuth2Settings(tokenEndpoint: s.tokenURL, clientID: "postdesk-test", refreshTokenEnv: "RT")
        let clock = TestClock()
        let p = OAuth2TokenProvider(settings: settings, environment: ["RT": "rt-1"], clock: clock.now, log: { _ in })
        return (s, p, clock)
    }

    @Test func tokenIsCachedAndRenewedBeforeItExpires() throws {
        let (s, p, clock) = try lab()
        defer { s.stop() }
        let first = try p.accessToken()
        clock.advance(530)
        #expect(try p.accessToken() == first)
        #expect(s.requestCount() == 1)
        // 600 s lifetime: renewed in its last tenth (60 s), before it expires.
        clock.advance(11)
        _ = try p.accessToken()
        #expect(s.requestCount() == 2)
        #expect(p.expiresAt == clock.now().addingTimeInterval(600))
    }

    @Test func aFailedRenewalBacksOffAndKeepsAStillValidToken() throws {
        let (s, p, clock) = try lab()
        defer { s.stop() }
        let first = try p.accessToken()
        s.configure { $0.refreshTokens = [:] }
        clock.advance(550)
        #expect(try p.accessToken() == first) // renewal refused, but the token is good for 50 s more
        #expect(s.requestCount() == 2)
        clock.advance(2)
        #expect(try p.accessToken() == first) // within the 5 s backoff: no request
        #expect(s.requestCount() == 2)
        clock.advance(60) // expired, and the grant is revoked
        #expect(throws: OAuth2Error.self) { _ = try p.accessToken() }
        #expect(s.requestCount() == 3)
        #expect(throws: OAuth2Error.self) { _ = try p.accessToken() } // backing off (10 s): no request
        #expect(s.requestCount() == 3)
    }

    @Test func aRotatedTokenThatCannotBeStoredIsUsedFromMemory() throws {
        let (s, _, clock) = try lab()
        defer { s.stop() }
        s.configure { $0.rotate = true }
        let settings = OAuth2Settings(tokenEndpoint: s.tokenURL, clientID: "postdesk-test", refreshTokenEnv: "RT",
                                      refreshTokenFile: "/nonexistent-\(stackToken())/token")
        let lines = LogLines()
        let p = OAuth2TokenProvider(settings: settings, environment: ["RT": "rt-1"], clock: clock.now, log: lines.add)
        _ = try p.accessToken() // rotated; the file cannot be written
        #expect(lines.all.count == 1 && lines.all[0].contains("cannot be stored"), "\(lines.all)")
        let rotated = try #require(s.currentBehaviour.refreshTokens.keys.first)
        clock.advance(590)
        _ = try p.accessToken()
        #expect(s.requests.last?["refresh_token"] == rotated)
        #expect(lines.all.count == 1, "said once")
    }

    @Test func invalidateRenewsOnceThenBacksOff() throws {
        let (s, p, clock) = try lab()
        defer { s.stop() }
        _ = try p.accessToken()
        #expect(p.invalidate())
        _ = try p.accessToken()
        #expect(s.requestCount() == 2)
        #expect(!p.invalidate())
        clock.advance(31)
        #expect(p.invalidate())
        #expect(!p.invalidate())
        clock.advance(31)
        #expect(!p.invalidate()) // the pause doubled to 60 s
        p.loginSucceeded()
        #expect(p.invalidate())
    }

    @Test func tokenCommandTimesOutAndReportsFailure() throws {
        let slowCommand = OAuth2Settings(grant: .command, tokenCommand: "sleep 5", tokenCommandTimeout: 0.3)
        let slow = OAuth2TokenProvider(settings: slowCommand, environment: [:], log: { _ in })
        let start = Date()
        #expect(throws: OAuth2Error.unavailable("tokenCommand did not finish within 0.3 s (killed)")) {
            _ = try slow.accessToken()
        }
        #expect(Date().timeIntervalSince(start) < 3)
        let failing = OAuth2TokenProvider(settings: OAuth2Settings(grant: .command, tokenCommand: "exit 3"),
                                          environment: [:], log: { _ in })
        #expect(throws: OAuth2Error.unavailable("tokenCommand exited with status 3")) { _ = try failing.accessToken() }
    }

    @Test func settingsProblems() {
        let env = ["SET": "x"]
        var s = OAuth2Settings(tokenEndpoint: "http://login.example.com/token", clientID: "c", clientSecretEnv: "UNSET",
                               refreshTokenEnv: "SET")
        let fields = s.problems(environment: env).map(\.field)
        #expect(fields == ["tokenEndpoint", "clientSecretEnv"])
        s.tokenEndpoint = "http://127.0.0.1:8080/token"
        s.clientSecretEnv = "SET"
        #expect(s.problems(environment: env).isEmpty)
        s.refreshTokenEnv = "UNSET"
        #expect(s.problems(environment: env).map(\.field) == ["refreshTokenEnv"])
        s.grant = .clientCredentials
        s.clientSecretEnv = nil
        #expect(s.problems(environment: env).map(\.field) == ["clientSecretEnv"])
    }

    @Test func formEncodingEscapesEverythingButUnreserved() {
        let form = [("scope", "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"), ("a", "x+y&z=ü")]
        #expect(formURLEncoded(form) == "scope=https%3A%2F%2Foutlook.office.com%2FIMAP.AccessAsUser.All"
                + "%20offline_access&a=x%2By%26z%3D%C3%BC")
    }
}
