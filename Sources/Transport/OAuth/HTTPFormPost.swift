import CCurl
import Foundation

/// The answer of an HTTP POST: status code and body.
struct HTTPResponse {
    var status: Int
    var body: [UInt8]
}

private final class HTTPBody {
    var bytes: [UInt8] = []
}

private let httpBodyCallback: ccurl_data_cb = { ptr, size, nmemb, userdata in
    let n = size * nmemb
    guard let ptr, let userdata else { return n }
    let sink = Unmanaged<HTTPBody>.fromOpaque(userdata).takeUnretainedValue()
    // Token responses are small; a runaway body is cut (libcurl then reports a write error).
    guard sink.bytes.count + n <= 1 << 20 else { return 0 }
    sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: ptr, count: n))
    return n
}

/// `application/x-www-form-urlencoded` (RFC 6749 appendix B): everything but unreserved characters escaped.
func formURLEncoded(_ fields: [(String, String)]) -> String {
    let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    func enc(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
    return fields.map { "\(enc($0.0))=\(enc($0.1))" }.joined(separator: "&")
}

/// One form POST with libcurl (certificate verification on; no redirects, so a form with secrets never moves
/// to another host). Throws `OAuth2Error.unavailable` when no HTTP answer came.
func httpPostForm(_ url: String, fields: [(String, String)], caFile: String?, timeout: Double) throws -> HTTPResponse {
    ensureCurlGlobalInit()
    guard let h = ccurl_easy_init() else { throw OAuth2Error.unavailable(curlInitFailure) }
    defer { ccurl_easy_cleanup(h) }
    let errbuf = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    errbuf.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    defer { errbuf.deallocate() }
    let body = HTTPBody()
    let ref = Unmanaged.passRetained(body)
    defer { ref.release() }
    let headers = ccurl_slist_append(nil, "Accept: application/json")
    defer { ccurl_slist_free_all(headers) }
    _ = ccurl_setopt_pointer(h, CURLOPT_ERRORBUFFER, errbuf)
    _ = ccurl_setopt_string(h, CURLOPT_URL, url)
    _ = ccurl_setopt_long(h, CURLOPT_PROTOCOLS, Int(CURLPROTO_HTTP | CURLPROTO_HTTPS))
    _ = ccurl_setopt_long(h, CURLOPT_NOSIGNAL, 1)
    _ = ccurl_setopt_long(h, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
    _ = ccurl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1)
    _ = ccurl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2)
    if let caFile, !caFile.isEmpty { _ = ccurl_setopt_string(h, CURLOPT_CAINFO, caFile) }
    _ = ccurl_setopt_string(h, CURLOPT_COPYPOSTFIELDS, formURLEncoded(fields))
    _ = ccurl_setopt_pointer(h, CURLOPT_HTTPHEADER, headers)
    _ = ccurl_setopt_data_function(h, CURLOPT_WRITEFUNCTION, httpBodyCallback)
    _ = ccurl_setopt_pointer(h, CURLOPT_WRITEDATA, ref.toOpaque())
    let rc = ccurl_easy_perform(h)
    guard rc == CURLE_OK else {
        throw OAuth2Error.unavailable("\(url): \(curlErrorText(rc, errbuf)) (curl \(rc.rawValue))")
    }
    var status = 0
    _ = ccurl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
    return HTTPResponse(status: status, body: body.bytes)
}
