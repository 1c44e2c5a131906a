import Configuration
import Foundation
import MIME

/// One line per event on stderr, logfmt or JSON. Callers pass values, never secrets.
public final class Log: @unchecked Sendable {
    public typealias Level = LogLevel

    public let level: Level
    public let json: Bool
    private let lock = NSLock()
    private let write: @Sendable (String) -> Void

    public init(level: Level = .info, json: Bool = false, write: @escaping @Sendable (String) -> Void = { line in
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }) {
        self.level = level
        self.json = json
        self.write = write
    }

    public func log(_ level: Level, _ event: String, _ fields: [(String, String)] = []) {
        guard level >= self.level else { return }
        let all = [("time", Self.timestamp(Date())), ("level", level.rawValue), ("event", event)] + fields
        let line: String
        if json {
            let object = Dictionary(all, uniquingKeysWith: { a, _ in a })
            line = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])).map { String(
                decoding: $0, as: UTF8.self) } ?? event
        } else {
            line = all.map { key, value in
                let needsQuotes = value.isEmpty || value.utf8.contains(
                    where: { $0 == 0x20 || $0 == 0x22 || $0 == 0x3D })
                // Foundation's replace is slow
                let special = value.utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A })
                let escaped = !special ? value : value.replacingOccurrences(
                    of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "\n", with: "\\n")
                return "\(key)=" + (needsQuotes ? "\"\(escaped)\"" : escaped)
            }.joined(separator: " ")
        }
        lock.lock()
        write(line)
        lock.unlock()
    }

    /// "2026-11-30T00:15:31Z" (ISO 8601, UTC), formatted by hand: a formatter cost more per mail line than the rest of
    /// it.
    static func timestamp(_ date: Date) -> String {
        let t = UTCTime(date)
        return "\(t.year)-\(t.month)-\(t.day)T\(t.hour):\(t.minute):\(t.second)Z"
    }

    public func info(_ event: String, _ fields: [(String, String)] = []) { log(.info, event, fields) }
    public func warning(_ event: String, _ fields: [(String, String)] = []) { log(.warning, event, fields) }
    public func error(_ event: String, _ fields: [(String, String)] = []) { log(.error, event, fields) }
    public func debug(_ event: String, _ fields: [(String, String)] = []) { log(.debug, event, fields) }
}
