import Foundation

/// What support time was spent on; the Danish service catalogue bills these against the monthly bundle.
public enum TimeCategory: String, Sendable, CaseIterable, Codable {
    case remote, phone, onsite, training
}

/// Staff time logged on a ticket with `#time 45m` (`1h30m`, `1.5h`, `1,5h`, optional category) on a line of its own.
public struct TimeEntry: Sendable, Equatable {
    public var minutes: Int
    public var category: TimeCategory?

    public init(minutes: Int, category: TimeCategory? = nil) {
        self.minutes = minutes
        self.category = category
    }

    /// One `#time …` line; nil when the line is no time command. `.failure` carries the line when it is one but
    /// cannot be read (so it is neither relayed to the customer nor lost).
    public static func parse(line: String) -> Result<TimeEntry, UnreadableTime>? {
        let words = line.trimmingCharacters(in: .whitespaces).lowercased()
            .split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.first == "#time" else { return nil }
        let unreadable = Result<TimeEntry, UnreadableTime>.failure(UnreadableTime(line: line))
        guard words.count == 2 || words.count == 3, let minutes = duration(words[1]), minutes > 0,
              minutes <= 24 * 60 else { return unreadable }
        if words.count == 2 { return .success(TimeEntry(minutes: minutes)) }
        guard let category = TimeCategory(rawValue: words[2]) else { return unreadable }
        return .success(TimeEntry(minutes: minutes, category: category))
    }

    /// `45m`, `2h`, `1h30m`, `1.5h`, `1,5h` in whole minutes.
    static func duration(_ text: String) -> Int? {
        var rest = Substring(text.replacingOccurrences(of: ",", with: "."))
        var total = 0.0, sawUnit = false
        for unit in ["h", "m"] {
            guard let end = rest.firstIndex(of: Character(unit)) else { continue }
            guard let n = Double(rest[..<end]), n >= 0, n.isFinite else { return nil }
            total += unit == "h" ? n * 60 : n
            rest = rest[rest.index(after: end)...]
            sawUnit = true
        }
        guard sawUnit, rest.isEmpty else { return nil }
        return Int(total.rounded())
    }

    /// The time lines of a staff text, and the text without them.
    public static func extract(from text: String)
        -> (entries: [TimeEntry], unreadable: [UnreadableTime], text: String) {
        var entries: [TimeEntry] = [], unreadable: [UnreadableTime] = [], kept: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            switch parse(line: String(line)) {
            case .success(let entry)?: entries.append(entry)
            case .failure(let bad)?: unreadable.append(bad)
            case nil: kept.append(line)
            }
        }
        return (entries, unreadable, kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// "1h30m", "45m", "2h".
    public static func format(minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return h == 0 ? "\(m)m" : m == 0 ? "\(h)h" : "\(h)h\(m)m"
    }
}

/// A `#time` line that could not be read.
public struct UnreadableTime: Error, Sendable, Equatable {
    public var line: String
}
