import Foundation

/// Milliseconds between laps, on the monotonic clock.
struct Stopwatch {
    private var last = DispatchTime.now().uptimeNanoseconds

    mutating func lap() -> String {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return String(format: "%.1f", Double(now - last) / 1e6)
    }
}
