import Foundation

/// The HTTP/1.1 the metrics endpoint speaks, as pure functions of the bytes received: enough for Prometheus and curl,
/// and a clear status for anything else. Every answer closes the connection.
enum MetricsHTTP {
    /// The whole response once the request head is in (or it is too long to be one), else nil (read on).
    static func answer(to request: [UInt8], limit: Int, body: String) -> [UInt8]? {
        guard let end = headEnd(request) else {
            return request.count >= limit ? response(431, "Request Header Fields Too Large") : nil
        }
        guard end <= limit else { return response(431, "Request Header Fields Too Large") }
        let firstLine = request.prefix { $0 != 13 && $0 != 10 }
        let parts = firstLine.split(separator: 32, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard parts.count == 3, isToken(parts[0]), parts[1].hasPrefix("/"), parts[2].hasPrefix("HTTP/1.") else {
            return response(400, "Bad Request")
        }
        let method = parts[0], path = parts[1].split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
        guard method == "GET" || method == "HEAD" else {
            return response(405, "Method Not Allowed", headers: ["Allow: GET, HEAD"])
        }
        guard path == "/metrics" else { return response(404, "Not Found") }
        return response(200, "OK", type: "text/plain; version=0.0.4; charset=utf-8", body: body,
                        headOnly: method == "HEAD")
    }

    /// Where the blank line after the head ends (CRLF CRLF, or bare LF LF as some clients send).
    static func headEnd(_ bytes: [UInt8]) -> Int? {
        var i = 0
        while i < bytes.count {
            if bytes[i] == 10 {
                if i + 1 < bytes.count, bytes[i + 1] == 10 { return i + 2 }
                if i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 { return i + 3 }
            }
            i += 1
        }
        return nil
    }

    /// RFC 9110's token: the characters a method may have.
    static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || "!#$%&'*+-.^_`|~".utf8.contains(b)
        }
    }

    static func response(_ status: Int, _ reason: String, type: String = "text/plain; charset=utf-8",
                         headers: [String] = [], body: String? = nil, headOnly: Bool = false) -> [UInt8] {
        let content = Array((body ?? "\(status) \(reason)\n").utf8)
        let head = ["HTTP/1.1 \(status) \(reason)", "Content-Type: \(type)", "Content-Length: \(content.count)",
                    "Connection: close"] + headers
        return Array((head.joined(separator: "\r\n") + "\r\n\r\n").utf8) + (headOnly ? [] : content)
    }
}
