import Configuration
import Foundation
import Transport

/// `postdesk auth login --mailbox|--outbox` and `postdesk auth check`: connect an OAuth2 account and say
/// whether a token can be had, and for whom. The CLI only parses arguments and prints.
public enum AuthCommands {
    public enum Endpoint: String, CaseIterable, Sendable {
        case mailbox, outbox
    }

    /// The endpoint's OAuth2 settings and login name, or why there are none.
    static func account(_ config: Configuration, _ endpoint: Endpoint) -> (OAuth2Settings, String)? {
        switch (endpoint, config.mailbox, config.outbox) {
        case (.mailbox, .imap(let imap), _): return imap.oauth2.map { ($0, imap.username) }
        case (.outbox, _, .smtp(let smtp)): return smtp.oauth2.map { ($0, smtp.username ?? "") }
        default: return nil
        }
    }

    /// Device-code login: prints the URL and the code, waits for the sign-in, stores the refresh token.
    public static func login(_ config: Configuration, _ endpoint: Endpoint, print: (String) -> Void,
                             sleep: @escaping (Double) -> Void = { Thread.sleep(forTimeInterval: $0) })
        throws -> Int32 {
        guard let (settings, username) = account(config, endpoint) else {
            throw FailureError("\(config.file): \(endpoint.rawValue) has no oauth2 settings; nothing to log in to")
        }
        let access = try DeviceCodeLogin.run(settings, prompt: { p in
            print("To connect \(username) (\(endpoint.rawValue)), open \(p.verificationURL)"
                  + " and enter the code \(p.userCode)")
            print("(the code is valid for \(Int(p.expiresIn / 60)) minutes; waiting for the sign-in …)")
        }, sleep: sleep)
        let who = JWTClaims(token: access)?.account.map { " for \($0)" } ?? ""
        print("signed in\(who); refresh token stored in \(settings.refreshTokenFile ?? "?") (mode 0600)")
        return 0
    }

    /// For each endpoint on a server: with OAuth2, can a token be had, for which account, until when; then a real
    /// login with it (or the password) — IMAP, and SMTP up to AUTH and QUIT without sending. Exit 1 when one failed.
    public static func check(_ config: Configuration, print: (String) -> Void) -> Int32 {
        var failed = false
        var any = false
        for endpoint in Endpoint.allCases {
            let oauth = account(config, endpoint)
            let provider = oauth.map { OAuth2TokenProvider(settings: $0.0, log: { _ in }) }
            var line = "\(endpoint.rawValue): "
            if let (settings, username) = oauth, let provider {
                any = true
                do {
                    line += try tokenLine(settings, username, provider: provider)
                } catch {
                    failed = true
                    print(line + "no usable token for \(username): \(error)")
                    continue
                }
            }
            do {
                switch (endpoint, config.mailbox, config.outbox) {
                case (.mailbox, .imap(let imap), _):
                    any = true
                    let source = try IMAPSource(settings: imap, log: { _ in }, tokens: provider)
                    try source.connect()
                    source.close()
                    line += (oauth == nil ? "" : "; ") + "IMAP login as \(imap.username) with "
                        + mechanismName(oauth?.0, imap.mechanism) + " ok"
                case (.outbox, _, .smtp(let smtp)):
                    any = true
                    let reply = try SMTPSender(settings: smtp, log: { _ in }, tokens: provider).checkLogin()
                    line += (oauth == nil ? "" : "; ") + "SMTP login"
                        + (smtp.username.map { " as \($0) with " + mechanismName(oauth?.0, smtp.mechanism) } ?? "")
                        + " at \(smtp.url) ok (\(reply)); QUIT, nothing sent"
                default:
                    continue
                }
                print(line)
            } catch {
                failed = true
                print(line + (oauth == nil ? "" : "; ") + "login failed: \(error)")
            }
        }
        if !any { print("nothing to check: the mailbox and the outbox are local folders") }
        return failed ? 1 : 0
    }

    /// "token for ACCOUNT via GRANT, valid until …"; throws when no token can be had.
    static func tokenLine(_ settings: OAuth2Settings, _ username: String,
                          provider: OAuth2TokenProvider) throws -> String {
        let token = try provider.accessToken()
        let claims = JWTClaims(token: token)
        var line = "token for \(claims?.account ?? username) via \(settings.grant.rawValue)"
        if let exp = provider.expiresAt { line += ", valid until \(ISO8601DateFormatter().string(from: exp))" }
        if let account = claims?.account, account.lowercased() != username.lowercased() {
            line += " (note: the login name is \(username))"
        }
        return line
    }

    static func mechanismName(_ oauth: OAuth2Settings?, _ mechanism: AuthMechanism?) -> String {
        oauth.map { $0.mechanism.rawValue.uppercased() } ?? mechanism.map { $0.rawValue.uppercased() }
            ?? "the password"
    }
}
