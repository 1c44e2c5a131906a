import Foundation

/// A moment broken down in UTC by the C library, for timestamps formatted by hand: a formatter per mail cost more
/// than the rest of a rendered mail or a log line.
public struct UTCTime {
    private let parts: tm

    public init(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        self.parts = parts
    }

    public var year: String { String(parts.tm_year + 1900) }
    /// 1–12, two digits.
    public var month: String { Self.two(parts.tm_mon + 1) }
    public var day: String { Self.two(parts.tm_mday) }
    public var hour: String { Self.two(parts.tm_hour) }
    public var minute: String { Self.two(parts.tm_min) }
    public var second: String { Self.two(parts.tm_sec) }
    /// 0 = Sunday.
    public var weekday: Int { Int(parts.tm_wday) }
    /// 0 = January.
    public var monthIndex: Int { Int(parts.tm_mon) }

    private static func two(_ n: Int32) -> String { String(n).leftPadded(to: 2) }
}
