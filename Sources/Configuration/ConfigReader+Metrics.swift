import Foundation

/// `metrics`: the optional HTTP endpoint for Prometheus, besides `metricsFile`.
extension ConfigReader {
    /// `"metrics": { "listen": "127.0.0.1:9464" }`. The endpoint has no authentication, so an address other hosts
    /// can reach is refused unless `allowNonLoopback` says it is meant (a firewalled monitoring network).
    func metricsListen() -> ListenAddress? {
        guard let m = object(root, "metrics", path: "metrics", required: false) else { return nil }
        let allowOthers = bool(m, "allowNonLoopback", path: "metrics.allowNonLoopback", default: false)
        guard let text = optionalString(m, "listen", path: "metrics.listen", example: "\"127.0.0.1:9464\"") else {
            return nil
        }
        switch ListenAddress.parse(text) {
        case .failure(.shape), .failure(.port):
            issue("metrics.listen", "\"\(text)\" is not an address and port",
                  "write an IP address and a port from 1 to 65535, e.g. \"127.0.0.1:9464\" or \"[::1]:9464\"")
        case .failure(.host):
            issue("metrics.listen", "\"\(text)\" does not start with an IP address",
                  "write an IPv4 address or a bracketed IPv6 one (no host names), e.g. \"127.0.0.1:9464\"")
        case .success(let address):
            guard address.isLoopback || allowOthers else {
                issue("metrics.listen", "\(address.host) is not a loopback address, and the endpoint has no "
                      + "authentication", "listen on 127.0.0.1 or [::1] (let Prometheus reach it through a "
                      + "reverse proxy or an SSH tunnel), or set \"metrics.allowNonLoopback\": true if only your "
                      + "monitoring network can reach this host")
                return nil
            }
            return address
        }
        return nil
    }
}
