import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Why a lab helper (proxy, scripted server, spawned process) could not start.
public struct LabError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A loopback TCP proxy whose listener and connections can be cut (`down`) and restored (`up`) on the same port,
/// and which can play a slow link (`bytesPerSecond`).
public final class FaultProxy: @unchecked Sendable {
    public let target: Int
    public private(set) var port: Int = 0
    /// Slow link: at most this many bytes per second each way (nil: as fast as loopback).
    public var bytesPerSecond: Int?
    private let lock = NSLock()
    private var listener: Int32 = -1
    private var conns: Set<Int32> = []
    private var closed = false

    public init(target: Int) throws {
        self.target = target
        // Writing to a peer that just went away must be an EPIPE error, not a SIGPIPE that kills the test process.
        signal(SIGPIPE, SIG_IGN)
        try listen()
    }

    private func listen() throws {
        guard let (fd, bound) = listenOnLoopback(port: port) else {
            throw LabError("proxy: cannot listen: \(String(cString: strerror(errno)))")
        }
        port = bound
        lock.lock(); listener = fd; lock.unlock()
        Thread { [self] in acceptLoop(fd) }.start()
    }

    private func acceptLoop(_ fd: Int32) {
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { return }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = in_port_t(UInt16(target).bigEndian)
            let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self,
                capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            if rc != 0 { close(client); close(upstream); continue }
            lock.lock(); conns.insert(client); conns.insert(upstream); lock.unlock()
            Thread { [self] in pump(client, upstream) }.start()
            Thread { [self] in pump(upstream, client) }.start()
        }
    }

    private func pump(_ from: Int32, _ to: Int32) {
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let rate = lock.withLock { bytesPerSecond }
            // A slow link: reads of a tenth of a second's worth, each followed by that tenth of a second.
            let n = read(from, &buf, rate.map { max(1, min(buf.count, $0 / 10)) } ?? buf.count)
            if n > 0, rate != nil { usleep(100_000) }
            if n <= 0 { break }
            var off = 0
            while off < n {
                let w = buf[off..<n].withUnsafeBytes { write(to, $0.baseAddress, n - off) }
                if w <= 0 { break }
                off += w
            }
            if off < n { break }
        }
        Glibc.shutdown(from, Int32(SHUT_RDWR))
        Glibc.shutdown(to, Int32(SHUT_RDWR))
    }

    /// Refuses new connections and cuts the open ones, like a server that went away.
    public func down() {
        lock.lock()
        let l = listener
        listener = -1
        let open = conns
        conns.removeAll()
        lock.unlock()
        if l >= 0 { Glibc.shutdown(l, Int32(SHUT_RDWR)); close(l) }
        for c in open { Glibc.shutdown(c, Int32(SHUT_RDWR)) }
    }

    public func up() { try? listen() }

    public func shutdown() { down() }
}
