import Foundation
import MIME
#if canImport(Glibc)
import Glibc
#endif

// The OAuth2 side of the lab: JWTs signed with a key the test makes (Dovecot's oauth2 passdb validates them
// locally, see Scripts/mailstack write_dovecot_oauth2) and a token endpoint on 127.0.0.1 served by the test.

/// HMAC-SHA256 (RFC 2104) over MIME's SHA-256.
public func hmacSHA256(key: [UInt8], _ message: [UInt8]) -> [UInt8] {
    var k = key.count > 64 ? SHA256.digest(key) : key
    k += [UInt8](repeating: 0, count: 64 - k.count)
    return SHA256.digest(k.map { $0 ^ 0x5C } + SHA256.digest(k.map { $0 ^ 0x36 } + message))
}

public func base64URL(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// Signs HS256 JWTs with a fresh random key, installed in the stack under a fresh kid (Dovecot caches keys).
public struct JWTMinter: Sendable {
    public let key: [UInt8]
    public let kid: String
    public let issuer: String
    public let audience: String

    public init(key: [UInt8], kid: String, issuer: String, audience: String) {
        self.key = key
        self.kid = kid
        self.issuer = issuer
        self.audience = audience
    }

    /// A new key, written (base64) to the stack's key folder before any login uses it.
    public static func install(in stack: MailStack) throws -> JWTMinter {
        let conf = (try? String(contentsOfFile: stack.dir + "/dovecot/oauth2.conf.ext", encoding: .utf8)) ?? ""
        func value(_ key: String) -> String? {
            conf.split(separator: "\n").first { $0.hasPrefix(key + " = ") }.map { String($0.dropFirst(key.count + 3)) }
        }
        guard let issuer = value("issuers"), let audience = value("client_id") else {
            throw NSError(domain: "OAuth2Lab", code: 1, userInfo: [NSLocalizedDescriptionKey:
                "the stack has no oauth2 passdb (\(stack.dir)/dovecot/oauth2.conf.ext): restart it with "
                    + "Scripts/mailstack"])
        }
        let key = (0..<32).map { _ in UInt8.random(in: 0...255) }
        let kid = stackToken("k")
        let path = stack.dir + "/dovecot/keys/default/HS256/" + kid
        let encoded = Data((Data(key).base64EncodedString() + "\n").utf8)
        guard FileManager.default.createFile(atPath: path, contents: encoded,
                                             attributes: [.posixPermissions: 0o644]) else {
            throw NSError(domain: "OAuth2Lab", code: 2, userInfo: [NSLocalizedDescriptionKey: "cannot write \(path)"])
        }
        return JWTMinter(key: key, kid: kid, issuer: issuer, audience: audience)
    }

    /// A token for `user` valid `ttl` seconds from `now` (negative: already expired).
    public func mint(_ user: String, ttl: Int = 3600, now: Date = Date(), key override: [UInt8]? = nil) -> String {
        let t = Int(now.timeIntervalSince1970)
        let header = #"{"alg":"HS256","typ":"JWT","kid":"\#(kid)"}"#
        let body = #"{"iss":"\#(issuer)","sub":"\#(user)","email":"\#(user)","aud":"\#(audience)","#
            + #""iat":\#(t),"exp":\#(t + ttl)}"#
        let signingInput = base64URL(Array(header.utf8)) + "." + base64URL(Array(body.utf8))
        return signingInput + "." + base64URL(hmacSHA256(key: override ?? key, Array(signingInput.utf8)))
    }
}

/// A token endpoint (and device-authorization endpoint) on 127.0.0.1, one thread, HTTP/1.1 with
/// `Connection: close`. It issues JWTs from `minter`; what it accepts and answers is set by the test.
public final class TokenEndpointServer: @unchecked Sendable {
    public let port: Int
    public var tokenURL: String { "http://127.0.0.1:\(port)/token" }
    public var deviceURL: String { "http://127.0.0.1:\(port)/devicecode" }
    private let listenFD: Int32
    private let lock = NSLock()
    private var thread: Thread?
    private let minter: JWTMinter

    // What the endpoint does (change under `configure`).
    public struct Behaviour {
        public var clientID = "postdesk-test"
        public var clientSecret = "s3cret-client-value"
        /// refresh token → the user it stands for
        public var refreshTokens: [String: String] = [:]
        /// Each refresh answer carries a new refresh token (the old one stops working).
        public var rotate = false
        /// The user of client-credentials tokens (Microsoft: the mailbox the app may open).
        public var appUser = "support@example.test"
        /// `expires_in` of issued tokens; the JWT's exp matches unless `jwtTTL` says otherwise.
        public var lifetime = 3600
        public var jwtTTL: Int?
        /// The next N tokens are signed with a wrong key (the mail server refuses them).
        public var badTokens = 0
        /// Device flow: answers `authorization_pending` this many times, `slow_down` once if set, then a token.
        public var devicePending = 2
        public var deviceSlowDown = true
        public var deviceUser = "support@example.test"
    }
    private var behaviour = Behaviour()
    /// Form fields of every request, in order, with the path under "_path".
    public private(set) var requests: [[String: String]] = []

    public init(minter: JWTMinter) throws {
        self.minter = minter
        guard let (fd, port) = listenOnLoopback() else {
            throw NSError(domain: "OAuth2Lab", code: 3, userInfo: [NSLocalizedDescriptionKey:
                "token endpoint: cannot listen: \(String(cString: strerror(errno)))"])
        }
        listenFD = fd
        self.port = port
        // Holds the server until stop() closes the socket and the loop ends.
        let t = Thread { self.acceptLoop() }
        thread = t
        t.start()
    }

    public func configure(_ change: (inout Behaviour) -> Void) {
        lock.lock(); change(&behaviour); lock.unlock()
    }

    public var currentBehaviour: Behaviour { lock.lock(); defer { lock.unlock() }; return behaviour }

    public func requestCount(_ path: String = "/token") -> Int {
        lock.lock(); defer { lock.unlock() }
        return requests.filter { $0["_path"] == path }.count
    }

    /// Ends the accept loop, which then closes the socket: closing it here could hand its descriptor number to
    /// another server while this loop still accepts on it.
    public func stop() {
        shutdown(listenFD, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let c = accept(listenFD, nil, nil)
            if c < 0 {
                if errno == EINTR { continue }
                close(listenFD)
                return
            }
            serve(c)
            close(c)
        }
    }

    private func serve(_ fd: Int32) {
        var data: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 8192)
        var headerEnd: Int?
        var contentLength = 0
        while true {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { return }
            data += buf[0..<n]
            if headerEnd == nil, let r = findCRLFCRLF(data) {
                headerEnd = r
                let head = String(decoding: data[0..<r], as: UTF8.self).lowercased()
                for line in head.split(separator: "\r\n") where line.hasPrefix("content-length:") {
                    contentLength = Int(line.dropFirst(15).trimmingCharacters(in: .whitespaces)) ?? 0
                }
            }
            if let h = headerEnd, data.count >= h + 4 + contentLength { break }
        }
        let h = headerEnd!
        let requestLine = String(decoding: data[0..<h], as: UTF8.self).split(separator: "\r\n").first ?? ""
        let path = requestLine.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        var form: [String: String] = ["_path": path]
        for pair in String(decoding: data[(h + 4)...], as: UTF8.self).split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            form[kv[0]] = kv.count > 1 ? kv[1] : ""
        }
        lock.lock()
        requests.append(form)
        let (status, json) = answer(form)
        lock.unlock()
        let body = Array(json.utf8)
        let head = "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        let out = Array(head.utf8) + body
        _ = out.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    private func findCRLFCRLF(_ d: [UInt8]) -> Int? {
        guard d.count >= 4 else { return nil }
        for i in 0...(d.count - 4) where d[i] == 13 && d[i + 1] == 10 && d[i + 2] == 13 && d[i + 3] == 10 { return i }
        return nil
    }

    private func issue(_ user: String, refresh: String? = nil) -> (Int, String) {
        var key: [UInt8]? = nil
        if behaviour.badTokens > 0 {
            behaviour.badTokens -= 1
            key = [UInt8](repeating: 7, count: 32)
        }
        let token = minter.mint(user, ttl: behaviour.jwtTTL ?? behaviour.lifetime, key: key)
        let r = refresh.map { #","refresh_token":"\#($0)""# } ?? ""
        return (200, #"{"token_type":"Bearer","access_token":"\#(token)","expires_in":\#(behaviour.lifetime)\#(r)}"#)
    }

    private func error(_ status: Int, _ code: String, _ text: String) -> (Int, String) {
        (status, #"{"error":"\#(code)","error_description":"\#(text)"}"#)
    }

    private func answer(_ f: [String: String]) -> (Int, String) {
        if f["_path"] == "/devicecode" {
            guard f["client_id"] == behaviour.clientID else { return error(400, "invalid_client", "unknown client") }
            return (200, #"{"device_code":"dev-\#(stackToken())","user_code":"WDJB-MJHT","#
                + #""verification_uri":"https://login.example.test/device","expires_in":900,"interval":1}"#)
        }
        guard f["client_id"] == behaviour.clientID else { return error(400, "invalid_client", "unknown client") }
        switch f["grant_type"] ?? "" {
        case "refresh_token":
            // Echoes the refresh token it refuses, as some endpoints do: the client must not log it.
            guard let rt = f["refresh_token"], let user = behaviour.refreshTokens[rt] else {
                return error(400, "invalid_grant", "refresh token \(f["refresh_token"] ?? "") was revoked")
            }
            if behaviour.rotate {
                let next = "rt-" + stackToken()
                behaviour.refreshTokens[rt] = nil
                behaviour.refreshTokens[next] = user
                return issue(user, refresh: next)
            }
            return issue(user)
        case "client_credentials":
            guard f["client_secret"] == behaviour.clientSecret else {
                return error(401, "invalid_client", "client secret \(f["client_secret"] ?? "") is wrong")
            }
            return issue(behaviour.appUser)
        case "urn:ietf:params:oauth:grant-type:device_code":
            if behaviour.devicePending > 0 {
                behaviour.devicePending -= 1
                return error(400, "authorization_pending", "waiting for the user")
            }
            if behaviour.deviceSlowDown {
                behaviour.deviceSlowDown = false
                return error(400, "slow_down", "poll less often")
            }
            let rt = "rt-" + stackToken()
            behaviour.refreshTokens[rt] = behaviour.deviceUser
            return issue(behaviour.deviceUser, refresh: rt)
        default:
            return error(400, "unsupported_grant_type", "no such grant")
        }
    }
}
