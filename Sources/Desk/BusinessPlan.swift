import Foundation

/// A support plan: its opening hours and its reaction target per priority (business minutes; nil = best effort).
public struct BusinessPlan: Sendable, Equatable {
    public var name: String
    public var calendar: BusinessCalendar
    public var targets: [Priority: Int]

    public init(name: String, calendar: BusinessCalendar, targets: [Priority: Int]) {
        self.name = name
        self.calendar = calendar
        self.targets = targets
    }

    /// Standard: Mon–Fri 09–17, every request answered within 12 working hours (P5 included).
    public static func standard(holidays: DanishHolidays = DanishHolidays()) -> BusinessPlan {
        BusinessPlan(name: "standard", calendar: .standard(holidays: holidays),
                     targets: [.p1: 720, .p2: 720, .p3: 720, .p4: 720, .p5: 720])
    }

    /// Extended: Mon–Fri 08–22; P1 2 h, P2 4 h, P3 12 h, P4 24 h, P5 best effort (no clock).
    public static func extended(holidays: DanishHolidays = DanishHolidays()) -> BusinessPlan {
        BusinessPlan(name: "extended", calendar: .extended(holidays: holidays),
                     targets: [.p1: 120, .p2: 240, .p3: 720, .p4: 1440])
    }

    /// The plan of that name ("standard" / "extended"), nil otherwise.
    public static func named(_ name: String, holidays: DanishHolidays = DanishHolidays()) -> BusinessPlan? {
        switch name.trimmingCharacters(in: .whitespaces).lowercased() {
        case "standard": return .standard(holidays: holidays)
        case "extended", "udvidet": return .extended(holidays: holidays)
        default: return nil
        }
    }

    /// Reaction target in business minutes, nil for best effort.
    public func targetMinutes(for priority: Priority) -> Int? { targets[priority] }

    /// Reaction deadline for a message received at `received`, nil for best effort.
    public func deadline(for priority: Priority, receivedAt received: Date) -> Date? {
        targetMinutes(for: priority).map { calendar.adding(minutes: $0, to: received) }
    }

    /// The instant at which `share` (0…1) of the target has elapsed in business time, e.g. 0.75 for the warning.
    /// Rounded down to whole minutes of business time; nil for best effort.
    public func instant(at share: Double, of priority: Priority, receivedAt received: Date) -> Date? {
        targetMinutes(for: priority).map {
            calendar.adding(minutes: Int((Double($0) * share).rounded(.down)), to: received)
        }
    }
}
