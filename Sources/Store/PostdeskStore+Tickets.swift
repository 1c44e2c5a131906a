import Desk
import Foundation
import MIME

extension PostdeskStore {
    /// The reference the next ticket of the year gets, without taking it: the desk decides first whether a ticket
    /// opens at all, and `takeReference` then records it inside the same transaction.
    public func peekReference(prefix: String, year: Int) throws -> TicketReference {
        let last = try db.query("SELECT last FROM reference_sequence WHERE prefix = ? AND year = ?",
                                [.text(prefix), .int(Int64(year))]).first?.int("last") ?? 0
        return TicketReference(prefix: prefix, year: year, number: Int(last) + 1)
    }

    /// Records a reference as issued. Numbers are never reused: a later peek gives the next one, even when the
    /// transaction that took one rolls back and a later one takes the same number (nothing was sent with it).
    public func takeReference(_ reference: TicketReference) throws {
        try db.query("""
            INSERT INTO reference_sequence (prefix, year, last) VALUES (?, ?, ?)
            ON CONFLICT (prefix, year) DO UPDATE SET last = MAX(last, excluded.last)
            """, [.text(reference.prefix), .int(Int64(reference.year)), .int(Int64(reference.number))])
    }

    /// Whether any reference with this prefix was ever issued from this database.
    public func hasReferences(prefix: String) throws -> Bool {
        try !db.query("SELECT 1 AS x FROM reference_sequence WHERE prefix = ? LIMIT 1", [.text(prefix)]).isEmpty
    }

    /// Peeks and takes the next reference at once.
    public func reserveReference(prefix: String, year: Int) throws -> TicketReference {
        let reference = try peekReference(prefix: prefix, year: year)
        try takeReference(reference)
        return reference
    }

    static let ticketColumns = """
        id, reference, status, priority, priority_reason, customer_id, plan, requester_email, requester_name,\
         participants,
        subject, language, created_at, resolved_at, first_response_at, clock_started_at, due_at, warn_at, warning_sent,
        breach_sent, root_message_id, last_message_id, linked_ticket_id, claimed_reference, owner, page_started_at,
        page_sent, page_next_at, merged_into
        """

    func ticketValues(_ t: TicketState) -> [SQLValue] {
        [.text(t.reference.description), .text(t.status.rawValue), .text(t.priority.priority.rawValue),
            .text(t.priority.reason),
         SQLValue(t.customerID), .text(t.plan), .text(t.requester.email), SQLValue(t.requester.name),
         .text(Self.encodeParticipants(t.participants)), .text(t.subject), .text(t.language), SQLValue(t.createdAt),
         SQLValue(t.resolvedAt), SQLValue(t.firstResponseAt), SQLValue(t.clock?.startedAt), SQLValue(t.clock?.dueAt),
         SQLValue(t.clock?.warnAt), SQLValue(t.clock?.warningSent ?? false), SQLValue(t.clock?.breachSent ?? false),
         SQLValue(t.rootMessageID), SQLValue(t.lastMessageID), SQLValue(t.linkedTicketID), SQLValue(t.claimedReference),
         SQLValue(t.owner), SQLValue(t.page?.startedAt), .int(Int64(t.page?.sent ?? 0)), SQLValue(t.page?.nextAt),
         SQLValue(t.mergedInto)]
    }

