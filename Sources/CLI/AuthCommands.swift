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

    /// For each endpoint with OAuth2: can a token be had, for which account, until when; the mailbox also logs
    /// in to the IMAP server with it. Exit 1 when one failed.
    public static func check(_ config: Configuration, print: (String) -> Void) -> Int32 {
        var failed = false
        var any = false
        for endpoint in Endpoint.allCases {
            guard let (settings, username) = account(config, endpoint) else { continue }
            any = true
            let provider = OAuth2TokenProvider(settings: settings, log: { _ in })
            do {
                let token = try provider.accessToken()
                let claims = JWTClaims(token: token)
                let who = claims?.account ?? username
                var line = "\(endpoint.rawValue): token for \(who) via \(settings.grant.rawValue)"
                if let exp = provider.expiresAt { line += ", valid until \(ISO8601DateFormatter().string(from: exp))" }
                if let account = claims?.account, account.lowercased() != username.lowercased() {
                    line += " (note: the login name is \(username))"
                }
                if endpoint == .mailbox, case .imap(let imap) = config.mailbox {
                    let source = try IMAPSource(settings: imap, log: { _ in }, tokens: provider)
                    try source.connect()
                    source.close()
                    line += "; IMAP login as \(username) with \(settings.mechanism.rawValue.uppercased()) ok"
                }
                print(line)
            } catch {
                failed = true
                print("\(endpoint.rawValue): no usable token for \(username): \(error)")
            }
        }
        if !any { print("no endpoint uses oauth2 (mailbox and outbox log in with passwords or not at all)") }
        return failed ? 1 : 0
    }
}
