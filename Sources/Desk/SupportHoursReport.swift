import Foundation

/// One logged time entry as the monthly support-hours report sees it.
public struct TimeRecord: Sendable, Equatable {
    public var customer: String
    public var reference: String
    public var minutes: Int
    public var category: TimeCategory?

    public init(customer: String, reference: String, minutes: Int, category: TimeCategory?) {
        self.customer = customer
        self.reference = reference
        self.minutes = minutes
        self.category = category
    }
}

/// Per customer: the month's included support hours, the minutes used (by category), what remains or is overage,
/// and the tickets that used them. Customers with a bundle appear even in a month without use (invoicing).
public struct SupportHoursReport: Sendable {
    public struct Line: Sendable, Equatable {
        public var customer: String
        /// Included minutes per month; nil: no bundle (all time is billed by the hour).
        public var includedMinutes: Int?
        public var usedMinutes: Int
        /// Minutes per category; uncategorised time is under nil.
        public var byCategory: [TimeCategory?: Int]
        /// Minutes per ticket reference, in reference order.
        public var tickets: [(reference: String, minutes: Int)]

        public var remainingMinutes: Int { max(0, (includedMinutes ?? 0) - usedMinutes) }
        public var overageMinutes: Int { max(0, usedMinutes - (includedMinutes ?? 0)) }

        public static func == (a: Line, b: Line) -> Bool {
            a.customer == b.customer && a.includedMinutes == b.includedMinutes && a.usedMinutes == b.usedMinutes
                && a.byCategory == b.byCategory && a.tickets.map(\.reference) == b.tickets.map(\.reference)
                && a.tickets.map(\.minutes) == b.tickets.map(\.minutes)
        }
    }

    public var lines: [Line]

    public init(records: [TimeRecord], policy: Policy) {
        var groups: [String: [TimeRecord]] = [:]
        for r in records { groups[r.customer, default: []].append(r) }
        for c in policy.customers where policy.supportHoursPerMonth(for: c) != nil && groups[c.id] == nil {
            groups[c.id] = []
        }
        lines = groups.keys.sorted().map { id in
            let group = groups[id]!
            var byCategory: [TimeCategory?: Int] = [:], byTicket: [String: Int] = [:]
            for r in group {
                byCategory[r.category, default: 0] += r.minutes
                byTicket[r.reference, default: 0] += r.minutes
            }
            let hours = policy.customer(id: id).flatMap(policy.supportHoursPerMonth(for:))
            return Line(customer: id, includedMinutes: hours.map { Int(($0 * 60).rounded()) },
                        usedMinutes: group.reduce(0) { $0 + $1.minutes }, byCategory: byCategory,
                        tickets: byTicket.keys.sorted().map { ($0, byTicket[$0]!) })
        }
    }
}

extension Policy {
    /// The customer's own bundle, else its plan's; nil: no bundle.
    public func supportHoursPerMonth(for customer: Customer) -> Double? {
        customer.supportHoursPerMonth ?? plan(named: customer.plan)?.supportHoursPerMonth
    }

    /// The customer's own choice, else its plan's; off by default.
    public func noticesAdministrators(_ customer: Customer) -> Bool {
        customer.supportHoursNoticeAdministrators ?? plan(named: customer.plan)?.supportHoursNoticeAdministrators
            ?? false
    }
}
