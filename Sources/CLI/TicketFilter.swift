import Desk
import Foundation
import MIME

/// `tickets --open --mine ADDR --customer ID --overdue --priority P1`: every option given must hold.
struct TicketFilter {
    var open = false
    var mine: String?
    var customer: String?
    var overdue = false
    var priority: Priority?

    /// Takes the filter options out of `args`.
    static func take(from args: inout Arguments) throws -> TicketFilter {
        var f = TicketFilter()
        f.open = args.flag("--open")
        f.overdue = args.flag("--overdue")
        f.mine = args.option("--mine").map { $0.lowercased() }
        f.customer = args.option("--customer")
        if let text = args.option("--priority") {
            guard let p = Priority(text: text) else { throw UsageError("--priority must be P1 … P5") }
            f.priority = p
        }
        return f
    }

    /// Open: not resolved. Overdue: waiting for staff with the reaction target passed.
    func matches(_ t: TicketState, now: Date) -> Bool {
        if open, t.status == .resolved { return false }
        if let mine, t.owner != mine { return false }
        if let customer, t.customerID != customer { return false }
        if overdue, !(t.status == .open && (t.clock?.dueAt).map { $0 < now } == true) { return false }
        if let priority, t.priority.priority != priority { return false }
        return true
    }
}

/// An address as a person reads it: the decoded name, then the address (never RFC 2047 encoded words).
func readable(_ a: Address) -> String {
    guard let name = a.name, !name.isEmpty else { return a.email }
    return "\(name) <\(a.email)>"
}
