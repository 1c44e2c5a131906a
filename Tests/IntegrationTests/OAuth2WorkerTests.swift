import Foundation
import StackTestSupport
import Testing
@testable import Store
@testable import Transport
@testable import CLI
@testable import Configuration
@testable import Pipeline

/// The real `postdesk` binary with OAuth2 on both ends: IMAP XOAUTH2 with a refresh token (rotated by the
/// endpoint, stored 0600), submission OAUTHBEARER with the client-credentials grant; tokens from an endpoint
/// the test serves on 127.0.0.1, validated by Dovecot's oauth2 passdb (and Postfix through it).
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct OAuth2WorkerTests {
    let stack = MailStack.current!
    static let secretVariable = "POSTDESK_IT_OAUTH_SECRET"

    func log(_ name: String) -> String {
        (try? String(contentsOfFile: stack.dir + "/log/\(name).log", encoding: .utf8)) ?? ""
    }

    @Test func customerMailIsAcknowledgedOverOAuth2AndARevokedTokenFailsHealth() throws {
        let server = try TokenEndpointServer(minter: try JWTMinter.install(in: stack))
        defer { server.stop() }
        server.configure { $0.rotate = true; $0.devicePending = 1; $0.deviceSlowDown = false }
        setenv(Self.secretVariable, server.currentBehaviour.clientSecret, 1)
        var tokenFile = ""
        let desk = try Desk(stack) { json in
            var m = json["mailbox"] as! [String: Any]
            var o = json["outbox"] as! [String: Any]
            m["passwordEnv"] = nil
            o["passwordEnv"] = nil
            tokenFile = (json["database"] as! String)
                .replacingOccurrences(of: "db/postdesk.sqlite", with: "mailbox.token")
            m["oauth2"] = ["mechanism": "xoauth2", "tokenEndpoint": server.tokenURL, "clientID": "postdesk-test",
                           "deviceAuthorizationEndpoint": server.deviceURL, "clientSecretEnv": Self.secretVariable,
                           "refreshTokenFile": tokenFile]
            o["oauth2"] = ["mechanism": "oauthbearer", "grant": "client_credentials", "tokenEndpoint": server.tokenURL,
                           "clientID": "postdesk-test", "clientSecretEnv": Self.secretVariable]
            json["mailbox"] = m
            json["outbox"] = o
        }
        func postdesk(_ args: [String], _ name: String) throws -> Child {
            try Child(try postdeskBinary(), args + ["--config", desk.configPath], dir: desk.dir, name: name)
        }
        // The operator connects the mailbox: the device-code login stores the refresh token.
        #expect(PostdeskCommand.main(["check-config", "--config", desk.configPath]) == 2, "no refresh token yet")
        let login = try postdesk(["auth", "login", "--mailbox"], "login")
        #expect(try login.wait(timeout: 60) == 0, "\(login.stdout)\(login.stderr)")
        #expect(login.stdout.contains("open https://login.example.test/device and enter the code WDJB-MJHT"),
                "\(login.stdout)")
        #expect(login.stdout.contains("signed in for support@example.test; refresh token stored in \(tokenFile)"),
                "\(login.stdout)")
        let initial = try #require(SecretFile.read(tokenFile))
        #expect(PostdeskCommand.main(["check-config", "--config", desk.configPath]) == 0)
        let dovecotMark = log("dovecot").utf8.count
        let postfixMark = log("postfix").utf8.count

        try desk.sendCustomerMail(subject: "VPN refuses every login",
                                  body: "Hello,\n\nnobody here can log in to the VPN.\n\nCustomer One")
        try desk.route(count: 1)
        let run = try desk.runOnce()
        #expect(run.status == 0, "run --once: \(run.log)")
        #expect(try desk.store().tickets().count == 1, "log:\n\(run.log)")
        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let acks = try customer1.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        #expect(acks.count == 1, "the acknowledgement reached customer1's INBOX")

        // Both logins used OAuth2 with the configured mechanisms.
        #expect(waitUntil(5) {
            String(decoding: Array(log("dovecot").utf8).dropFirst(dovecotMark), as: UTF8.self)
                .contains("Login: user=<support@example.test>, method=XOAUTH2")
        })
        #expect(waitUntil(5) {
            String(decoding: Array(log("postfix").utf8).dropFirst(postfixMark), as: UTF8.self)
                .contains("sasl_method=OAUTHBEARER, sasl_username=support@example.test")
        })
        // The endpoint rotated the refresh token: the new one is stored 0600; no secret reached the log.
        let stored = try #require(SecretFile.read(tokenFile))
        #expect(stored != initial && server.currentBehaviour.refreshTokens[stored] != nil)
        #expect((try FileManager.default.attributesOfItem(atPath: tokenFile)[.posixPermissions] as? Int) == 0o600)
        for secret in [initial, stored, server.currentBehaviour.clientSecret] {
            #expect(!run.log.contains(secret), "a secret in the worker's log")
        }

        // auth check: a token for the account, and the IMAP login works.
        let check = try postdesk(["auth", "check"], "check")
        #expect(try check.wait(timeout: 60) == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("mailbox: token for support@example.test via refresh_token"), "\(check.stdout)")
        #expect(check.stdout.contains("IMAP login as support@example.test with XOAUTH2 ok"), "\(check.stdout)")
        #expect(check.stdout.contains("outbox: token for support@example.test via client_credentials"),
                "\(check.stdout)")
        // The outbox logs in to Postfix with the token for real (AUTH, NOOP, QUIT; nothing sent).
        #expect(check.stdout.contains("SMTP login as support@example.test with OAUTHBEARER at smtp://")
                && check.stdout.contains("ok (235"), "\(check.stdout)")

        // The provider revokes the grant: run fails with the reason, health fails with it, auth check says so.
        server.configure { $0.refreshTokens = [:] }
        let revoked = try desk.runOnce()
        #expect(revoked.status == 1)
        #expect(revoked.log.contains("invalid_grant") && revoked.log.contains("run postdesk auth login again"),
                "\(revoked.log)")
        let health = try postdesk(["health"], "health")
        #expect(try health.wait(timeout: 30) == 1)
        #expect(health.stdout.contains("mailbox login refused since") && health.stdout.contains("invalid_grant"),
                "\(health.stdout)")
        let recheck = try postdesk(["auth", "check"], "recheck")
        #expect(try recheck.wait(timeout: 60) == 1)
        #expect(recheck.stdout.contains("mailbox: no usable token for support@example.test"), "\(recheck.stdout)")
        for text in [revoked.log, health.stdout, recheck.stdout] { #expect(!text.contains(stored)) }
    }
}
