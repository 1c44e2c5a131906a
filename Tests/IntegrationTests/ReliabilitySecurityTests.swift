import Foundation
import StackTestSupport
import Testing
@testable import Transport
@testable import Store

/// Issue 6, security, end to end on the stack: secrets never reach the log (also when a login fails),
/// and a stranger carrying another customer's reference opens a new ticket.
@Suite(.serialized, .enabled(if: MailStack.isUp && postdeskBinaryPath != nil,
    Comment(rawValue: MailStack.skipReason + " (or no .build/debug/postdesk)")))
struct ReliabilitySecurityTests {
    @Test func passwordsNeverReachTheLogEvenWhenLoginFails() throws {
        let stack = MailStack.current!
        let token = stackToken()
        let box = "R/secret-\(token)"
        let setup = try StackIMAP(stack, user: "support@example.test")
        try setup.create(box)
        let wrongIMAP = "Imap-Wr0ng-\(token)-zq"
        let wrongSMTP = "Smtp-Wr0ng-\(token)-zq"
        var logs: [String] = []

        // 1. Both passwords wrong.
        let w1 = try RelWorker(stack: stack, box: box)
        defer { w1.cleanup() }
        w1.env["PD_REL_IMAP_PASSWORD"] = wrongIMAP
        w1.env["PD_REL_SMTP_PASSWORD"] = wrongSMTP
        try w1.start()
        waitUntil(15) { w1.log().contains("Login") || w1.log().contains("login") }
        Thread.sleep(forTimeInterval: 1)
        w1.stop()
        logs.append(w1.log())
        #expect(w1.log().contains("pass_failed") || w1.log().contains("imap.state"),
            "the failed IMAP login is not in the log")

        // 2. IMAP right, SMTP wrong, with a mail to answer: the SMTP login fails.
        let w2 = try RelWorker(stack: stack, box: box)
        defer { w2.cleanup() }
        w2.env["PD_REL_SMTP_PASSWORD"] = wrongSMTP
        try setup.append(box, relMail(id: "secret-\(token)@customer.test", from: "customer1@customer.test",
            subject: "Secret test"))
        try w2.start()
        waitUntil(20) { w2.log().contains("refused") }
        w2.stop()
        logs.append(w2.log())
        #expect(w2.log().contains("refused"), "the refused SMTP login is not in the log")

        // 3. Both right: the mail goes out.
        let w3 = try RelWorker(stack: stack, box: box)
        defer { w3.cleanup() }
        // Same database as run 2, so the queued acknowledgement is sent now.
        try FileManager.default.createDirectory(atPath: (w3.databasePath as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: w2.databasePath + suffix) {
            try FileManager.default.copyItem(atPath: w2.databasePath + suffix, toPath: w3.databasePath + suffix)
        }
        try w3.start()
        let sent = waitUntil(30) { ((try? w3.store().outboxBacklog().count) ?? 1) == 0 }
        w3.stop()
        logs.append(w3.log())
        #expect(sent)

        // The scan: each password as such, and as the SASL PLAIN blob libcurl would send.
        var secrets = [wrongIMAP, wrongSMTP]
        if stack.password.count >= 8 { secrets.append(stack.password) }
        var needles = secrets
        for s in secrets { needles.append(Data("\u{0}support@example.test\u{0}\(s)".utf8).base64EncodedString()) }
        let all = logs.joined(separator: "\n")
        let hits = needles.filter { all.contains($0) }
        relReport("secrets: \(secrets.count) passwords (+ their AUTH PLAIN forms) scanned " +
            "in \(all.split(separator: "\n").count) log lines of 3 runs "
                  + "(wrong IMAP+SMTP, wrong SMTP, right): found \(hits.count)"
                  + (stack.password.count < 8 ? " (the stack password '\(stack.password.prefix(1))…' is too short to " +
                      "scan for; Scripts/crash-test uses a long one)" : ""))
        #expect(hits.isEmpty, "a secret is in the log")
        // The database and its folder.
        // (run 2's: the worker created them; run 3's folder was made by this test for the copy)
        let attrs = try FileManager.default.attributesOfItem(atPath: w2.databasePath)
        let dirAttrs = try FileManager.default.attributesOfItem(
            atPath: (w2.databasePath as NSString).deletingLastPathComponent)
        #expect((attrs[.posixPermissions] as? Int) == 0o600)
        #expect((dirAttrs[.posixPermissions] as? Int) == 0o700)
    }

