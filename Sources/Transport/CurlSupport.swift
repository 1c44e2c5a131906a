import CCurl
import Foundation

/// How a mail connection is protected.
public enum TLSMode: String, Sendable, Equatable, CaseIterable {
    /// TLS from the first byte (imaps://, smtps://).
    case implicit
    /// Plain connect, then STARTTLS, which is required (the connection fails if the server does not offer it).
    case starttls
    /// No TLS at all: allowed only for loopback hosts (tests).
    case none
}

/// Where transport state changes go. One line per call, no trailing newline.
public typealias TransportLog = (String) -> Void

/// The default log: one line to standard error.
public func transportLogToStandardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// libcurl's global init is not thread-safe in 7.88; a Swift global `let` is initialised exactly once.
private let curlGlobalInitResult: CURLcode = ccurl_global_init(Int(CURL_GLOBAL_DEFAULT))

func ensureCurlGlobalInit() { _ = curlGlobalInitResult }

/// Why no curl handle could be had: libcurl is not installed (it is loaded on first use), or memory ran out.
var curlInitFailure: String {
    ccurl_available() == 0 ? "libcurl (libcurl.so.4) could not be loaded" : "curl_easy_init failed"
}

/// Host, port and TLS mode taken apart from a `scheme://host:port` URL.
struct MailEndpoint: Equatable {
    var scheme: String
    var host: String
    var port: Int
    var tls: TLSMode

    /// The URL libcurl gets (brackets kept for IPv6 literals).
    var curlURL: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h):\(port)"
    }

    var isLoopback: Bool { MailEndpoint.isLoopback(host) }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" || h.hasSuffix(".localhost") { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Parses and checks `url` against the wanted TLS mode. `plainScheme`/`tlsScheme` e.g. "imap"/"imaps".
    static func parse(_ url: String, tls wanted: TLSMode?, plainScheme: String, tlsScheme: String,
                      plainPort: Int, tlsPort: Int, what: String) throws -> MailEndpoint {
        guard let comps = URLComponents(string: url), let scheme = comps.scheme?.lowercased(),
              let host = comps.host, !host.isEmpty
        else {
            throw TransportConfigError(field: "url", "\(what) url '\(url)' is not a valid \(plainScheme)://host:port "
                                       + "or \(tlsScheme)://host:port URL")
        }
        let port: Int
        let tls: TLSMode
        switch scheme {
        case tlsScheme:
            port = comps.port ?? tlsPort
            tls = wanted ?? .implicit
            guard tls == .implicit else {
                throw TransportConfigError(field: "tls", "\(what) url '\(url)' uses \(tlsScheme):// (implicit TLS) but "
                                           + "tls is '\(tls.rawValue)'; use \(plainScheme):// for STARTTLS or plain")
            }
        case plainScheme:
            port = comps.port ?? plainPort
            tls = wanted ?? .starttls
            guard tls != .implicit else {
                throw TransportConfigError(field: "tls", "\(what) url '\(url)' uses \(plainScheme):// but tls is "
                                           + "'implicit'; use \(tlsScheme)://host:port for implicit TLS")
            }
        default:
            throw TransportConfigError(field: "url",
                                       "\(what) url '\(url)' must start with \(plainScheme):// or \(tlsScheme)://")
        }
        let ep = MailEndpoint(scheme: scheme, host: host, port: port, tls: tls)
        if tls == .none && !ep.isLoopback {
            throw TransportConfigError(field: "tls", "\(what): tls 'none' is only allowed for loopback hosts "
                                       + "(localhost, 127.0.0.1, ::1), not '\(host)'; use starttls or implicit TLS")
        }
        return ep
    }
}

/// A CA file that is named but cannot be read (a directory counts as unreadable).
func caFileProblem(_ caFile: String?) -> TransportConfigError? {
    guard let caFile, !caFile.isEmpty else { return nil }
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: caFile, isDirectory: &isDirectory), !isDirectory.boolValue,
       FileManager.default.isReadableFile(atPath: caFile) { return nil }
    return TransportConfigError(field: "caFile", "caFile '\(caFile)' is not a readable file")
}

/// Text for a failed libcurl call: the error buffer when it says more than curl_easy_strerror.
func curlErrorText(_ code: CURLcode, _ errbuf: UnsafeMutablePointer<CChar>?) -> String {
    let generic = String(cString: ccurl_easy_strerror(code))
    if let errbuf, errbuf.pointee != 0 {
        let detail = String(cString: errbuf)
        if !detail.isEmpty && detail != generic { return "\(generic): \(detail)" }
    }
    return generic
}

/// Is this libcurl result a failed TLS certificate check (wrong or missing CA, name mismatch)?
func curlIsTLSVerificationError(_ code: CURLcode) -> Bool {
    code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE
        || code == CURLE_SSL_ISSUER_ERROR || code == CURLE_SSL_PINNEDPUBKEYNOTMATCH
}

/// Common TLS options: verification always on; an explicit CA file when given.
func curlApplyTLS(_ h: UnsafeMutableRawPointer, endpoint: MailEndpoint, caFile: String?) {
    _ = ccurl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
    _ = ccurl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
    if let caFile, !caFile.isEmpty { _ = ccurl_setopt_string(h, CURLOPT_CAINFO, caFile) }
    switch endpoint.tls {
    case .starttls: _ = ccurl_setopt_long(h, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
    case .none: _ = ccurl_setopt_long(h, CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
    case .implicit: break
    }
}

/// The sentence that explains a certificate failure.
func tlsFailureText(_ detail: String, endpoint: MailEndpoint, caFile: String?) -> String {
    let ca = caFile.map { "CA file \($0)" } ?? "the system CA store"
    return "TLS certificate verification failed for \(endpoint.curlURL) with \(ca): \(detail) (wrong CA file, or the " +
        "server certificate does not match the host name)"
}

// --- begin field servers (issue 16): keepalive, inactivity timeout, server transcript ---

/// TCP keepalive, so a connection a NAT or firewall dropped silently is noticed; libcurl then aborts a transfer
/// that moved fewer than 1 byte/s for `inactivity` seconds (a slow link is fine as long as bytes keep coming).
func curlApplyLinkOptions(_ h: UnsafeMutableRawPointer, inactivity: Double) {
    _ = ccurl_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
    _ = ccurl_setopt_long(h, CURLOPT_TCP_KEEPIDLE, 60)
    _ = ccurl_setopt_long(h, CURLOPT_TCP_KEEPINTVL, 30)
    _ = ccurl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
    _ = ccurl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, max(1, Int(inactivity.rounded(.up))))
}

/// Server lines libcurl passes to the header callback (IMAP and SMTP replies), capped at 64 KB.
final class CurlTranscript {
    var bytes: [UInt8] = []

    var lines: [String] {
        bytes.split(whereSeparator: { $0 == 0x0D || $0 == 0x0A }).map { String(decoding: $0, as: UTF8.self) }
    }
}

let curlTranscriptCallback: ccurl_data_cb = { ptr, size, nmemb, userdata in
    let n = size * nmemb
    guard let ptr, let userdata else { return n }
    let t = Unmanaged<CurlTranscript>.fromOpaque(userdata).takeUnretainedValue()
    if t.bytes.count < 64 * 1024 {
        t.bytes.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
    }
    return n
}
// --- end field servers ---
