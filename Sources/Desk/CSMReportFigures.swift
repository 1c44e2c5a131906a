import MIME

extension CSMReport {
    /// What one CSM's monthly mail says, computed once from the two months' reports; `text` and `html` only
    /// render it. Customer names are cleaned here (one line, no controls); the HTML escapes them on top.
    public struct Figures: Sendable, Equatable {
        public struct Row: Sendable, Equatable {
            public var priority: Priority
            public var tickets: Int
            public var medianMinutes: Int?
            public var p90Minutes: Int?
            public var withinTarget: Double?
            public var breaches: Int
            public var breachReferences: [String]
            /// The same priority the month before; nil when it had no tickets.
            public var previous: ReactionReport.Line?
        }

        public struct Hours: Sendable, Equatable {
            public var usedMinutes: Int
            public var includedMinutes: Int
            public var previousUsedMinutes: Int
            public var overageMinutes: Int { max(0, usedMinutes - includedMinutes) }
        }

        public struct Section: Sendable, Equatable {
            public var name: String
            /// Every priority with tickets in either month, P1 first.
            public var rows: [Row]
            /// Nil: the customer has no bundle.
            public var hours: Hours?
        }

        public var month: String
        public var previousMonth: String
        public var sections: [Section]

        public init(customers: [Customer], month: Month, previous: Month) {
            self.month = month.label
            previousMonth = previous.label
            sections = customers.map { c in
                let now = month.reaction.lines.filter { $0.customer == c.id }
                let before = previous.reaction.lines.filter { $0.customer == c.id }
                let priorities = Set(now.map(\.priority) + before.map(\.priority)).sorted { $0.rawValue < $1.rawValue }
                let rows = priorities.map { p in
                    let l = now.first { $0.priority == p }
                    return Row(priority: p, tickets: l?.tickets ?? 0, medianMinutes: l?.medianMinutes,
                               p90Minutes: l?.p90Minutes, withinTarget: l?.withinTarget, breaches: l?.breaches ?? 0,
                               breachReferences: l?.breachReferences ?? [],
                               previous: before.first { $0.priority == p })
                }
                let hours = month.hours.lines.first { $0.customer == c.id }.flatMap { h in
                    h.includedMinutes.map { included in
                        Hours(usedMinutes: h.usedMinutes, includedMinutes: included, previousUsedMinutes:
                                previous.hours.lines.first { $0.customer == c.id }?.usedMinutes ?? 0)
                    }
                }
                return Section(name: CustomerText.line(c.name), rows: rows, hours: hours)
            }
        }
    }
}
