import Foundation
import Glibc

/// `metrics.listen`: an IP literal and a port, "127.0.0.1:9464" or "[::1]:9464" ("localhost" is 127.0.0.1). No
/// name lookup: what the endpoint binds is what the file says.
public struct ListenAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: UInt16
    public var isIPv6: Bool

    /// The address, or what is wrong with the text.
    public static func parse(_ text: String) -> Result<ListenAddress, ListenAddressError> {
        guard let colon = text.lastIndex(of: ":") else { return .failure(.shape) }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber),
              let port = UInt16(portText), port > 0 else { return .failure(.port) }
        let bracketed = host.hasPrefix("[") && host.hasSuffix("]")
        if bracketed { host = String(host.dropFirst().dropLast()) }
        if host.lowercased() == "localhost" { host = "127.0.0.1" }
        var v4 = in_addr(), v6 = in6_addr()
        if !bracketed, inet_pton(AF_INET, host, &v4) == 1 {
            return .success(ListenAddress(host: host, port: port, isIPv6: false))
        }
        if bracketed, inet_pton(AF_INET6, host, &v6) == 1 {
            return .success(ListenAddress(host: host, port: port, isIPv6: true))
        }
        return .failure(.host)
    }

    /// 127.0.0.0/8 or ::1 (and the IPv4-mapped form of 127.0.0.0/8): only this machine can connect.
    public var isLoopback: Bool {
        if !isIPv6 { return host.split(separator: ".").first == "127" }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
        return bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
    }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

public enum ListenAddressError: Error, Sendable {
    /// No ":PORT".
    case shape
    case port
    /// Not an IPv4 literal or a bracketed IPv6 literal.
    case host
}
