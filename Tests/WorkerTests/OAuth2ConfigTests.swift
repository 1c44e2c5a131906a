import Foundation
import Testing
import Transport
@testable import CLI
@testable import Configuration

/// `mailbox.oauth2` / `outbox.oauth2` in the configuration: parsed into Transport's settings, every problem
/// reported as FILE: FIELD: problem. Fix: … (check-config and run share the reader).
@Suite struct OAuth2ConfigTests {
    func config(mailbox: String, outbox: String = #"{ "kind": "files", "path": "state/out" }"#) throws -> String {
        let shipped = try Data(contentsOf: Sandbox.repo.appendingPathComponent("Config/postdesk.json"))
        var json = try JSONSerialization.jsonObject(with: shipped) as! [String: Any]
        json["mailbox"] = try JSONSerialization.jsonObject(with: Data(mailbox.utf8))
        json["outbox"] = try JSONSerialization.jsonObject(with: Data(outbox.utf8))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("oauth-\(UUID().uuidString).json").path
        FileManager.default.createFile(atPath: path, contents: try JSONSerialization.data(withJSONObject: json))
        return path
    }

    @Test func oauth2FieldsAreReadIntoTransportSettings() throws {
        let path = try config(mailbox: """
            { "kind": "imap", "url": "imaps://outlook.office365.com", "username": "support@example.com",
              "oauth2": { "mechanism": "oauthbearer", "grant": "client_credentials",
                          "tokenEndpoint": "https://login.microsoftonline.com/t/oauth2/v2.0/token",
                          "clientID": "app", "clientSecretEnv": "PD_CFG_SECRET",
                          "scope": "https://outlook.office365.com/.default" } }
            """, outbox: """
            { "kind": "smtp", "url": "smtp://smtp.office365.com:587", "username": "support@example.com",
              "oauth2": { "grant": "command", "tokenCommand": "/usr/local/bin/token" } }
            """)
        let c = try Configuration.load(path: path, environment: ["PD_CFG_SECRET": "x"])
        guard case .imap(let imap) = c.mailbox, case .smtp(let smtp) = c.outbox else { Issue.record("kinds"); return }
        #expect(imap.oauth2 == OAuth2Settings(mechanism: .oauthbearer, grant: .clientCredentials,
                                              tokenEndpoint: "https://login.microsoftonline.com/t/oauth2/v2.0/token",
                                              clientID: "app", clientSecretEnv: "PD_CFG_SECRET",
                                              scope: "https://outlook.office365.com/.default"))
        // No passwordEnv needed.
        #expect(smtp.oauth2?.grant == .command && smtp.oauth2?.mechanism == .xoauth2 && smtp.password == nil)
        #expect(imap.password.isEmpty)
    }

    @Test func checkConfigReportsEachOAuth2Problem() throws {
        unsetenv("PD_CFG_UNSET")
        let path = try config(mailbox: """
            { "kind": "imap", "url": "imaps://imap.gmail.com", "username": "support@example.com",
              "oauth2": { "mechanism": "xoauth3", "tokenEndpoint": "http://oauth2.example.com/token",
                          "clientSecretEnv": "PD_CFG_UNSET", "refreshTokenEnv": "PD_CFG_UNSET" } }
            """, outbox: """
            { "kind": "smtp", "url": "smtp://smtp.gmail.com:587", "username": "support@example.com",
              "oauth2": { "grant": "client_credentials", "tokenEndpoint": "http://evil.example/token",
                          "clientID": "c" } }
            """)
        guard case .failure(let e as ConfigErrors) = Result(catching: {
            try Configuration.load(path: path, environment: [:])
        }) else {
            Issue.record("expected config errors"); return
        }
        let text = e.description
        for needle in ["mailbox.oauth2.mechanism: \"xoauth3\" is not an OAuth2 mechanism",
                       "outbox.oauth2.tokenEndpoint: \"http://evil.example/token\" must use https://",
                       "outbox.oauth2.clientSecretEnv: is required with grant \"client_credentials\""] {
            #expect(text.contains("\(path): \(needle)"), "no '\(needle)' in:\n\(text)")
        }
        #expect(e.issues.allSatisfy { !$0.fix.isEmpty })
        // With a valid mechanism, the rest of the mailbox block is reported too.
        let path2 = try config(mailbox: """
            { "kind": "imap", "url": "imaps://imap.gmail.com", "username": "support@example.com",
              "oauth2": { "tokenEndpoint": "http://oauth2.example.com/token",
                          "clientSecretEnv": "PD_CFG_UNSET", "refreshTokenEnv": "PD_CFG_UNSET" } }
            """)
        #expect(PostdeskCommand.main(["check-config", "--config", path2]) == 2)
        guard case .failure(let e2 as ConfigErrors) = Result(catching: {
            try Configuration.load(path: path2, environment: [:])
        }) else {
            Issue.record("expected config errors"); return
        }
        let fields = e2.issues.map(\.field)
        #expect(fields == ["mailbox.oauth2.tokenEndpoint", "mailbox.oauth2.clientID", "mailbox.oauth2.clientSecretEnv",
                           "mailbox.oauth2.refreshTokenEnv"], "\(e2)")
        #expect(e2.description.contains(
            "names environment variable PD_CFG_UNSET, which is not set. Fix: export PD_CFG_UNSET="))
        // auth login may run before a refresh token exists.
        let path3 = try config(mailbox: """
            { "kind": "imap", "url": "imaps://imap.gmail.com", "username": "support@example.com",
              "oauth2": { "tokenEndpoint": "https://oauth2.googleapis.com/token", "clientID": "c",
                          "refreshTokenFile": "/nonexistent/token" } }
            """)
        #expect(throws: ConfigErrors.self) { try Configuration.load(path: path3, environment: [:]) }
        #expect(try Configuration.load(path: path3, environment: [:], requireRefreshTokens: false).file == path3)
    }
}
