import Foundation
import Testing
@testable import Store
import Desk
import MIME

/// Issue 19: lookups whose cost must not grow with the desk use their indexes; the WAL can be cut back.
@Suite struct ScaleQueryTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    func store() throws -> PostdeskStore {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdscale-\(UUID().uuidString)")
        return try PostdeskStore(path: dir.appendingPathComponent("db.sqlite").path)
    }

    func ticket(_ n: Int, warnIn: Double, dueIn: Double, warned: Bool = false, breached: Bool = false,
                status: TicketStatus = .open) -> TicketState {
        TicketState(id: 0, reference: TicketReference(prefix: "PD", year: 2026, number: n), status: status,
                    priority: PriorityDecision(.p2, reason: "wording"), customerID: nil, plan: "standard",
                    requester: Address(email: "c\(n)@kunde.test"), participants: [], subject: "Sag \(n)",
                    language: "da",
                    createdAt: start,
                    clock: ReactionClock(startedAt: start, dueAt: start.addingTimeInterval(dueIn),
                                         warnAt: start.addingTimeInterval(warnIn), warningSent: warned,
                                         breachSent: breached),
                    rootMessageID: "m\(n)@kunde.test", lastMessageID: "m\(n)@kunde.test")
    }

    @Test func lookupsUseTheirIndexes() throws {
        let plans = Dictionary(uniqueKeysWithValues: try store().queryPlans().map { ($0.name, $0.plan) })
        let tag = try #require(plans["subject tag"])
        #expect(tag.contains { $0.contains("USING INDEX tickets_reference_nocase (reference=?)") }, "\(tag)")
        #expect(!tag.contains { $0.hasPrefix("SCAN") }, "\(tag)")
        for name in ["escalations due", "next escalation"] {
            let plan = try #require(plans[name])
            #expect(plan.contains { $0.contains("USING INDEX tickets_warning_due") }, "\(name): \(plan)")
            #expect(plan.contains { $0.contains("USING INDEX tickets_breach_due") }, "\(name): \(plan)")
            #expect(plan.contains { $0.contains("INDEX tickets_page_due (page_next_at") }, "\(name): \(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN tickets") || $0.contains("tickets_clock") }, "\(name): \(plan)")
        }
        #expect(plans["escalations due"]!.filter { $0.contains("_due (") && $0.contains("<?") }.count == 3,
                "the three ranges bounded by now: \(plans["escalations due"]!)")
    }

    @Test func escalationCheckFindsExactlyTheUnsentDueNotices() throws {
        let store = try store()
        let rows: [(TicketState, due: Bool)] = [
            (ticket(1, warnIn: 100, dueIn: 200), false),                           // nothing due yet
            (ticket(2, warnIn: -10, dueIn: 200), true),                            // warning due
            (ticket(3, warnIn: -10, dueIn: 200, warned: true), false),             // warning sent
            (ticket(4, warnIn: -20, dueIn: -5, warned: true), true),               // breach due
            (ticket(5, warnIn: -20, dueIn: -5, warned: true, breached: true), false),
            (ticket(6, warnIn: -20, dueIn: -5, status: .answered), false),         // not open
            (ticket(7, warnIn: -20, dueIn: -6), true),                             // both due, neither sent
            (ticket(8, warnIn: 0, dueIn: 50), true),                               // due at this very instant
        ]
        for (t, _) in rows { _ = try store.insertTicket(t, at: start) }
        var clockless = ticket(9, warnIn: -20, dueIn: -5)
        clockless.clock = nil
        _ = try store.insertTicket(clockless, at: start)
        let found = try store.ticketsNeedingEscalation(now: start).map(\.reference.number)
        #expect(found == [7, 4, 8, 2], "due ones, earliest deadline first")
        #expect(found.count == rows.filter(\.due).count)
    }

    @Test func nextEscalationIsTheEarliestUnsentInstant() throws {
        let store = try store()
        #expect(try store.nextEscalationTime() == nil)
        _ = try store.insertTicket(ticket(1, warnIn: 500, dueIn: 900), at: start)
        _ = try store.insertTicket(ticket(2, warnIn: 100, dueIn: 400, warned: true), at: start)   // next: breach 400
        #expect(try store.nextEscalationTime() == start.addingTimeInterval(400))
        _ = try store.insertTicket(ticket(3, warnIn: 300, dueIn: 600), at: start)
        #expect(try store.nextEscalationTime() == start.addingTimeInterval(300))
        _ = try store.insertTicket(ticket(4, warnIn: 50, dueIn: 60, warned: true, breached: true), at: start)
        _ = try store.insertTicket(ticket(5, warnIn: 10, dueIn: 20, status: .resolved), at: start)
        #expect(try store.nextEscalationTime() == start.addingTimeInterval(300), "sent and closed ones do not count")
    }

    /// On-call pages still to send are found by their instant alone, and wake the worker (wt/oncall).
    @Test func pagesDueAreFoundAndWakeTheWorker() throws {
        let store = try store()
        var paging = ticket(1, warnIn: 5000, dueIn: 9000)
        paging.page = OnCallPage(startedAt: start, sent: 1, nextAt: start.addingTimeInterval(900))
        var stopped = ticket(2, warnIn: 5000, dueIn: 9000)
        stopped.page = OnCallPage(startedAt: start, sent: 1, nextAt: nil)
        _ = try store.insertTicket(paging, at: start)
        _ = try store.insertTicket(stopped, at: start)
        #expect(try store.nextEscalationTime() == start.addingTimeInterval(900))
        #expect(try store.ticketsNeedingEscalation(now: start.addingTimeInterval(899)).isEmpty)
        let due = try store.ticketsNeedingEscalation(now: start.addingTimeInterval(900))
        #expect(due.map(\.reference.number) == [1])
        #expect(due.first?.page == paging.page, "the page state survives the round trip")
    }

    @Test func truncatingTheWALEmptiesItAndKeepsTheData() throws {
        let store = try store()
        #expect(try store.db.query("PRAGMA journal_size_limit").first?.int("journal_size_limit") == 64 << 20)
        try store.transaction {
            for n in 1...300 { _ = try store.insertTicket(ticket(n, warnIn: 100, dueIn: 200), at: start) }
        }
        #expect(store.walBytes > 0)
        #expect(try store.makeCheckpointer()!.truncate())
        #expect(store.walBytes == 0)
        #expect(try store.ticket(reference: "pd-2026-000300") != nil)
    }
}
