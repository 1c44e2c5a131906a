import Foundation
import Testing
@testable import Store
import Desk
import MIME

@Suite struct StoreTests {
    func tempPath() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pdstore-\(UUID().uuidString)")
        return dir.appendingPathComponent("db.sqlite").path
    }

    func ticket(_ n: Int = 1) -> TicketState {
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        return TicketState(id: 0, reference: TicketReference(prefix: "PD", year: 2026, number: n), status: .open,
                           priority: PriorityDecision(.p2, reason: "wording"), customerID: "nordlys", plan: "standard",
                           requester: Address(name: "Mette", email: "mette@nordlys.test"),
                           participants: [Address(name: "Mette", email: "mette@nordlys.test")],
                           subject: "Printer", language: "da", createdAt: start,
                           clock: ReactionClock(startedAt: start, dueAt: start.addingTimeInterval(3600),
                           warnAt: start.addingTimeInterval(2700)),
                           rootMessageID: "m1@nordlys.test", lastMessageID: "m1@nordlys.test")
    }

    @Test func createsDatabaseWithPrivateModeAndWAL() throws {
        let path = tempPath()
        let store = try PostdeskStore(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let dirAttributes = try FileManager.default.attributesOfItem(
            atPath: (path as NSString).deletingLastPathComponent)
        #expect((dirAttributes[.posixPermissions] as? Int) == 0o700)
        #expect(try store.db.query("PRAGMA journal_mode").first?.text("journal_mode") == "wal")
        #expect(store.db.userVersion == Schema.migrations.count)
        // Reopening does not re-run migrations.
        _ = try PostdeskStore(path: path)
    }

    @Test func referencesAreSequentialPerYearAndNeverReused() throws {
        let store = try PostdeskStore(path: tempPath())
        #expect(try store.reserveReference(prefix: "PD", year: 2026).number == 1)
        #expect(try store.reserveReference(prefix: "PD", year: 2026).number == 2)
        #expect(try store.reserveReference(prefix: "PD", year: 2027).number == 1)
        #expect(try store.reserveReference(prefix: "PD", year: 2026).description == "PD-2026-000003")
    }

    /// Texts derivable from the raw mail are not stored twice, yet read back the same.
    @Test func derivableTextsAreNotStoredButReadBack() throws {
        let path = tempPath()
        let store = try PostdeskStore(path: path)
        let raw = Array(
            "From: a@nordlys.test\r\nSubject: Hi\r\n\r\nPrinter is down.\r\n\r\nOn Mon, Bo wrote:\r\n> old\r\n".utf8)
        let body = MessageParser.parse(raw).bodyText
        let newText = ReplyExtractor.newText(body)
        #expect(newText == "Printer is down.")
        let id = try store.insertTicket(ticket(), at: Date())
        try store.insertMessage(ticketID: id, direction: .incoming, role: "customer", messageID: nil, from: nil,
            subject: "Hi", at: Date(),
                                newText: newText, bodyText: body, raw: raw, newTextFromRaw: true)
        try store.insertMessage(ticketID: id, direction: .incoming, role: "staff", messageID: nil, from: nil,
            subject: "Re", at: Date(),
                                newText: "edited by a command", bodyText: body, raw: raw, newTextFromRaw: false)
        try store.insertMessage(ticketID: id, direction: .outgoing, role: "acknowledgement", messageID: nil, from: nil,
            subject: "Ack", at: Date(),
                                newText: "Thanks", bodyText: "Thanks", raw: nil)
        // A queued mail's text lives in its outbox row only.
        let ackBody = "Tak for din henvendelse – vi kigger på det.\n\nReference: PD-2026-000001\nLinje med = og lang " +
            "tekst " + String(repeating: "ø", count: 90)
        let mail = OutgoingMail(from: Address(email: "support@example.test"),
            to: [Address(email: "mette@nordlys.test")], subject: "Kvittering",
                                messageID: "pd.1@example.test", date: Date(), body: ackBody)
        try store.enqueue(QueuedMail(.acknowledgement, mail), raw: MessageWriter.render(mail), ticketID: id, at: Date())
        let stored = try store.db.query(
            "SELECT new_text, body_text FROM messages ORDER BY " +
                "id").map { "\($0.text("new_text") ?? "-")|\($0.text("body_text") ?? "-")" }
        #expect(stored == ["|", "edited by a command|", "Thanks|", "|"])
        let read = try store.messages(ticketID: id)
        #expect(read.map(\.newText) == [newText, "edited by a command", "Thanks", ackBody])
        #expect(read.map(\.bodyText) == [body, body, "Thanks", ackBody])
    }

    @Test func ticketRoundTripAndLookupByMessageID() throws {
        let store = try PostdeskStore(path: tempPath())
        let at = Date(timeIntervalSince1970: 1_795_000_100)
        let id = try store.insertTicket(ticket(), at: at)
        try store.insertMessage(ticketID: id, direction: .incoming, role: "customer", messageID: "m1@nordlys.test",
            from: nil, subject: "Printer",
                                at: at, newText: "x", bodyText: "x", raw: Array("raw".utf8))
        var loaded = try #require(try store.ticket(id: id))
        var expected = ticket()
        expected.id = id
        #expect(loaded == expected)
        #expect(try store.ticket(reference: "PD-2026-000001")?.id == id)
        #expect(try store.ticket(forMessageIDs: ["unknown@x", "m1@nordlys.test"])?.id == id)
        #expect(try store.ticket(forMessageIDs: ["unknown@x"]) == nil)
        loaded.status = .answered
        loaded.clock = nil
        try store.updateTicket(loaded, at: at)
        #expect(try store.ticket(id: id)?.clock == nil)
        #expect(try store.ticket(id: id)?.status == .answered)
    }

    @Test func escalationQueryFindsOnlyDueNotices() throws {
        let store = try PostdeskStore(path: tempPath())
        let t = ticket()
        _ = try store.insertTicket(t, at: t.createdAt)
        #expect(try store.ticketsNeedingEscalation(now: t.createdAt.addingTimeInterval(100)).isEmpty)
        #expect(try store.ticketsNeedingEscalation(now: t.clock!.warnAt).count == 1)
        #expect(try store.nextEscalationTime() == t.clock!.warnAt)
    }

    /// Inside a transaction the count comes from times read once and kept up to date; it must equal the database's.
    @Test func automaticMailCountInATransactionMatchesTheDatabase() throws {
        let store = try PostdeskStore(path: tempPath())
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var n = 0
        func queue(_ kind: MailKind, to: String, at: Date) throws {
            n += 1
            let mail = OutgoingMail(from: Address(email: "support@example.test"), to: [Address(email: to)],
                subject: "s",
                                    messageID: "pd.\(n)@example.test", date: at, body: "b")
            try store.enqueue(QueuedMail(kind, mail), raw: [], ticketID: nil, at: at)
        }
        for i in 0..<30 { try queue(.acknowledgement, to: "a@x.test", at: start.addingTimeInterval(Double(i) * 100)) }
        try queue(.staffNotification, to: "a@x.test", at: start.addingTimeInterval(2990))
        let outside = { (since: Date, atMost: Int) in try store.automaticMailCount(
            to: "A@x.test", since: since, atMost: atMost) }
        try store.transaction {
            for step in 0..<40 {
                let at = start.addingTimeInterval(3000 + Double(step) * 50)
                if step % 3 == 0 { try queue(.acknowledgement, to: "A@X.test", at: at) }
                if step % 7 == 0 { try queue(.refusal, to: "a@x.test", at: at) }
                if step == 20 {   // a rolled-back savepoint takes its mails out of the count
                    #expect(throws: DatabaseError.self) {
                        try store.savepoint {
                            try queue(.acknowledgement, to: "a@x.test", at: at)
                            throw DatabaseError(message: "boom")
                        }
                    }
                }
                for atMost in [5, 25, 1000] {
                    let since = at.addingTimeInterval(-1800)
                    let cached = try store.automaticMailCount(to: "a@x.test", since: since, atMost: atMost)
                    let truth = try store.db.query("""
                        SELECT COUNT(*) AS n FROM outbox WHERE primary_recipient = 'a@x.test' AND kind IN\
                         ('acknowledgement', 'refusal')
                        AND created_at >= ?
                        """, [SQLValue(since)]).first?.int("n") ?? -1
                    #expect(cached == min(Int(truth), atMost), "step \(step) atMost \(atMost)")
                }
            }
        }
        #expect(try outside(start, 1000) == 30 + 14 + 6)
    }

    @Test func outboxLifecycleAndAutomaticMailCount() throws {
        let store = try PostdeskStore(path: tempPath())
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let mail = OutgoingMail(from: Address(email: "support@example.test"),
            to: [Address(email: "Mette@nordlys.test")], subject: "ack",
                                messageID: "pd.1@example.test", date: at, body: "hi")
        try store.enqueue(QueuedMail(.acknowledgement, mail), raw: MessageWriter.render(mail), ticketID: nil, at: at)
        #expect(try store.automaticMailCount(to: "mette@nordlys.test", since: at.addingTimeInterval(-3600)) == 1)
        for n in 2...3 {
            var again = mail
            again.messageID = "pd.\(n)@example.test"
            try store.enqueue(QueuedMail(.acknowledgement, again), raw: MessageWriter.render(again), ticketID: nil,
                at: at)
        }
        #expect(try store.automaticMailCount(to: "mette@nordlys.test", since: at.addingTimeInterval(-3600)) == 3)
        #expect(try store.automaticMailCount(to: "mette@nordlys.test", since: at.addingTimeInterval(-3600),
            atMost: 2) == 2)
        #expect(try store.automaticMailCount(to: "mette@nordlys.test", since: at.addingTimeInterval(1)) == 0)
        try store.db.query("DELETE FROM outbox WHERE message_id != 'pd.1@example.test'")
        let pending = try store.pendingOutbox(now: at)
        #expect(pending.count == 1)
        #expect(pending[0].recipients == ["Mette@nordlys.test"])
        try store.markRetry(pending[0].id, error: "421 busy", next: at.addingTimeInterval(60))
        #expect(try store.pendingOutbox(now: at).isEmpty)
        #expect(try store.pendingOutbox(now: at.addingTimeInterval(61)).first?.attempts == 1)
        try store.markSent(pending[0].id, at: at)
        #expect(try store.outbox(status: .sent).count == 1)
        // Our outgoing Message-ID is remembered for threading.
        #expect(try store.db.query(
            "SELECT COUNT(*) AS n FROM messages WHERE message_id = 'pd.1@example.test'").first?.int("n") == 1)
    }

    @Test func attachmentsAreContentAddressed() throws {
        let store = try PostdeskStore(path: tempPath())
        let at = Date()
        let row = try store.insertMessage(ticketID: nil, direction: .incoming, role: "customer", messageID: nil,
            from: nil, subject: "",
                                          at: at, newText: "", bodyText: "", raw: nil)
        let a = Attachment(filename: "log.txt", contentType: "text/plain", data: Array("hello".utf8))
        try store.storeAttachments([a, a], messageRow: row)
        #expect(try store.db.query("SELECT COUNT(*) AS n FROM blobs").first?.int("n") == 1)
        #expect(try store.blob(sha256: a.sha256) == Array("hello".utf8))
    }

    @Test func transactionRollsBackOnError() throws {
        let store = try PostdeskStore(path: tempPath())
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.transaction {
                _ = try store.reserveReference(prefix: "PD", year: 2026)
                throw Boom()
            }
        }
        #expect(try store.reserveReference(prefix: "PD", year: 2026).number == 1)
    }

    @Test func onlineBackupIsRestorable() throws {
        let store = try PostdeskStore(path: tempPath())
        _ = try store.insertTicket(ticket(), at: Date())
        let target = tempPath()
        try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try store.db.backup(to: target)
        let restored = try PostdeskStore(path: target)
        #expect(try restored.ticket(reference: "PD-2026-000001")?.subject == "Printer")
    }
}

/// A worker and a CLI command opening a new database at once both migrate it: neither may fail.
@Suite struct ConcurrentMigrationTests {
    @Test func storesOpeningANewDatabaseAtOnceAllSucceed() throws {
        for round in 0..<5 {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "mig-\(round)-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let failures = FailureCount()
            DispatchQueue.concurrentPerform(iterations: 6) { _ in
                do { _ = try PostdeskStore(path: path) } catch { failures.add("\(error)") }
            }
            #expect(failures.all.isEmpty, "\(failures.all)")
            #expect(try PostdeskStore(path: path).db.userVersion == Schema.migrations.count)
        }
    }
}

final class FailureCount: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.withLock { items.append(s) } }
    var all: [String] { lock.withLock { items } }
}