    @Test func strangerCarryingAnotherCustomersReferenceOpensANewTicket() throws {
        let stack = MailStack.current!
        let token = stackToken()
        let box = "R/hijack-\(token)"
        let setup = try StackIMAP(stack, user: "support@example.test")
        try setup.create(box)
        let worker = try RelWorker(stack: stack, box: box)
        defer { worker.cleanup() }
        try worker.start()
        let store = try worker.store()
        try setup.append(box, relMail(id: "hj-\(token)-1@customer.test", from: "customer1@customer.test",
            subject: "Payroll server is down"))
        #expect(waitUntil(30) { ((try? store.tickets().count) ?? 0) == 1 })
        let original = try #require(try store.tickets().first?.state)
        let ref = original.reference.description
        // An administrator of another customer, and an unknown sender, both name the reference in the subject.
        try setup.append(box, relMail(id: "hj-\(token)-2@other.test", from: "stranger@other.test",
            subject: "Re: [\(ref)] Payroll server is down",
                                      body: "Please send me the admin password you set up.\r\n"))
        // (The team lead is staff and may use any reference; a stranger at an unknown domain may not.)
        try setup.append(box, relMail(id: "hj-\(token)-3@unknown.test", from: "someone@unknown.test",
            subject: "Re: [\(ref)] Payroll server is down",
                                      body: "Add me to this ticket.\r\n"))
        #expect(waitUntil(30) { ((try? store.db.query("SELECT COUNT(*) AS n FROM intake WHERE source = ?",
            [.text(box)]).first?.int("n")) ?? 0) == 3 })
        worker.stop()
        let tickets = try store.tickets().map(\.state)
        #expect(tickets.count == 2)
        let second = try #require(tickets.first { $0.id != original.id })
        #expect(second.customerID == "other")
        #expect(second.claimedReference == ref)
        let after = try #require(try store.ticket(reference: ref))
        #expect(after.participants.map(\.email) == ["customer1@customer.test"])
        let incoming = try store.messages(ticketID: original.id).filter { $0.direction == .incoming }
        #expect(incoming.count == 1)
        let outgoing = try store.outbox().filter { $0.ticketID == original.id }
        #expect(outgoing.allSatisfy { !$0.recipients.contains("stranger@other.test") &&
            !$0.recipients.contains("someone@unknown.test") })
        relReport("hijack: 2 strangers named \(ref): new tickets \(tickets.count - 1) (claimed reference recorded), " +
            "original ticket messages in \(incoming.count), "
                  + "mails of the original to " +
                      "strangers \(outgoing.filter { $0.recipients.contains("stranger@other.test") }.count)")
    }
}

/// SQL only with bound parameters: every interpolation inside an SQL string anywhere in Sources/ must be one of
/// the known constants (no user data), and only the Store runs SQL. Runs without the stack.
@Suite struct ReliabilitySQLTests {
    @Test func storeSQLInterpolatesNoUserData() throws {
        let dir = packageRoot.appendingPathComponent("Sources")
        // Constants of the Store (column lists, the partial-index query, a size, the SET list of changed ticket
        // columns, built from the constant column names), never data.
        let allowed: Set<String> = ["\\(Self.ticketColumns)", "\\(index + 1)", "\\(Self.dueTicketIDs))",
            "\\(Self.walSizeLimit)", "\\(Self.writtenColumnList)", "\\(setList)"]
        var found: [String] = []
        var outsideStore: [String] = []
        var statements = 0
        let names = (FileManager.default.enumerator(atPath: dir.path)?.allObjects as? [String] ?? [])
        for name in names where name.hasSuffix(".swift") {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            if !name.hasPrefix("Store/"), text.range(of: #"\.(query|execute)\(\s*""#,
                options: .regularExpression) != nil {
                outsideStore.append(name)
            }
            // Every string literal passed to query(/execute( (single-line or triple-quoted).
            let pattern = try NSRegularExpression(
                pattern: #"(?:query|execute)\(\s*(\"\"\"[\s\S]*?\"\"\"|\"(?:[^\"\\]|\\.)*\")"#)
            for m in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                statements += 1
                let literal = String(text[Range(m.range(at: 1), in: text)!])
                let interp = try NSRegularExpression(pattern: #"\\\([^)]*\)?\)"#)
                for i in interp.matches(in: literal, range: NSRange(literal.startIndex..., in: literal)) {
                    let piece = String(literal[Range(i.range, in: literal)!])
                    if !allowed.contains(piece) { found.append("\(name): \(piece)") }
                }
            }
        }
        relReport("sql: \(statements) SQL statements in Sources/Store, interpolations other than " +
            "constants: \(found.count) \(found)")
        #expect(statements > 30)
        #expect(found.isEmpty)
        #expect(outsideStore.isEmpty, "SQL outside Sources/Store: \(outsideStore)")
    }
}
