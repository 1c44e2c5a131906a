import Foundation

/// What the operator must do to finish a device-code login.
public struct DeviceCodePrompt: Sendable, Equatable {
    public var verificationURL: String
    public var userCode: String
    public var expiresIn: Double
}

/// The device-code flow (RFC 8628), as Microsoft's identity platform and Google offer it: ask for a code,
/// let the operator sign in on any browser, poll the token endpoint (`authorization_pending`, `slow_down`),
/// and store the refresh token in `refreshTokenFile` (0600, atomically).
public enum DeviceCodeLogin {
    /// Returns the access token it got (to tell who logged in). `sleep` and `clock` are injectable for tests.
    public static func run(_ settings: OAuth2Settings,
                           environment: [String: String] = ProcessInfo.processInfo.environment,
                           prompt: (DeviceCodePrompt) -> Void,
                           clock: () -> Date = Date.init,
                           sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }) throws -> String {
        guard settings.grant == .refreshToken else {
            throw OAuth2Error.configuration(
                "auth login needs grant \"refresh_token\" (this endpoint uses \"\(settings.grant.rawValue)\")")
        }
        guard let file = settings.refreshTokenFile else {
            throw OAuth2Error.configuration("auth login needs refreshTokenFile (where the refresh token is stored)")
        }
        for (name, url) in [("deviceAuthorizationEndpoint", settings.deviceAuthorizationEndpoint),
                            ("tokenEndpoint", settings.tokenEndpoint)] {
            if let problem = OAuth2Settings.endpointProblem(url) {
                throw OAuth2Error.configuration("\(name) \(problem)")
            }
        }
        var redactor = SecretRedactor()
        let clientSecret = settings.clientSecretEnv.flatMap { environment[$0] }
        redactor.add(clientSecret)
        let clientID = settings.clientID ?? ""
        var form = [("client_id", clientID)]
        if let s = settings.scope { form.append(("scope", s)) }
        let deviceURL = settings.deviceAuthorizationEndpoint!, tokenURL = settings.tokenEndpoint!
        let start = try httpPostForm(deviceURL, fields: form, caFile: settings.caFile, timeout: 30)
        guard start.status == 200, let obj = jsonObject(start.body),
              let deviceCode = obj["device_code"] as? String, let userCode = obj["user_code"] as? String,
              let url = (obj["verification_uri"] ?? obj["verification_url"]) as? String
        else {
            let said = TokenResponse(json: start.body)?.errorText
                ?? String(decoding: start.body.prefix(200), as: UTF8.self)
            throw OAuth2Error.refused("\(deviceURL) answered HTTP \(start.status): \(redactor.redact(said))")
        }
        redactor.add(deviceCode)
        var interval = max(1, number(obj["interval"]) ?? 5)
        let expiresIn = number(obj["expires_in"]) ?? 900
        prompt(DeviceCodePrompt(verificationURL: url, userCode: userCode, expiresIn: expiresIn))
        let deadline = clock().addingTimeInterval(expiresIn)
        var poll = [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", deviceCode),
                    ("client_id", clientID)]
        if let clientSecret { poll.append(("client_secret", clientSecret)) }
        while clock() < deadline {
            sleep(interval)
            let r = try httpPostForm(tokenURL, fields: poll, caFile: settings.caFile, timeout: 30)
            let answer = TokenResponse(json: r.body)
            if r.status == 200, let answer, let access = answer.accessToken {
                guard let refresh = answer.refreshToken, !refresh.isEmpty else {
                    throw OAuth2Error.refused(
                        "the provider issued no refresh token; add offline_access to scope (Microsoft)")
                }
                try SecretFile.write(refresh, to: file)
                return access
            }
            switch answer?.error {
            case "authorization_pending": continue
            case "slow_down": interval += 5
            default:
                let said = answer?.errorText ?? String(decoding: r.body.prefix(200), as: UTF8.self)
                throw OAuth2Error.refused("\(tokenURL) answered HTTP \(r.status) \(redactor.redact(said))")
            }
        }
        throw OAuth2Error.refused("the code \(userCode) expired before the sign-in was completed; run auth login again")
    }

    private static func jsonObject(_ body: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    private static func number(_ v: Any?) -> Double? {
        (v as? NSNumber)?.doubleValue ?? (v as? String).flatMap(Double.init)
    }
}