    public func insertTicket(_ t: TicketState, at: Date) throws -> Int64 {
        try db.query("""
            INSERT INTO tickets (reference, status, priority, priority_reason, customer_id, plan, requester_email,\
             requester_name,
                participants, subject, language, created_at, resolved_at, first_response_at, clock_started_at, due_at,\
             warn_at,
                warning_sent, breach_sent, root_message_id, last_message_id, linked_ticket_id, claimed_reference, owner,
                page_started_at, page_sent, page_next_at, merged_into, updated_at, first_due_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, ticketValues(t) + [SQLValue(at), SQLValue(t.clock?.dueAt)])
        return db.lastInsertID
    }

    /// The columns `ticketValues` gives, in its order (`ticketColumns` without the id).
    static let writtenColumns = ticketColumns.split(separator: ",")
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { $0 != "id" }
    static let writtenColumnList = writtenColumns.joined(separator: ", ")

    /// Writes the columns whose stored value differs (and `updated_at`): SQLite rewrites the entries of every index
    /// on a column named in SET, changed or not, and a follow-up changes few (at a million tickets each index
    /// rewritten costs a descent or two of its B-tree per mail).
    public func updateTicket(_ t: TicketState, at: Date) throws {
        let values = ticketValues(t)
        let stored = try db.query("SELECT \(Self.writtenColumnList) FROM tickets WHERE id = ?",
                                  [.int(t.id)]).first
        var setList = "", changed: [SQLValue] = []   // column names from `writtenColumns` only, never data
        for (name, value) in zip(Self.writtenColumns, values) where stored?.columns[name] != value {
            setList += "\(name) = ?, "
            changed.append(value)
        }
        try db.query("""
            UPDATE tickets SET \(setList)updated_at = ?,
                -- Until the first response, the first deadline follows the clock (a #priority change re-times it).
                first_due_at = CASE WHEN first_response_at IS NULL THEN COALESCE(?, first_due_at) ELSE first_due_at END
            WHERE id = ?
            """, changed + [SQLValue(at), SQLValue(t.clock?.dueAt), .int(t.id)])
    }

    func ticket(from row: Row) -> TicketState? {
        guard let id = row.int("id"), let refText = row.text("reference"),
              let prefix = refText.split(separator: "-").first.map(String.init),
              let reference = TicketReference(refText, prefix: prefix) else { return nil }
        var clock: ReactionClock?
        if let start = row.date("clock_started_at"), let due = row.date("due_at"), let warn = row.date("warn_at") {
            clock = ReactionClock(startedAt: start, dueAt: due, warnAt: warn, warningSent: row.int("warning_sent") == 1,
                                  breachSent: row.int("breach_sent") == 1)
        }
        return TicketState(
            id: id, reference: reference, status: TicketStatus(rawValue: row.text("status") ?? "") ?? .open,
            priority: PriorityDecision(Priority(rawValue: row.text("priority") ?? "") ?? .p3,
            reason: row.text("priority_reason") ?? ""),
            customerID: row.text("customer_id"), plan: row.text("plan") ?? "",
            requester: Address(name: row.text("requester_name"), email: row.text("requester_email") ?? ""),
            participants: Self.decodeParticipants(row.text("participants") ?? ""), subject: row.text("subject") ?? "",
            language: row.text("language") ?? "en", createdAt: row.date("created_at") ?? Date(timeIntervalSince1970: 0),
            resolvedAt: row.date("resolved_at"), firstResponseAt: row.date("first_response_at"), clock: clock,
            rootMessageID: row.text("root_message_id"), lastMessageID: row.text("last_message_id"),
            linkedTicketID: row.int("linked_ticket_id"), claimedReference: row.text("claimed_reference"),
            owner: row.text("owner"),
            page: row.date("page_started_at").map {
                OnCallPage(startedAt: $0, sent: Int(row.int("page_sent") ?? 0), nextAt: row.date("page_next_at"))
            },
            mergedInto: row.int("merged_into"))
    }

    public func ticket(id: Int64) throws -> TicketState? {
        try db.query("SELECT \(Self.ticketColumns) FROM tickets WHERE id = ?", [.int(id)]).first.flatMap(ticket(from:))
    }

    /// Case-blind, by the index `tickets_reference_nocase`.
    static let byReference = "SELECT \(ticketColumns) FROM tickets WHERE reference = ? COLLATE NOCASE"

    public func ticket(reference: String) throws -> TicketState? {
        try db.query(Self.byReference, [.text(reference)]).first.flatMap(ticket(from:))
    }

    /// The ticket holding any of these Message-IDs (incoming or ours), the last-named first.
    public func ticket(forMessageIDs ids: [String]) throws -> TicketState? {
        try headerMatch(ids)?.ticket
    }

    /// The ticket holding any of these Message-IDs, the last-named first (at most the newest 50 of a hostile list),
    /// with whose message matched: one of ours (and its kind) or one we received.
    public func headerMatch(_ ids: [String]) throws -> HeaderMatch? {
        for id in ids.suffix(50).reversed() where !id.isEmpty {
            guard let row = try db.query("""
                SELECT ticket_id, direction, role FROM messages WHERE message_id = ? AND ticket_id IS NOT NULL
                ORDER BY direction DESC LIMIT 1
                """, [.text(id)]).first,
                  let ticketID = row.int("ticket_id"), let ticket = try ticket(id: ticketID) else { continue }
            let ours = row.text("direction") == MessageDirection.outgoing.rawValue
            return HeaderMatch(ticket: ticket, ours: ours, kind: ours ? row.text("role").flatMap(MailKind.init) : nil)
        }
        return nil
    }

    public func tickets(limit: Int = 1000) throws -> [TicketSummary] {
        try db.query("""
            SELECT \(Self.ticketColumns), (SELECT COUNT(*) FROM messages m WHERE m.ticket_id = tickets.id) AS\
             message_count
            FROM tickets ORDER BY id LIMIT ?
            """, [.int(Int64(limit))]).compactMap { row in
            ticket(from: row).map { TicketSummary(state: $0, messageCount: Int(row.int("message_count") ?? 0)) }
        }
    }

    /// The unsent warnings (see `tickets_warning_due`) and unsent breach notices (`tickets_breach_due`).
    static let unsentWarning =
        "status = 'open' AND clock_started_at IS NOT NULL AND warning_sent = 0 AND breach_sent = 0"
    static let unsentBreach = "status = 'open' AND clock_started_at IS NOT NULL AND breach_sent = 0"
    /// The on-call pages still to send (see `tickets_page_due`).
    static let pageDue = "page_next_at IS NOT NULL"

    /// The ids of open tickets whose warning or breach instant has passed and whose notice is not sent: a range
    /// of each partial index, so the check reads what is due and not every open ticket. INDEXED BY, because
    /// without statistics SQLite prefers `tickets_clock`, which holds every open ticket.
    static let dueTicketIDs = """
        SELECT id FROM tickets INDEXED BY tickets_warning_due WHERE \(unsentWarning) AND warn_at <= ?
        UNION SELECT id FROM tickets INDEXED BY tickets_breach_due WHERE \(unsentBreach) AND due_at <= ?
        UNION SELECT id FROM tickets INDEXED BY tickets_page_due WHERE \(pageDue) AND page_next_at <= ?
        """

    /// Open tickets whose warning or breach instant has passed and whose notice is not sent, and tickets with an
    /// on-call page due.
    public func ticketsNeedingEscalation(now: Date) throws -> [TicketState] {
        try db.query("SELECT \(Self.ticketColumns) FROM tickets WHERE id IN (\(Self.dueTicketIDs)) ORDER BY due_at",
                     [SQLValue(now), SQLValue(now), SQLValue(now)]).compactMap(ticket(from:))
    }

    /// The earliest instant a notice falls due (past or future), so the worker can wake for it: the first entry
    /// of each partial index. A breach due before its warning counts (it is what the check would send).
    static let nextEscalation = """
        SELECT MIN(next) AS next FROM (
            SELECT * FROM (SELECT warn_at AS next FROM tickets INDEXED BY tickets_warning_due
                           WHERE \(unsentWarning) AND warn_at IS NOT NULL ORDER BY warn_at LIMIT 1)
            UNION ALL
            SELECT * FROM (SELECT due_at AS next FROM tickets INDEXED BY tickets_breach_due
                           WHERE \(unsentBreach) AND due_at IS NOT NULL ORDER BY due_at LIMIT 1)
            UNION ALL
            SELECT * FROM (SELECT page_next_at AS next FROM tickets INDEXED BY tickets_page_due
                           WHERE \(pageDue) ORDER BY page_next_at LIMIT 1))
        """

    public func nextEscalationTime() throws -> Date? {
        try db.query(Self.nextEscalation).first?.date("next")
    }

    /// SQLite's plan (EXPLAIN QUERY PLAN details) for the lookups whose cost must not grow with the desk: the
    /// subject tag, the due escalations and the next escalation instant. Tests and the scale benchmark read it.
    public func queryPlans() throws -> [(name: String, plan: [String])] {
        try [("subject tag", Self.byReference), ("escalations due", Self.dueTicketIDs),
             ("next escalation", Self.nextEscalation)].map { name, sql in
            (name, try db.query("EXPLAIN QUERY PLAN " + sql).compactMap { $0.text("detail") })
        }
    }

    static func encodeParticipants(_ list: [Address]) -> String {
        let data = (try? JSONEncoder().encode(list)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decodeParticipants(_ text: String) -> [Address] {
        (try? JSONDecoder().decode([Address].self, from: Data(text.utf8))) ?? []
    }

    public func logEscalation(ticketID: Int64, kind: String, at: Date) throws {
        try db.query("INSERT INTO escalation_log (ticket_id, kind, sent_at) VALUES (?, ?, ?)",
            [.int(ticketID), .text(kind), SQLValue(at)])
    }
}
