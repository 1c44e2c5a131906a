import Foundation

/// The SASL mechanism that carries the bearer token (RFC 7628 OAUTHBEARER, or Google's and Microsoft's XOAUTH2).
public enum OAuth2Mechanism: String, Sendable, Hashable, CaseIterable {
    case xoauth2
    case oauthbearer

    /// libcurl's `CURLOPT_LOGIN_OPTIONS` value that selects it.
    var loginOptions: String { "AUTH=\(rawValue.uppercased())" }
}

/// How the access token is obtained.
public enum OAuth2Grant: String, Sendable, Hashable, CaseIterable {
    /// Delegated access: a refresh token (from `postdesk auth login`) traded at the token endpoint.
    case refreshToken = "refresh_token"
    /// App-only access (Microsoft 365): the application's own client ID and secret.
    case clientCredentials = "client_credentials"
    /// A site helper prints the token on its standard output.
    case command
}

/// OAuth2 for one mail endpoint. Holds the names of the environment variables with the secrets, never the
/// secrets themselves, so the value can be compared, hashed and shown.
public struct OAuth2Settings: Sendable, Hashable {
    public var mechanism: OAuth2Mechanism
    public var grant: OAuth2Grant
    /// `https://login.microsoftonline.com/TENANT/oauth2/v2.0/token`, `https://oauth2.googleapis.com/token`.
    public var tokenEndpoint: String?
    /// Where `postdesk auth login` starts the device-code flow (RFC 8628).
    public var deviceAuthorizationEndpoint: String?
    public var clientID: String?
    /// Environment variable holding the client secret (required for client_credentials; Google needs it too).
    public var clientSecretEnv: String?
    /// Environment variable holding the refresh token (read when `refreshTokenFile` holds none).
    public var refreshTokenEnv: String?
    /// File (0600) with the refresh token: written by `auth login` and when the provider rotates the token.
    public var refreshTokenFile: String?
    /// Space-separated scopes, e.g. `https://outlook.office.com/IMAP.AccessAsUser.All offline_access`.
    public var scope: String?
    /// Shell command printing an access token (grant `command`).
    public var tokenCommand: String?
    public var tokenCommandTimeout: Double
    /// PEM CA file for the token endpoint; nil = the system store.
    public var caFile: String?

    public init(mechanism: OAuth2Mechanism = .xoauth2, grant: OAuth2Grant = .refreshToken, tokenEndpoint: String? = nil,
                deviceAuthorizationEndpoint: String? = nil, clientID: String? = nil, clientSecretEnv: String? = nil,
                refreshTokenEnv: String? = nil, refreshTokenFile: String? = nil, scope: String? = nil,
                tokenCommand: String? = nil, tokenCommandTimeout: Double = 30, caFile: String? = nil) {
        self.mechanism = mechanism
        self.grant = grant
        self.tokenEndpoint = tokenEndpoint
        self.deviceAuthorizationEndpoint = deviceAuthorizationEndpoint
        self.clientID = clientID
        self.clientSecretEnv = clientSecretEnv
        self.refreshTokenEnv = refreshTokenEnv
        self.refreshTokenFile = refreshTokenFile
        self.scope = scope
        self.tokenCommand = tokenCommand
        self.tokenCommandTimeout = tokenCommandTimeout
        self.caFile = caFile
    }

    /// Every problem in these settings as (field, problem, fix); empty when usable. `environment` is checked
    /// for the variables the settings name. Field names are relative (`tokenEndpoint`, `clientSecretEnv`, …).
    /// `requireRefreshToken: false` skips the check that a refresh token exists (for `auth login`).
    public func problems(environment: [String: String],
                         requireRefreshToken: Bool = true) -> [(field: String, problem: String, fix: String)] {
        var out: [(String, String, String)] = []
        func envSet(_ name: String?) -> Bool { name.map { !(environment[$0] ?? "").isEmpty } ?? false }
        if grant == .command {
            if (tokenCommand ?? "").isEmpty {
                out.append(("tokenCommand", "is required with grant \"command\"",
                            "name the helper that prints a token"))
            }
            return out
        }
        if let problem = OAuth2Settings.endpointProblem(tokenEndpoint) {
            out.append(("tokenEndpoint", problem, "write the provider's https:// token URL"))
        }
        if let d = deviceAuthorizationEndpoint, let problem = OAuth2Settings.endpointProblem(d) {
            out.append(("deviceAuthorizationEndpoint", problem, "write the provider's https:// device-code URL"))
        }
        if (clientID ?? "").isEmpty {
            out.append(("clientID", "is required", "copy the application (client) ID of the app registration"))
        }
        if let name = clientSecretEnv, !envSet(name) {
            out.append(("clientSecretEnv", "names environment variable \(name), which is not set",
                        "export \(name)=… before starting postdesk"))
        }
        switch grant {
        case .clientCredentials:
            if clientSecretEnv == nil {
                out.append(("clientSecretEnv", "is required with grant \"client_credentials\"",
                            "name the environment variable that holds the client secret"))
            }
        case .refreshToken:
            let fileHasToken = refreshTokenFile.map { FileManager.default.fileExists(atPath: $0) } ?? false
            if refreshTokenEnv == nil && refreshTokenFile == nil {
                out.append(("refreshTokenFile", "no refresh token source",
                            "set refreshTokenFile (written by postdesk auth login) or refreshTokenEnv"))
            } else if requireRefreshToken && !fileHasToken && !envSet(refreshTokenEnv) {
                let what = [refreshTokenFile.map { "file \($0) does not exist" },
                            refreshTokenEnv.map { "environment variable \($0) is not set" }].compactMap { $0 }
                out.append((refreshTokenFile != nil ? "refreshTokenFile" : "refreshTokenEnv",
                            "no refresh token: " + what.joined(separator: " and "),
                            "run postdesk auth login, or export the refresh token"))
            }
        case .command: break
        }
        return out
    }

    /// Why `url` cannot be a token endpoint (nil = fine): https, or http to a loopback host (tests).
    static func endpointProblem(_ url: String?) -> String? {
        guard let url, !url.isEmpty else { return "is required" }
        guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(), let host = c.host, !host.isEmpty
        else { return "\"\(url)\" is not a URL" }
        if scheme == "https" { return nil }
        if scheme == "http" && MailEndpoint.isLoopback(host) { return nil }
        return "\"\(url)\" must use https:// (plain http only to a loopback host)"
    }
}
