import Foundation
import StackTestSupport
import Testing
@testable import Transport
@testable import Store

/// Issue 6, outages: the IMAP server, and separately the SMTP server, go away during a run. The worker
/// keeps running, backs off, logs state changes, recovers by itself; nothing is lost or duplicated.
/// CI: a TCP proxy in front of Dovecot and Postfix is cut for RELIABILITY_OUTAGE_SECONDS (default 6), so the
/// shared stack stays up for the other tests. `Scripts/outage-test` sets RELIABILITY_OUTAGE_DAEMONS=1 on a
/// stack of its own: Dovecot and Postfix themselves are stopped (by PID) and started again.
@Suite(.serialized, .enabled(if: MailStack.isUp && postdeskBinaryPath != nil,
    Comment(rawValue: MailStack.skipReason + " (or no .build/debug/postdesk)")))
struct ReliabilityOutageTests {
    @Test func imapAndSmtpOutagesAreSurvivedWithoutLossOrDuplicates() throws {
        let stack = MailStack.current!
        let seconds = Double(relEnvInt("RELIABILITY_OUTAGE_SECONDS", 6))
        let daemons = ProcessInfo.processInfo.environment["RELIABILITY_OUTAGE_DAEMONS"] == "1"
        let imapProxy = daemons ? nil : try FaultProxy(target: stack.imapPort)
        let smtpProxy = daemons ? nil : try FaultProxy(target: stack.submissionPort)
        defer { imapProxy?.shutdown(); smtpProxy?.shutdown() }
        var viaProxy = stack
        if let imapProxy, let smtpProxy { viaProxy.imapPort = imapProxy.port; viaProxy.submissionPort = smtpProxy.port }
        let token = stackToken()
        let box = daemons ? "INBOX" : "R/outage-\(token)"
        let worker = try RelWorker(stack: viaProxy, box: box) { $0["autoReplyLimitPerHour"] = 10_000 }
        defer { worker.cleanup() }
        // On a stack of its own (purged afterwards), the worker's log goes next to Dovecot's and Postfix's:
        // Scripts/outage-test keeps that folder when the test fails.
        defer { if daemons { try? worker.log().write(toFile: stack.dir + "/log/postdesk.log", atomically: true,
            encoding: .utf8) } }
        let setup = try StackIMAP(stack, user: "support@example.test")
        if box != "INBOX" { try setup.create(box) }
        var ids: [String] = []
        func deliver(_ count: Int, _ phase: String) throws {
            let imap = try StackIMAP(stack, user: "support@example.test")
            for i in 0..<count {
                let id = "out-\(token)-\(phase)-\(i)@customer.test"
                ids.append(id)
                try imap.append(box, relMail(id: id, from: "customer1@customer.test", subject: "Outage \(phase) \(i)"))
            }
        }
        let store = try worker.store()
        func intake() throws -> Int { Int(try store.db.query("SELECT COUNT(*) AS n FROM intake WHERE source = ?",
            [.text(box)]).first?.int("n") ?? 0) }
        func pending() throws -> Int { try store.outboxBacklog().count }
        func settled(_ n: Int) throws -> Bool { try intake() >= n && pending() == 0 &&
            StackIMAP(stack, user: "support@example.test").status(box).messages == 0 }

        try worker.start()
        try deliver(10, "before")
        #expect(try waitUntil(60) { try settled(10) }, "the first mails were not handled")
        // Daemons: stop a server only once Postfix has delivered what the worker handed it. Dovecot stopping
        // during an LMTP delivery saves the mail and still answers "421 Shutting down" to the end of DATA, so
        // Postfix delivers it again later: a duplicate that is Postfix's and Dovecot's, not the worker's.
        func postfixDelivered() throws {
            guard daemons else { return }
            try Daemons(stack).flushPostfix()
            #expect(try waitUntil(60) { try Daemons(stack).postfixQueueIsEmpty() }, "Postfix's queue did not empty")
        }
        try postfixDelivered()

        // IMAP goes away.
        var figures: [String] = []
        let logBefore = worker.log().split(separator: "\n").count
        let imapDown = Date()
        if let imapProxy { imapProxy.down() } else { try Daemons(stack).stopDovecot() }
        // Dovecot is up behind the proxy: mail arrives meanwhile
        if imapProxy != nil { try deliver(10, "imap-outage") }
        Thread.sleep(forTimeInterval: seconds)
        #expect(worker.isRunning, "the worker died during the IMAP outage")
        if let imapProxy { imapProxy.up() } else { try Daemons(stack).startDovecot(); try deliver(10, "imap-outage") }
        let imapUp = Date()
        let imapRecovered = try waitUntil(120 + seconds) { try settled(20) }
        let imapRecovery = Date().timeIntervalSince(imapUp)
        #expect(imapRecovered, "no recovery after the IMAP outage")
        let imapLog = worker.log().split(separator: "\n").dropFirst(logBefore)
        let imapStateLines = imapLog.filter { $0.contains("event=imap.state") ||
            $0.contains("event=worker.pass_failed") || $0.contains("event=worker.recovered") }
        figures.append(
            "imap outage \(Int(seconds))s: " +
                "recovered \(imapRecovered ? "yes" : "NO") \(String(format: "%.1f", imapRecovery))s after the server " +
                    "returned; "
                       + "state log lines \(imapStateLines.count) (\(Self.events(imapStateLines))), outage " +
                           "lasted \(String(format: "%.1f", imapUp.timeIntervalSince(imapDown)))s")

        // SMTP goes away.
        try postfixDelivered()
        let logBefore2 = worker.log().split(separator: "\n").count
        let smtpDown = Date()
        if let smtpProxy { smtpProxy.down() } else { try Daemons(stack).stopPostfix() }
        try deliver(10, "smtp-outage")
        Thread.sleep(forTimeInterval: seconds)
        #expect(worker.isRunning, "the worker died during the SMTP outage")
        // Intake went on while SMTP was away.
        let takenDuringSMTPOutage = try intake()
        if let smtpProxy { smtpProxy.up() } else { try Daemons(stack).startPostfix() }
        let smtpUp = Date()
        let smtpRecovered = try waitUntil(180 + seconds) { try settled(30) }
        let smtpRecovery = Date().timeIntervalSince(smtpUp)
        #expect(smtpRecovered, "no recovery after the SMTP outage")
        let smtpLog = worker.log().split(separator: "\n").dropFirst(logBefore2)
        let smtpStateLines = smtpLog.filter { $0.contains("event=smtp.state") ||
            $0.contains("event=worker.pass_failed") || $0.contains("event=worker.recovered")
            || $0.contains("event=outbox.recovered") || ($0.contains("event=outbox.retry") &&
                $0.contains("level=warning")) }
        let retries = smtpLog.filter { $0.contains("event=outbox.retry") }.count
        figures.append(
            "smtp outage \(Int(seconds))s: " +
                "recovered \(smtpRecovered ? "yes" : "NO") \(String(format: "%.1f", smtpRecovery))s after the server " +
                    "returned; "
                       + "intake during outage \(takenDuringSMTPOutage)/30; state log " +
                           "lines \(smtpStateLines.count) (\(Self.events(smtpStateLines))), " +
                               "deferrals \(retries) (debug after the first), "
                       + "outage lasted \(String(format: "%.1f", smtpUp.timeIntervalSince(smtpDown)))s")
        if daemons { try Daemons(stack).flushPostfix() }

        // Everything exactly once.
        waitUntil(30) { ((try? StackIMAP(stack, user: "customer1@customer.test").heads(
            "INBOX").filter { ids.contains($0.inReplyTo) }.count) ?? 0) >= ids.count }
        let acks = try StackIMAP(stack, user: "customer1@customer.test").heads(
            "INBOX").filter { ids.contains($0.inReplyTo) }
        var perMail: [String: Int] = [:]
        for a in acks { perMail[a.inReplyTo, default: 0] += 1 }
        let missing = ids.filter { perMail[$0] == nil }.count
        let duplicated = perMail.values.reduce(0) { $0 + max(0, $1 - 1) }
        let tickets = try store.db.query(
            "SELECT COUNT(*) AS n, COUNT(DISTINCT root_message_id) AS d FROM tickets").first
        let lost = try ids.filter { try store.db.query("SELECT 1 FROM intake WHERE message_id = ?",
            [.text($0)]).isEmpty }.count
        #expect(worker.isRunning)
        let exit = worker.stop()
        figures.append(
            "outage totals: mails \(ids.count), lost \(lost), " +
                "tickets \(tickets?.int("n") ?? 0) (distinct \(tickets?.int("d") ?? 0)), "
                       + "acknowledgements missing \(missing), duplicated \(duplicated), worker exit \(exit) on " +
                           "SIGTERM")
        // Each duplicated acknowledgement: its copies' Message-IDs and the Postfix queue IDs they came through.
        // The same Message-ID through two queue IDs: the worker submitted it twice; through one: Postfix delivered
        // twice.
        let inbox = try StackIMAP(stack, user: "customer1@customer.test")
        for (id, n) in perMail where n > 1 {
            let copies = try inbox.search("INBOX", "HEADER In-Reply-To \(StackIMAP.q(id))").map { uid -> String in
                let raw = try inbox.fetch("INBOX", uid: uid)
                let queue = raw.range(of: #"with E?SMTPS?A? id [0-9A-Za-z]+"#,
                    options: .regularExpression).map { String(raw[$0].split(separator: " ").last!) }
                return "\(header("Message-ID", in: raw) ?? "?") via \(queue ?? "?")"
            }
            figures.append("duplicate of \(id): \(copies.joined(separator: ", "))")
        }
        for f in figures { relReport(f) }
        #expect(lost == 0)
        #expect(missing == 0)
        #expect(duplicated == 0)
        #expect(tickets?.int("n") == tickets?.int("d"))
        #expect(exit == 0)
        #expect(imapStateLines.count <= 6,
            "state changes should be logged once, not per attempt: \(imapStateLines.count)")
        #expect(smtpStateLines.count <= 6,
            "state changes should be logged once, not per attempt: \(smtpStateLines.count)")
    }

    static func events(_ lines: [Substring]) -> String {
        var counts: [String: Int] = [:]
        for l in lines {
            guard let r = l.range(of: "event=") else { continue }
            let e = l[r.upperBound...].prefix { $0 != " " }
            counts[String(e), default: 0] += 1
        }
        return counts.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
    }
}

