import Foundation
import MIME

/// A plan's on-call (the telephony provider's døgnvagt: "Vagten går på turnus imellem en række medarbejdere"): who is
/// on call each ISO week, which priorities page them outside opening hours, and when to page again.
public struct OnCall: Sendable, Equatable {
    /// Who is on call in a week.
    public enum Rota: Sendable, Equatable {
        /// The same address every week (a shared pager or SMS gateway).
        case fixed(Address)
        /// People taking turns a week each, in this order; the first is on call in `firstWeek`.
        case rotating([Address], firstWeek: ISOWeek)
        /// Explicit weeks; in a week not listed the page starts with the next week's person, else the team lead.
        case weeks([ISOWeek: Address])
    }

    public var rota: Rota
    /// The priorities that page (the terms: acute outages, P1).
    public var priorities: Set<Priority>
    /// With no staff reply or `#ack` this long after a page, the next one goes out.
    public var repageMinutes: Int

    public init(rota: Rota, priorities: Set<Priority> = [.p1], repageMinutes: Int = 15) {
        self.rota = rota
        self.priorities = priorities
        self.repageMinutes = repageMinutes
    }

    /// Everyone the rota names.
    public var addresses: [Address] {
        switch rota {
        case .fixed(let address): return [address]
        case .rotating(let people, _): return people
        case .weeks(let entries): return Array(entries.values)
        }
    }

    /// Who is on call in `week`; nil when the rota names nobody for it.
    public func onCall(in week: ISOWeek) -> Address? {
        switch rota {
        case .fixed(let address): return address
        case .rotating(let people, let first):
            guard !people.isEmpty else { return nil }
            let n = people.count
            return people[((week.index - first.index) % n + n) % n]
        case .weeks(let entries): return entries[week]
        }
    }

    /// The ladder of one page: the on-call of the week it started in, then the next person in the rota (the one on
    /// call the week after, when someone else), then the team lead; each address once.
    public func ladder(startedIn week: ISOWeek, teamLead: Address?) -> [Address] {
        var ladder: [Address] = []
        for address in [onCall(in: week), onCall(in: ISOWeek(index: week.index + 1)), teamLead].compactMap({ $0 })
        where !ladder.contains(where: { $0.normalized == address.normalized }) {
            ladder.append(address)
        }
        return ladder
    }
}

/// How far a ticket's page has gone: the instant of the first page (whose ISO week picks the rota's person), the
/// pages sent, and when the next is due. `nextAt` nil: stopped by a staff reply or `#ack`, or the ladder is done.
public struct OnCallPage: Sendable, Equatable {
    public var startedAt: Date
    public var sent: Int
    public var nextAt: Date?

    public init(startedAt: Date, sent: Int = 0, nextAt: Date?) {
        self.startedAt = startedAt
        self.sent = sent
        self.nextAt = nextAt
    }

    /// A page due at once.
    public static func start(at now: Date) -> OnCallPage { OnCallPage(startedAt: now, nextAt: now) }

    public var isRunning: Bool { nextAt != nil }
}

extension SupportPlan {
    /// Whether a ticket of `priority` at `instant` pages this plan's on-call: the plan has one, the priority is
    /// among those that page, and it is outside the plan's hours (evenings, weekends, Danish holidays).
    public func pagesOnCall(_ priority: Priority, at instant: Date) -> Bool {
        guard let onCall, onCall.priorities.contains(priority) else { return false }
        return !calendar.isOpen(at: instant)
    }
}
