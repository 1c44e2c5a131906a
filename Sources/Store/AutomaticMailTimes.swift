import Foundation

/// The newest automatic-mail times per recipient as one transaction sees them (see `automaticMailCount`).
/// Only the newest `atMost` at or after `since` are read; that is enough to answer any later `since` exactly up to
/// `atMost`, because whatever was left out is older than everything kept.
struct AutomaticMailTimes {
    private struct Window {
        var since: Double
        var atMost: Int
        var times: [Double]   // ascending
    }
    private var windows: [String: Window] = [:]

    mutating func forget() { windows.removeAll(keepingCapacity: true) }

    func count(to recipient: String, since: Date, atMost: Int) -> Int? {
        let since = since.timeIntervalSince1970
        guard let w = windows[recipient], w.since <= since, w.atMost >= atMost else { return nil }
        var low = 0, high = w.times.count   // first index with time >= since
        while low < high {
            let mid = (low + high) / 2
            if w.times[mid] < since { low = mid + 1 } else { high = mid }
        }
        return min(w.times.count - low, atMost)
    }

    mutating func remember(to recipient: String, since: Date, atMost: Int, newestFirst: [Double]) {
        windows[recipient] = Window(since: since.timeIntervalSince1970, atMost: atMost, times: newestFirst.reversed())
    }

    mutating func add(to recipient: String, at: Date) {
        guard var w = windows.removeValue(forKey: recipient) else { return }
        let t = at.timeIntervalSince1970
        w.times.insert(t, at: w.times.lastIndex(where: { $0 <= t }).map { $0 + 1 } ?? 0)
        windows[recipient] = w
    }
}