/// Stops and starts the stack's own daemons by the PIDs in `$MAILSTACK_DIR/pids` (only for a stack of one's own).
struct Daemons {
    let s: String
    init(_ stack: MailStack) { s = stack.dir }

    func pid(_ file: String) -> pid_t? {
        (try? String(contentsOfFile: file, encoding: .utf8)).flatMap { pid_t(
            $0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func stop(_ name: String) throws {
        guard let p = pid("\(s)/pids/\(name).pid") else { throw TransportError("no pid for \(name)") }
        kill(p, SIGTERM)
        let end = Date().addingTimeInterval(15)
        while kill(p, 0) == 0 && Date() < end { Thread.sleep(forTimeInterval: 0.1) }
        if kill(p, 0) == 0 { kill(p, SIGKILL) }
    }

    /// Runs `dovecot` / `postfix start` / `postqueue` and waits for that command (not the daemon it leaves) to exit.
    /// Not through Foundation's Process: see `relRunDaemonStarter`.
    func run(_ args: [String]) throws {
        let status = try relRunDaemonStarter(args)
        if status != 0 { throw TransportError("\(args.joined(separator: " ")) exited \(status)") }
    }

    func recordPid(_ name: String, from file: String) throws {
        for _ in 0..<100 {
            if let p = pid(file) { try "\(p)\n".write(toFile: "\(s)/pids/\(name).pid", atomically: true,
                encoding: .utf8); return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TransportError("\(name) wrote no pid file")
    }

    func stopDovecot() throws {
        try stop("dovecot")
        try? FileManager.default.removeItem(atPath: "\(s)/dovecot/run/master.pid")
        // Dovecot's imap, auth, log … processes outlive their master by seconds to a minute, and an IDLE session
        // goes on serving its client meanwhile (the worker never saw the outage): a server that went away takes
        // them along.
        var left = dovecotProcesses()
        for p in left { kill(p, SIGTERM) }
        let end = Date().addingTimeInterval(10)
        while !left.isEmpty && Date() < end { Thread.sleep(forTimeInterval: 0.1); left = dovecotProcesses() }
        for p in left { kill(p, SIGKILL) }
    }

    /// The running processes of this stack's Dovecot instance: their titles are `dovecot-<instance_name>/<service>`.
    func dovecotProcesses() -> [pid_t] {
        let conf = (try? String(contentsOfFile: "\(s)/dovecot/dovecot.conf", encoding: .utf8)) ?? ""
        guard let line = conf.split(separator: "\n").first(
            where: { $0.hasPrefix("instance_name = ") }) else { return [] }
        let prefix = "dovecot-" + line.dropFirst("instance_name = ".count).trimmingCharacters(in: .whitespaces) + "/"
        let all = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return all.compactMap { pid_t($0) }.filter { p in
            guard let cmd = FileManager.default.contents(atPath: "/proc/\(p)/cmdline") else { return false }
            return String(decoding: cmd, as: UTF8.self).hasPrefix(prefix)
        }
    }

    func startDovecot() throws {
        try run(["/usr/sbin/dovecot", "-c", "\(s)/dovecot/dovecot.conf"])
        try recordPid("dovecot", from: "\(s)/dovecot/run/master.pid")
        Thread.sleep(forTimeInterval: 1)
    }

    func stopPostfix() throws {
        try stop("postfix")
        try? FileManager.default.removeItem(atPath: "\(s)/postfix/spool/pid/master.pid")
    }

    func startPostfix() throws {
        try run(["/usr/sbin/postfix", "-c", "\(s)/postfix/etc", "start"])
        try recordPid("postfix", from: "\(s)/postfix/spool/pid/master.pid")
    }

    /// Whether Postfix holds no mail (queued, in delivery or deferred).
    func postfixQueueIsEmpty() throws -> Bool {
        let q = try shell(["/usr/sbin/postqueue", "-c", "\(s)/postfix/etc", "-p"])
        return q.status == 0 && q.output.contains("Mail queue is empty")
    }

    /// Mail Postfix deferred while Dovecot was away goes out now instead of after Postfix's own backoff.
    func flushPostfix() throws { try run(["/usr/sbin/postqueue", "-c", "\(s)/postfix/etc", "-f"]) }
}
