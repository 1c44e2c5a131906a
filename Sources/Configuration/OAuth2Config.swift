import Foundation
import Transport

extension ConfigReader {
    /// `mailbox.oauth2` / `outbox.oauth2`: OAuth2 instead of a password. Secrets stay in the environment; the
    /// variables the block names are checked here, so `check-config` reports them like any other problem.
    func oauth2(_ dict: [String: Any], path: String) -> OAuth2Settings? {
        guard let o = object(dict, "oauth2", path: path + ".oauth2", required: false) else { return nil }
        let p = path + ".oauth2"
        func text(_ key: String, _ example: String) -> String? {
            optionalString(o, key, path: "\(p).\(key)", example: example)
        }
        let mechName = string(o, "mechanism", path: "\(p).mechanism", default: "xoauth2", example: "\"xoauth2\"")!
        let mechanism = OAuth2Mechanism(rawValue: mechName.lowercased())
        if mechanism == nil {
            issue("\(p).mechanism", "\"\(mechName)\" is not an OAuth2 mechanism", "use \"xoauth2\" or \"oauthbearer\"")
        }
        let grantName = string(o, "grant", path: "\(p).grant", default: "refresh_token", example: "\"refresh_token\"")!
        let grant = OAuth2Grant(rawValue: grantName)
        if grant == nil {
            issue("\(p).grant", "\"\(grantName)\" is not a grant",
                  "use \"refresh_token\", \"client_credentials\" or \"command\"")
        }
        let settings = OAuth2Settings(
            mechanism: mechanism ?? .xoauth2, grant: grant ?? .refreshToken,
            tokenEndpoint: text("tokenEndpoint", "\"https://login.microsoftonline.com/TENANT/oauth2/v2.0/token\""),
            deviceAuthorizationEndpoint: text("deviceAuthorizationEndpoint",
                                              "\"https://login.microsoftonline.com/TENANT/oauth2/v2.0/devicecode\""),
            clientID: text("clientID", "\"00000000-0000-0000-0000-000000000000\""),
            clientSecretEnv: text("clientSecretEnv", "\"POSTDESK_OAUTH_CLIENT_SECRET\""),
            refreshTokenEnv: text("refreshTokenEnv", "\"POSTDESK_OAUTH_REFRESH_TOKEN\""),
            refreshTokenFile: text("refreshTokenFile", "\"state/oauth2-mailbox.token\""),
            scope: text("scope", "\"https://outlook.office.com/IMAP.AccessAsUser.All offline_access\""),
            tokenCommand: text("tokenCommand", "\"/usr/local/bin/get-mail-token\""),
            tokenCommandTimeout: number(o, "tokenCommandTimeout", path: "\(p).tokenCommandTimeout", default: 30,
                                        range: 1...600),
            caFile: text("caFile", "\"/etc/ssl/certs/ca.pem\""))
        // An unknown grant is reported above; checking the rest against the default grant would only mislead.
        guard grant != nil else { return settings }
        for problem in settings.problems(environment: environment, requireRefreshToken: requireRefreshTokens) {
            issue("\(p).\(problem.field)", problem.problem, problem.fix)
        }
        return settings
    }
}
