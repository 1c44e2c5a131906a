/// The SASL mechanism a connection authenticates with, chosen per endpoint (`mechanism` in the config).
/// nil in the settings: libcurl picks from what the server offers, falling back to PLAIN, then LOGIN, when the
/// mechanism it picked cannot start here (GSSAPI or NTLM without a Kerberos ticket: curl error 94).
public enum AuthMechanism: String, Sendable, Equatable, CaseIterable {
    case plain
    case login

    /// The value of CURLOPT_LOGIN_OPTIONS.
    var curlLoginOptions: String { "AUTH=" + rawValue.uppercased() }
}
