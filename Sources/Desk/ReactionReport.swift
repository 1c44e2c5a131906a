import Foundation

/// One ticket as the monthly report sees it.
public struct ReactionRecord: Sendable, Equatable {
    public var customer: String
    public var plan: String
    public var priority: Priority
    public var created: Date
    /// The first reaction deadline (nil: best effort).
    public var firstDue: Date?
    public var firstResponse: Date?
    public var breaches: Int
    public var reference: String

    public init(customer: String, plan: String, priority: Priority, created: Date, firstDue: Date?,
                firstResponse: Date?, breaches: Int, reference: String = "") {
        self.customer = customer
        self.plan = plan
        self.priority = priority
        self.created = created
        self.firstDue = firstDue
        self.firstResponse = firstResponse
        self.breaches = breaches
        self.reference = reference
    }
}

/// Per customer and priority: tickets, median and 90th-percentile reaction time in business minutes,
/// share answered within target, breaches. What a CSM reads monthly.
public struct ReactionReport: Sendable {
    public struct Line: Sendable, Equatable {
        public var customer: String
        public var priority: Priority
        public var tickets: Int
        public var answered: Int
        public var medianMinutes: Int?
        public var p90Minutes: Int?
        /// Of tickets with a target whose deadline has passed or that were answered: the share answered in time.
        public var withinTarget: Double?
        public var breaches: Int
        /// The tickets with a breach, in reference order (the CSM follows them up by name).
        public var breachReferences: [String] = []
    }

    public var lines: [Line]

    public init(records: [ReactionRecord], policy: Policy, now: Date) {
        var groups: [String: [ReactionRecord]] = [:]
        for r in records { groups["\(r.customer)\u{0}\(r.priority.rawValue)", default: []].append(r) }
        lines = groups.keys.sorted().map { key in
            let group = groups[key]!
            let first = group[0]
            let calendar = policy.plan(named: first.plan)?.calendar
            let minutes = group.compactMap { r -> Int? in
                guard let answered = r.firstResponse else { return nil }
                return calendar?.businessMinutes(from: r.created, to: answered) ?? Int(
                    answered.timeIntervalSince(r.created) / 60)
            }.sorted()
            let judged = group.filter { r in r.firstDue != nil && (r.firstResponse != nil || r.firstDue! <= now) }
            let inTime = judged.filter { r in r.firstResponse.map { $0 <= r.firstDue! } ?? false }
            return Line(customer: first.customer, priority: first.priority, tickets: group.count,
                answered: minutes.count,
                        medianMinutes: Self.percentile(minutes, 0.5), p90Minutes: Self.percentile(minutes, 0.9),
                        withinTarget: judged.isEmpty ? nil : Double(inTime.count) / Double(judged.count),
                        breaches: group.reduce(0) { $0 + $1.breaches },
                        breachReferences: group.filter { $0.breaches > 0 }.map(\.reference).sorted())
        }
    }

    /// Nearest-rank percentile.
    static func percentile(_ sorted: [Int], _ p: Double) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }
}
