import Configuration
import Foundation
import Glibc

/// The optional HTTP endpoint for Prometheus (`metrics.listen`): `GET /metrics` answers the exposition the worker
/// last published (the text of the metrics file, made by `metricsText` after each pass), 404 for other paths, 405
/// for other methods. It runs on a thread of its own with plain sockets and never touches the store, so a scrape
/// never waits for a pass and a pass never waits for a scrape. A hostile client cannot hold it: a request is at
/// most `maxRequestBytes`, a connection is closed `idleSeconds` after it opened whatever it did, at most
/// `maxConnections` are open (a new one closes the oldest), and every answer closes the connection.
public final class MetricsEndpoint: @unchecked Sendable {
    public static let maxRequestBytes = 8192
    public static let idleSeconds = 5.0
    public static let maxConnections = 16

    public let address: ListenAddress
    private let listener: Int32
    private let wake: (read: Int32, write: Int32)
    private let lock = NSLock()
    private var text = ""
    private let log: Log
    private let done = DispatchSemaphore(value: 0)
    private var started = false

    /// Binds and listens now, so a taken port or a missing address stops the worker at start with the reason.
    public init(address: ListenAddress, log: Log) throws {
        self.address = address
        self.log = log
        let fd = socket(address.isIPv6 ? AF_INET6 : AF_INET,
                        Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw EndpointError("cannot open a socket: \(Self.errorText())") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = address.isIPv6 ? Self.bind6(fd, address) : Self.bind4(fd, address)
        guard bound == 0, listen(fd, 64) == 0, Self.nonBlocking(fd) else {
            let why = Self.errorText()
            close(fd)
            throw EndpointError("metrics.listen: cannot listen on \(address): \(why)")
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0, Self.nonBlocking(pipeEnds[0]), Self.nonBlocking(pipeEnds[1]) else {
            close(fd)
            throw EndpointError("cannot make a wake-up pipe: \(Self.errorText())")
        }
        listener = fd
        wake = (pipeEnds[0], pipeEnds[1])
    }

    /// The exposition to answer from now on.
    public func publish(_ exposition: String) {
        lock.lock()
        text = exposition
        lock.unlock()
    }

    var current: String {
        lock.lock()
        defer { lock.unlock() }
        return text
    }

    public func start() {
        started = true
        let thread = Thread { [self] in
            serve()
            done.signal()
        }
        thread.name = "postdesk.metrics"
        thread.start()
        log.info("metrics.listening", [("address", address.description)])
    }

    /// Stops the thread (open connections are closed) and releases the port.
    public func stop() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
        if started { done.wait() }
        close(listener)
        close(wake.read)
        close(wake.write)
    }

    // MARK: the loop

    private struct Connection {
        var fd: Int32
        var opened: Double
        var request: [UInt8] = []
        var response: [UInt8] = []
        var sent = 0
    }

    private func serve() {
        var connections: [Connection] = []
        while true {
            let now = Self.seconds()
            for c in connections where now - c.opened >= Self.idleSeconds { close(c.fd) }
            connections.removeAll { now - $0.opened >= Self.idleSeconds }
            var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            fds += connections.map {
                pollfd(fd: $0.fd, events: Int16($0.response.isEmpty ? POLLIN : POLLOUT), revents: 0)
            }
            let nearest = connections.map { $0.opened + Self.idleSeconds - now }.min() ?? Self.idleSeconds
            let ready = poll(&fds, nfds_t(fds.count), Int32(max(10, min(1000, nearest * 1000))))
            if ready < 0, errno != EINTR { break }
            if fds[0].revents != 0 { break }
            for i in connections.indices.reversed() where fds[i + 2].revents != 0 {
                if !advance(&connections[i]) {
                    close(connections[i].fd)
                    connections.remove(at: i)
                }
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                while true {
                    let fd = accept(listener, nil, nil)
                    guard fd >= 0 else { break }
                    guard Self.nonBlocking(fd) else { close(fd); continue }
                    if connections.count >= Self.maxConnections { close(connections.removeFirst().fd) }
                    connections.append(Connection(fd: fd, opened: Self.seconds()))
                }
            }
        }
        for c in connections { close(c.fd) }
    }

    /// Reads what arrived or writes what is due; false when the connection is finished.
    private func advance(_ c: inout Connection) -> Bool {
        if c.response.isEmpty {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(c.fd, &buffer, buffer.count, 0)
            if n < 0 { return errno == EAGAIN || errno == EINTR }
            if n == 0 { return false }
            c.request += buffer[0..<n]
            guard let answer = MetricsHTTP.answer(to: c.request, limit: Self.maxRequestBytes, body: current) else {
                return true   // the head is not complete yet
            }
            c.response = answer
        }
        let n = c.response[c.sent...].withUnsafeBytes { send(c.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if n < 0 { return errno == EAGAIN || errno == EINTR }
        c.sent += n
        if c.sent < c.response.count { return true }
        shutdown(c.fd, Int32(SHUT_WR))
        return false
    }

    // MARK: sockets

    private static func bind4(_ fd: Int32, _ address: ListenAddress) -> Int32 {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_port = address.port.bigEndian
        inet_pton(AF_INET, address.host, &a.sin_addr)
        return bind(fd, &a)
    }

    private static func bind6(_ fd: Int32, _ address: ListenAddress) -> Int32 {
        var a = sockaddr_in6()
        a.sin6_family = sa_family_t(AF_INET6)
        a.sin6_port = address.port.bigEndian
        inet_pton(AF_INET6, address.host, &a.sin6_addr)
        return bind(fd, &a)
    }

    /// bind(2) with a `sockaddr_in` or `sockaddr_in6`.
    private static func bind<Address>(_ fd: Int32, _ a: inout Address) -> Int32 {
        withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.bind(fd, $0, socklen_t(MemoryLayout<Address>.size))
            }
        }
    }

    private static func nonBlocking(_ fd: Int32) -> Bool {
        let flags = fcntl(fd, F_GETFL)
        return flags >= 0 && fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0
    }

    private static func seconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    public struct EndpointError: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}
