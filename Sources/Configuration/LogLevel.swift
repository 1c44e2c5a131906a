/// How much the worker logs; read from `log.level` or `--log-level`.
public enum LogLevel: String, Comparable, Sendable, CaseIterable {
    case debug, info, warning, error
    var rank: Int { [.debug: 0, .info: 1, .warning: 2, .error: 3][self]! }
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rank < b.rank }
}
