import Foundation
import Glibc
import Testing
@testable import Configuration
@testable import Pipeline
import StackTestSupport
@testable import Store

/// The HTTP metrics endpoint (`metrics.listen`): the real `postdesk run` on the Maildir default serving the text of
/// the metrics file on a loopback port, and holding out against requests that are too big, garbage or never finish.
@Suite(.serialized) struct MetricsEndpointTests {
    /// A request on a fresh connection and everything the server sent before it closed (or `timeout` passed).
    static func exchange(port: Int, _ request: [UInt8], timeout: Double = 5) -> (text: String, closed: Bool) {
        let fd = connectLoopback(port)
        guard fd >= 0 else { return ("", false) }
        defer { close(fd) }
        if !request.isEmpty { _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        return readAll(fd, timeout: timeout)
    }

    static func connectLoopback(_ port: Int) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if rc != 0 { close(fd); return -1 }
        return fd
    }

    /// Reads until the peer closes (true) or `timeout` seconds pass (false).
    static func readAll(_ fd: Int32, timeout: Double) -> (text: String, closed: Bool) {
        var out: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return (String(decoding: out, as: UTF8.self), true) }
            out += buffer[0..<n]
        }
        return (String(decoding: out, as: UTF8.self), false)
    }

    static func freePort() throws -> Int {
        let listener = try #require(listenOnLoopback())
        close(listener.fd)
        return listener.port
    }

    static func body(_ response: String) -> String {
        response.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
    }

    static func sample(_ name: String, in text: String) -> Int? {
        text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Int($0.split(separator: " ")[1]) }
    }

    @Test func theRunningWorkerServesTheMetricsAndShrugsOffHostileClients() throws {
        let port = try Self.freePort()
        let box = try Sandbox(now: Date()) { json in
            json["metrics"] = ["listen": "127.0.0.1:\(port)"]
            json["pollSeconds"] = 0.2
        }
        let mail = { (id: String) -> [UInt8] in
            Array(("From: it@nordlys.test\r\nTo: support@example.test\r\nSubject: Printer \(id)\r\n"
                + "Message-ID: <\(id)@nordlys.test>\r\nDate: Mon, 16 Nov 2026 10:00:00 +0100\r\n\r\n"
                + "Printeren virker ikke.\r\n").utf8)
        }
        try box.deliver(mail("e1"))
        try box.deliver(mail("e2"))
        let worker = Process()
        worker.executableURL = Sandbox.repo.appendingPathComponent(".build/debug/postdesk")
        worker.arguments = ["run", "--config", box.configPath]
        worker.standardError = FileHandle.nullDevice
        try worker.run()
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGKILL) } }

        let metrics = Array("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8)
        var served = ""
        #expect(waitUntil(20, every: 0.2) {
            served = Self.exchange(port: port, metrics).text
            return Self.sample("postdesk_tickets_opened_total", in: Self.body(served)) == 2
        }, "the endpoint reports both tickets: \(served)")
        #expect(served.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(served.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        let text = Self.body(served)
        try ExpositionCheck.validate(text)
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/promtool") {
            let checked = try shell(["/usr/bin/promtool", "check", "metrics"], input: text)
            #expect(checked.status == 0, "promtool: \(checked.output)")
        }
        // The counters are the database's.
        let store = try PostdeskStore(path: box.config.database)
        let figures = try store.deskFigures(now: Date())
        #expect(Self.sample("postdesk_tickets_opened_total", in: text) == figures.ticketsOpened)
        #expect(text.contains("postdesk_mails_taken_total{outcome=\"ticket\"} \(figures.mailsTaken["ticket"] ?? -1)\n"))
        let curl = try shell(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                              "http://127.0.0.1:\(port)/metrics"])
        #expect(curl.output == "200")

        // Other paths and methods.
        #expect(Self.exchange(port: port, Array("GET / HTTP/1.1\r\n\r\n".utf8)).text.hasPrefix("HTTP/1.1 404 "))
        let post = Self.exchange(port: port, Array("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n".utf8)).text
        #expect(post.hasPrefix("HTTP/1.1 405 ") && post.contains("Allow: GET, HEAD\r\n"))
        #expect(Self.exchange(port: port, Array("\u{01}\u{02} garbage\r\n\r\n".utf8)).text.hasPrefix("HTTP/1.1 400 "))

        // Idle and dripping connections hold nothing up, and are closed after a while.
        let idle = Self.connectLoopback(port), slow = Self.connectLoopback(port)
        _ = Array("GET /metrics HTTP/1.1\r\nX-Slow: ".utf8).withUnsafeBytes { send(slow, $0.baseAddress, $0.count, 0) }
        let started = Date()
        #expect(Self.exchange(port: port, metrics).text.hasPrefix("HTTP/1.1 200 "))
        #expect(Date().timeIntervalSince(started) < 2, "a scrape beside two stalled clients")
        let huge = Array(("GET /metrics HTTP/1.1\r\nX-Big: " + String(repeating: "a", count: 100_000)
            + "\r\n\r\n").utf8)
        let big = Self.exchange(port: port, huge)
        #expect(big.closed, "an oversized head is not read on")
        #expect(big.text.isEmpty || big.text.hasPrefix("HTTP/1.1 431 "))
        #expect(Self.readAll(idle, timeout: 10).closed, "the idle connection is closed")
        #expect(Self.readAll(slow, timeout: 10).closed, "the dripping one too")
        close(idle)
        close(slow)

        // The worker went on working meanwhile: a new mail becomes a ticket and the endpoint says so.
        try box.deliver(mail("e3"))
        #expect(waitUntil(20, every: 0.2) {
            Self.sample("postdesk_tickets_opened_total", in: Self.body(Self.exchange(port: port, metrics).text)) == 3
        })

        // It stops with the worker, and the port is free again.
        kill(worker.processIdentifier, SIGTERM)
        #expect(waitUntil(10, every: 0.1) { !worker.isRunning })
        #expect(worker.terminationStatus == 0)
        #expect(Self.connectLoopback(port) < 0)
    }

    @Test func aTakenPortStopsTheStartWithTheReason() throws {
        let taken = try #require(listenOnLoopback())
        defer { close(taken.fd) }
        let box = try Sandbox(now: Date()) { $0["metrics"] = ["listen": "127.0.0.1:\(taken.port)"] }
        let run = try shell([Sandbox.repo.appendingPathComponent(".build/debug/postdesk").path, "run",
                             "--config", box.configPath])
        #expect(run.status == 1)
        #expect(run.output.contains("metrics.listen: cannot listen on 127.0.0.1:\(taken.port): Address already in use"))
    }

    @Test func onlyLoopbackUnlessAllowedAndTheAddressMustBeALiteralWithAPort() throws {
        let box = try Sandbox(now: Date()) { $0["metrics"] = ["listen": "[::1]:9464"] }
        #expect(box.config.metricsListen == ListenAddress(host: "::1", port: 9464, isIPv6: true))
        let cases: [([String: Any], String?)] = [
            (["listen": "0.0.0.0:9464"], "metrics.listen: 0.0.0.0 is not a loopback address"),
            (["listen": "0.0.0.0:9464", "allowNonLoopback": true], nil),
            (["listen": "localhost:9464"], nil),
            (["listen": "127.0.0.1:99999"], "metrics.listen: \"127.0.0.1:99999\" is not an address and port"),
            (["listen": "prometheus.example:9464"], "does not start with an IP address"),
            (["listen": "10.0.0.1:9464", "allowNonLoopbak": true], "did you mean metrics.allowNonLoopback?"),
        ]
        for (metrics, problem) in cases {
            var json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.configPath)))
                as! [String: Any]
            json["metrics"] = metrics
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: box.configPath))
            do {
                let config = try Configuration.load(path: box.configPath)
                #expect(problem == nil, "\(metrics) was taken")
                #expect(config.metricsListen != nil)
            } catch let error as ConfigErrors {
                #expect(problem.map { error.description.contains($0) } == true, "\(metrics): \(error)")
            }
        }
        #expect(ListenAddress(host: "::ffff:127.0.0.1", port: 1, isIPv6: true).isLoopback)
        #expect(!ListenAddress(host: "::", port: 1, isIPv6: true).isLoopback)
    }

    @Test func theHTTPAnswersAreDecidedFromTheBytesAlone() {
        func status(_ request: String) -> String? {
            MetricsHTTP.answer(to: Array(request.utf8), limit: 8192, body: "x 1\n")
                .map { String(decoding: $0, as: UTF8.self).components(separatedBy: "\r\n")[0] }
        }
        #expect(status("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n") == "HTTP/1.1 200 OK")
        #expect(status("GET /metrics?name[]=x HTTP/1.0\n\n") == "HTTP/1.1 200 OK")
        #expect(status("GET /metrics HTTP/1.1\r\nHost: a\r\n") == nil, "the head is not complete")
        #expect(status("DELETE /metrics HTTP/1.1\r\n\r\n") == "HTTP/1.1 405 Method Not Allowed")
        #expect(status("GET /metricsx HTTP/1.1\r\n\r\n") == "HTTP/1.1 404 Not Found")
        #expect(status("GET metrics HTTP/1.1\r\n\r\n") == "HTTP/1.1 400 Bad Request")
        #expect(status("G(T /metrics HTTP/1.1\r\n\r\n") == "HTTP/1.1 400 Bad Request")
        #expect(status(String(repeating: "x", count: 9000)) == "HTTP/1.1 431 Request Header Fields Too Large")
        let head = MetricsHTTP.answer(to: Array("HEAD /metrics HTTP/1.1\r\n\r\n".utf8), limit: 8192, body: "x 1\n")!
        #expect(String(decoding: head, as: UTF8.self).hasSuffix("Content-Length: 4\r\nConnection: close\r\n\r\n"))
    }
}
