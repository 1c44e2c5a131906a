import Configuration
import Desk
import Foundation
import MIME
import Store
import Pipeline
import Transport

/// `postdesk COMMAND …`. Exit codes: 0 ok, 1 failure, 2 usage or config error.
public enum PostdeskCommand {
    /// One row per command: what `usage`, each `--help` and dispatch are made from, so they cannot drift apart.
    struct Command: Sendable {
        var name: String
        /// The synopsis (`run [--config FILE] …`), without "postdesk ".
        var synopsis: String
        /// One line for the usage list.
        var summary: String
        /// What `--help` adds below the synopsis.
        var details: String
        var run: @Sendable (inout Arguments) throws -> Int32
    }

    static let commands: [Command] = [
        Command(name: "run", synopsis: "run [--config FILE] [--once] [--log-level debug|info|warning|error]",
                summary: "the worker; --once processes what is waiting and exits",
                details: "Reads the mailbox, opens and threads tickets, "
                    + "sends acknowledgements, notices and escalations.\n"
                    + "--once: process everything waiting, send, escalate, exit 0. "
                    + "Otherwise run until SIGTERM/SIGINT;\n"
                    + "SIGHUP reloads the policy from the file.", run: run),
        Command(name: "parse", synopsis: "parse FILE", summary: "print the parsed message as JSON",
                details: "Prints one JSON object: from, from_name, subject, message_id, in_reply_to, references,\n"
                    + "content_type, body_text, new_text, attachments [{filename, size, content_type, sha256}]. "
                    + "Needs no config.",
                run: parse),
        Command(name: "classify", synopsis: "classify FILE [--config FILE]",
                summary: "print {priority, reason} for a message",
                details: "Prints {\"priority\": \"P1\"…\"P5\", \"reason\": …} as the desk would classify the message.",
                run: classify),
        Command(name: "due", synopsis: "due --plan NAME --priority P1..P5 --at RFC3339 [--config FILE]",
                summary: "print the reaction deadline (empty line: no target)",
                details: "Prints the reaction deadline as RFC 3339 with offset, "
                    + "or an empty line when the plan sets no target.\n"
                    + "--at takes RFC 3339 (e.g. 2026-12-02T09:30:00+01:00), years 1970–9999.", run: due),
        Command(name: "tickets",
                synopsis: "tickets [--open] [--mine ADDR] [--customer ID] [--overdue] [--priority P] [--json] "
                    + "[--config FILE]",
                summary: "list tickets (filters combine)",
                details: "Reference, status, priority, owner, requester, subject, created, reaction due, "
                    + "first response.\n"
                    + "--open: not resolved; --mine ADDR: owned by ADDR; --customer ID: of that customer;\n"
                    + "--overdue: waiting for staff past the reaction target; --priority P1…P5.", run: tickets),
        Command(name: "show", synopsis: "show REF [--config FILE]", summary: "one ticket and its messages",
                details: "One ticket: its fields, then each message (who, when, new text, attachments numbered for\n"
                    + "`postdesk attachment`).", run: show),
        Command(name: "attachment", synopsis: "attachment REF [N] [-o FILE] [--config FILE]",
                summary: "list a ticket's files, or write file N out",
                details: "Without N: the ticket's files, numbered in the order they arrived. With N: file N to FILE\n"
                    + "(created 0600, never overwritten), or to standard output without -o.", run: attachment),
        Command(name: "quarantine", synopsis: "quarantine list|show ID|retry ID|release ID [--config FILE]",
                summary: "mail the worker could not take",
                details: "list: held mail with reasons; show: the raw mail; "
                    + "retry: run it through the pipeline again now;\n"
                    + "release: deliver it back into the Maildir as a new mail.", run: quarantine),
        Command(name: "report",
                synopsis: "report --month YYYY-MM [--hours] [--json|--csv] [--mail-csm] [--config FILE]",
                summary: "reaction times and support hours per customer",
                details: "Per customer and priority: tickets, answered, median and 90th-percentile reaction time in\n"
                    + "business minutes, share answered within target, breaches. Tickets are counted in the month\n"
                    + "they were opened. Then (or only, with --hours) the support hours: included, used by category,\n"
                    + "remaining or overage, and the tickets that used them, for time logged with #time that month.\n"
                    + "--mail-csm: queues each CSM's monthly mail now (their customers, with the month before, text\n"
                    + "and HTML, and a CSV). The worker sends last month's by itself "
                    + "on each month's first working day;\n"
                    + "a copy on demand does not change that.",
                run: report),
        Command(name: "purge", synopsis: "purge [--config FILE]", summary: "delete mail past the retention period",
                details: "Deletes raw mail, texts and files of tickets resolved more than retention.months ago;\n"
                    + "the tickets, their reaction figures and logged time stay. Logged (counts only); VACUUM\n"
                    + "reclaims the space.",
                run: purge),
        Command(name: "forget", synopsis: "forget ADDRESS [--config FILE]", summary: "erase a person (GDPR)",
                details: "Erases the person's mail, names and address from every ticket, message and outbox row\n"
                    + "(replaced by [erased]) and prints what was removed. Logged (counts only); VACUUM reclaims\n"
                    + "the space.",
                run: forget),
        Command(name: "health", synopsis: "health [--config FILE]",
                summary: "exit 1 when polling stopped or the outbox is stuck",
                details: "Exit 0 when the worker polled within healthMaxPollAgeSeconds and the outbox moves; "
                    + "else exit 1\n"
                    + "and say why.", run: health),
        Command(name: "import",
                synopsis: "import PATH|imap [--folder NAME] [--since YYYY-MM-DD] [--send] [--config FILE]",
                summary: "backfill from an mbox file, a Maildir or the IMAP mailbox (idempotent)",
                details: "Backfills tickets from an mbox file or a Maildir (read only), or with `imap` from the\n"
                    + "configured IMAP mailbox, or --folder NAME on that server (read only: EXAMINE, nothing\n"
                    + "moved or flagged; --since: mail the server received on or after that day). Idempotent: mail\n"
                    + "already imported or already taken by the worker counts as already known. Sends nothing and\n"
                    + "starts no reaction clocks unless --send is given. Prints what it did; exit 1 when it failed.",
                run: importMail),
        Command(name: "check-config", synopsis: "check-config [--config FILE]", summary: "validate the configuration",
                details: "Exit 0 when valid; exit 2 listing each problem as FILE: FIELD: problem. Fix: …",
                run: checkConfig),
        Command(name: "backup", synopsis: "backup FILE [--config FILE]", summary: "online copy of the database",
                details: "Copies the database with SQLite's online backup API; safe while the worker runs.",
                run: backup),
        Command(name: "auth", synopsis: "auth login --mailbox|--outbox | check [--config FILE]",
                summary: "connect an OAuth2 account; check: log in to IMAP and SMTP for real",
                details: "login: device-code sign-in for the endpoint's oauth2 settings: prints a URL and a code,\n"
                    + "waits, stores the refresh token in refreshTokenFile (0600).\n"
                    + "check: logs in to IMAP and to SMTP (EHLO, TLS, AUTH, NOOP, QUIT; nothing is sent) as\n"
                    + "configured; with OAuth2 first whether a token can be had, for which account and until when.\n"
                    + "Exit 1 when one fails, with the server's words.", run: auth),
    ]

    static func command(_ name: String) -> Command? { commands.first { $0.name == name } }

    static var usage: String {
        var lines = ["postdesk — turns a support mailbox into a ticket desk", "", "Usage: postdesk COMMAND [options]",
            "",
                     "Commands:"]
        for c in commands {
            if c.synopsis.count <= 46 {
                lines.append("  " + c.synopsis.padding(toLength: 47, withPad: " ", startingAt: 0) + c.summary)
            } else {
                lines.append("  " + c.synopsis)
                lines.append(String(repeating: " ", count: 49) + c.summary)
            }
        }
        lines += ["", "Config: --config FILE, else $POSTDESK_CONFIG, else Config/postdesk.json.",
                  "Exit codes: 0 ok, 1 failure, 2 usage or configuration error.",
                  "Run `postdesk COMMAND --help` for one command."]
        return lines.joined(separator: "\n")
    }

    static func help(_ c: Command) -> String {
        "postdesk " + c.synopsis + "\n" + c.details.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
    }

    public static func main(_ arguments: [String]) -> Int32 {
        umask(0o077)   // every file and folder Postdesk writes holds mail: 0600 in 0700
        var args = Arguments(arguments)
        guard let name = args.next() else { print(usage); return 2 }
        if name == "--help" || name == "-h" || name == "help" { print(usage); return 0 }
        guard let command = command(name) else { err("unknown command \(name)\n\n\(usage)"); return 2 }
        if args.flag("--help") || args.flag("-h") { print(help(command)); return 0 }
        do {
            return try command.run(&args)
        } catch let error as ConfigErrors {
            err(error.description)
            return 2
        } catch let error as UsageError {
            err("\(error.message)\n\n\(help(command))")
            return 2
        } catch {
            err("postdesk \(name): \(error)")
            return 1
        }
    }

    /// Bytes to standard output as they are (no String round trip for a large JSON).
    static func writeOut(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { buffer in
            var done = 0
            while done < buffer.count {
                let n = write(1, buffer.baseAddress! + done, buffer.count - done)
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { return }
                done += n
            }
        }
    }

    static func err(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    static func loadConfig(_ args: inout Arguments) throws -> Configuration {
        try Configuration.load(path: Configuration.defaultPath(args.option("--config")))
    }

    static func readFile(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw FailureError("cannot read \(path)") }
        return [UInt8](data)
    }

    static func parse(_ args: inout Arguments) throws -> Int32 {
        let path = try args.positional("FILE")
        try args.finish()
        var json = try MappedFile.withBytes(path) { ParseReport.bytes(for: MessageParser.parse(buffer: $0)) }
        json.append(10)
        writeOut(json)
        return 0
    }

    static func classify(_ args: inout Arguments) throws -> Int32 {
        let configPath = args.option("--config")
        let path = try args.positional("FILE")
        try args.finish()
        let config = try Configuration.load(path: Configuration.defaultPath(configPath))
        let decision = PriorityClassifier(defaultPriority: config.policy.defaultPriority).classify(
            MessageParser.parse(try readFile(path)))
        print(json(["priority": decision.priority.rawValue, "reason": decision.reason]))
        return 0
    }

    static func due(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        guard let planName = args.option("--plan") else { throw UsageError("--plan NAME is required") }
        guard let priorityText = args.option("--priority"),
            let priority = Priority(text: priorityText) else { throw UsageError("--priority P1..P5 is required") }
        guard let atText = args.option("--at"), let at = parseISO(atText) else {
            throw UsageError("--at needs an RFC 3339 instant in the years 1970–9999, e.g. 2026-03-27T21:00:00+01:00")
        }
        try args.finish()
        guard let plan = config.policy.plan(named: planName) else {
            throw UsageError(
                "no plan \"\(planName)\" in \(config.file); " +
                    "plans: \(config.policy.plans.keys.sorted().joined(separator: ", "))")
        }
        print(plan.deadline(for: priority, from: at).map { BusinessTimeFormat.iso($0, in: config.timeZone) } ?? "")
        return 0
    }

    static func parseISO(_ text: String) -> Date? { RFC3339Date.parse(text) }

    static func run(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        let once = args.flag("--once")
        let level = args.option("--log-level")
        let override = level.flatMap(LogLevel.init(rawValue:))
        if level != nil, override == nil { throw UsageError("--log-level must be debug, info, warning or error") }
        // Hidden: a fixed clock for demonstrations and tests of time-dependent behaviour.
        let fixedNow = args.option("--now").flatMap(parseISO)
        try args.finish()
        let log = Runtime.makeLog(config, override: override)
        let lock = try WorkerLock(database: config.database)
        defer { withExtendedLifetime(lock) {} }
        let pipeline = try Runtime.makePipeline(config, log: log, now: fixedNow.map { d in { d } } ?? Date.init)
        try pipeline.restoreReferenceFloor()
        if once {
            let s: PassSummary
            do {
                s = try pipeline.runOnce()
                LoginHealth.note(nil, store: pipeline.store, now: Date())
            } catch {
                LoginHealth.note(error, store: pipeline.store, now: Date())
                throw error
            }
            pipeline.source.close()
            pipeline.writeMetrics()
            log.info("run.once", [("taken", "\(s.taken)"), ("opened", "\(s.opened)"), ("follow_ups", "\(s.followUps)"),
                                  ("staff_mails", "\(s.staffMails)"), ("rejected", "\(s.rejected)"),
                                  ("ignored", "\(s.ignored)"), ("quarantined", "\(s.quarantined)"),
                                  ("duplicates", "\(s.duplicates)"), ("escalations", "\(s.escalations)"),
                                  ("sent", "\(s.sent)")])
            // issue 16: nothing could be sent at all: not a success.
            if s.sendFailures > 0 && s.sent == 0 {
                let why = s.lastSendError
                FileHandle.standardError.write(Data(("postdesk: every send failed (\(s.sendFailures) "
                    + "attempt(s), 0 sent)"
                    + (why.map { "; last error: \($0)" } ?? "") + "\n").utf8))
                return 1
            }
            return 0
        }
        let stop = StopSignal()
        let sources = stop.install()
        let reload = ReloadSignal()
        let hangUp = reload.install()
        if let listen = config.metricsListen {
            // Bound before the first pass, so a taken port stops the start with the reason.
            let endpoint = try MetricsEndpoint(address: listen, log: log)
            pipeline.metricsEndpoint = endpoint
            pipeline.writeMetrics()
            endpoint.start()
        }
        defer { pipeline.metricsEndpoint?.stop() }
        pipeline.run(until: stop, reload: reload)
        withExtendedLifetime((sources, hangUp)) {}
        if let lost = pipeline.stoppedBecause {
            throw FailureError("\(lost); stopped — restore the backup before restarting")
        }
        return 0
    }

    static func tickets(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        let asJSON = args.flag("--json")
        let filter = try TicketFilter.take(from: &args)
        try args.finish()
        let store = try PostdeskStore(path: config.database)
        let zone = config.timeZone
        let now = Date()
        let rows = try store.tickets().filter { filter.matches($0.state, now: now) }
        let references = Dictionary(try store.tickets().map { ($0.state.id, $0.state.reference.description) },
                                    uniquingKeysWith: { a, _ in a })
        /// A merged ticket shows as such, with the ticket it went into.
        func status(_ t: TicketState) -> String {
            t.mergedInto.map { "merged into " + (references[$0] ?? "?") } ?? t.status.rawValue
        }
        func local(_ d: Date?) -> String {
            guard let d else { return "" }
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = zone
            f.dateFormat = "yyyy-MM-dd HH:mm"
            return f.string(from: d)
        }
        if asJSON {
            let list: [[String: Any]] = rows.map { r in
                let t = r.state
                return ["reference": t.reference.description,
                        "status": t.mergedInto == nil ? t.status.rawValue : "merged",
                        "merged_into": t.mergedInto.flatMap { references[$0] } as Any? ?? NSNull(),
                        "priority": t.priority.priority.rawValue,
                        "priority_reason": t.priority.reason, "requester": t.requester.email,
                        "customer": t.customerID as Any? ?? NSNull(),
                        "subject": t.subject, "created": BusinessTimeFormat.iso(t.createdAt, in: zone),
                        "owner": t.owner as Any? ?? NSNull(),
                        "reaction_due": t.clock.map { BusinessTimeFormat.iso($0.dueAt, in: zone) } as Any? ?? NSNull(),
                        "first_response": t.firstResponseAt.map { BusinessTimeFormat.iso(
                            $0, in: zone) } as Any? ?? NSNull(),
                        "messages": r.messageCount]
            }
            print(json(list))
            return 0
        }
        let header = ["REFERENCE", "STATUS", "PRIO", "OWNER", "REQUESTER", "SUBJECT", "CREATED", "REACT BY",
                      "FIRST RESPONSE"]
        let table = rows.map { r -> [String] in
            let t = r.state
            let subject = t.subject.count > 40 ? String(t.subject.prefix(39)) + "…" : t.subject
            return [t.reference.description, status(t), t.priority.priority.rawValue, t.owner ?? "-",
                    t.requester.email, subject,
                    local(t.createdAt), local(t.clock?.dueAt), local(t.firstResponseAt)]
        }
        print(CustomerText.block(TextTable.render(header: header, rows: table)))
        print("\(rows.count) ticket\(rows.count == 1 ? "" : "s")")
        return 0
    }

    static func show(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        let ref = try args.positional("REF")
        try args.finish()
        let store = try PostdeskStore(path: config.database)
        guard let t = try store.ticket(reference: ref) else { throw FailureError("no ticket \(ref)") }
        let zone = config.timeZone
        var out = [
            "\(t.reference)  \(t.subject)",
            "Status:     \(t.status.rawValue)",
            "Priority:   \(t.priority.priority.rawValue) — \(t.priority.reason)",
            "Requester:  \(readable(t.requester))",
            "Owner:      \(t.owner ?? "nobody yet (the first staff member to answer)")",
            "Customer:   \(config.policy.customer(id: t.customerID)?.name ?? "none") (\(t.plan) plan)",
            "Created:    \(BusinessTimeFormat.deadline(t.createdAt, in: zone, language: "en"))",
        ]
        if let clock = t.clock { out.append(
            "React by:   \(BusinessTimeFormat.deadline(clock.dueAt, in: zone, language: "en"))" + (
                clock.breachSent ? "  (breached)" : clock.warningSent ? "  (warned)" : "")) }
        if let first = t.firstResponseAt { out.append(
            "Answered:   \(BusinessTimeFormat.deadline(first, in: zone, language: "en"))") }
        if let withheld = try store.acknowledgementWithheld(ticketID: t.id) {
            out.append("No acknowledgement: \(withheld)")
        }
        if let claimed = t.claimedReference { out.append(
            "Claimed:    \(claimed) (subject reference not trusted from this sender)") }
        if let linked = t.linkedTicketID, let old = try store.ticket(
            id: linked) { out.append("Continues:  \(old.reference)") }
        if let into = t.mergedInto, let kept = try store.ticket(id: into) {
            out.append("Merged:     into \(kept.reference) (its mail, people and time are there now)")
        }
        out += timeLines(try store.loggedTime(ticketID: t.id), zone: zone)
        if let purged = try store.mailPurgedAt(ticketID: t.id) {
            let when = BusinessTimeFormat.deadline(purged, in: zone, language: "en")
            out.append("Mail:       purged \(when) (retention)")
        }
        var fileNumber = 0
        for m in try store.messages(ticketID: t.id) {
            let who = m.from.map(readable) ?? "?"
            out.append("")
            out.append("── \(m.direction == .incoming ? "from" : "sent by") \(who) · \(m.role) ·" +
                " \(BusinessTimeFormat.deadline(m.createdAt, in: zone, language: "en"))")
            if m.newTextIsWholeBody { out.append(
                "(no new text found above or below the quotes: the whole body is kept)") }
            // Printed to a terminal: a mail's escape sequences must not reach it.
            out.append(m.newText.isEmpty ? "(no new text)" : m.newText)
            for a in m.attachments {
                fileNumber += 1
                out.append("  📎 \(fileNumber). \(a.filename ?? "(unnamed)")  \(a.contentType)  \(a.size) bytes  "
                           + "sha256:\(a.sha256.prefix(16))…")
            }
        }
        print(CustomerText.block(out.joined(separator: "\n")))   // mail text may carry terminal escapes
        return 0
    }

    /// The files of a ticket's messages, numbered in the order they arrived (as `show` numbers them).
    static func attachment(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        let output = args.option("-o")
        let ref = try args.positional("REF")
        let number = args.next()
        try args.finish()
        let store = try PostdeskStore(path: config.database)
        guard let t = try store.ticket(reference: ref) else { throw FailureError("no ticket \(ref)") }
        let files = try store.messages(ticketID: t.id).flatMap(\.attachments)
        guard let number else {
            for (i, a) in files.enumerated() {
                print("\(i + 1)\t\(a.filename ?? "(unnamed)")\t\(a.contentType)\t\(a.size)")
            }
            return 0
        }
        guard let n = Int(number), n >= 1 else { throw UsageError(
            "N must be a file number from `postdesk attachment \(ref)`") }
        guard n <= files.count else { throw FailureError("\(ref) has \(files.count) file(s), not \(n)") }
        guard let data = try store.blob(sha256: files[n - 1].sha256) else { throw FailureError(
            "file \(n) is not stored") }
        guard let output else {
            FileHandle.standardOutput.write(Data(data))
            return 0
        }
        // 0600 and never over an existing file (nor through a symlink): attachments are customers' data.
        try PrivateFile.create(output, bytes: data)
        err("wrote \(output) (\(files[n - 1].filename ?? "file \(n)"), \(data.count) bytes)")
        return 0
    }

    static func quarantine(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        let action = try args.positional("list|show|retry|release")
        let store = try PostdeskStore(path: config.database)
        switch action {
        case "list":
            try args.finish()
            let rows = try store.quarantineList().map { q in
                [String(q.id), q.status.rawValue, ISO8601DateFormatter().string(from: q.receivedAt), q.key, q.reason]
            }
            let table = TextTable.render(header: ["ID", "STATUS", "RECEIVED", "KEY", "REASON"], rows: rows)
            print(CustomerText.block(table))
        case "show":
            let id = try args.positional("ID")
            try args.finish()
            guard let n = Int64(id), let q = try store.quarantined(
                id: n) else { throw FailureError("no quarantined mail \(id)") }
            // One writer: `print` is buffered, so mixed with a direct write the Reason line landed after the mail.
            let head = Data("Reason: \(q.reason)\nSource: \(q.source) \(q.key)\n\n".utf8)
            FileHandle.standardOutput.write(head + Data(q.raw))
        case "retry":
            let id = try args.positional("ID")
            try args.finish()
            guard let n = Int64(id), let q = try store.quarantined(
                id: n) else { throw FailureError("no quarantined mail \(id)") }
            // The stored bytes go through the whole pipeline again (after a config change or a fix), under a new key.
            let log = Runtime.makeLog(config)
            let attempt = (try store.quarantineList().filter { $0.key.hasPrefix("retry-\(n)-") }.count) + 1
            let source = MemorySource(name: "quarantine", mails: [
                IncomingMail(key: "retry-\(n)-\(attempt)", bytes: q.raw)])
            let pipeline = Pipeline(config: config, store: store, source: source,
                sender: try Runtime.makeSender(config, log: log), log: log)
            pipeline.skipDuplicateCheck = true
            var summary = PassSummary()
            try pipeline.intakeAll(into: &summary)
            try pipeline.deliver(into: &summary)
            if summary.quarantined > 0 {
                print("retried \(id): quarantined again (see postdesk quarantine list)")
                return 1
            }
            try store.setQuarantineStatus(n, .retried)
            let what = summary.opened > 0 ? "opened a ticket"
                : summary.followUps + summary.staffMails > 0 ? "joined a ticket"
                : summary.duplicates > 0 ? "already known" : "processed"
            print("retried \(id): \(what)")
        case "release":
            let id = try args.positional("ID")
            try args.finish()
            guard let n = Int64(id), let q = try store.quarantined(
                id: n) else { throw FailureError("no quarantined mail \(id)") }
            // Released mail goes back through the whole pipeline as a new delivery into the configured mailbox.
            guard case .maildir(let path, _) = config.mailbox else {
                throw FailureError("release works with the Maildir mailbox; with IMAP use retry, or move the mail back "
                    + "into the inbox")
            }
            let name = "\(Int(Date().timeIntervalSince1970)).released-\(n).postdesk"
            let target = URL(fileURLWithPath: path).appendingPathComponent("new").appendingPathComponent(name).path
            // The whole mail as it arrived, from the quarantine folder (the record of an oversized mail holds only
            // its head); the record's copy when the file is gone.
            let whole = MaildirSource.quarantinedFile(root: path, key: q.key)
            if FileManager.default.fileExists(atPath: whole) {
                guard rename(whole, target) == 0 else {
                    throw FailureError("cannot move \(whole) to \(target): \(String(cString: strerror(errno)))")
                }
            } else {
                let tmp = URL(fileURLWithPath: path).appendingPathComponent("tmp").appendingPathComponent(name)
                try PrivateFile.create(tmp.path, bytes: q.raw)
                rename(tmp.path, target)
            }
            try store.setQuarantineStatus(n, .released)   // its intake record no longer marks copies as duplicates
            print("released \(id) into \(path)/new as \(name)")
        default:
            throw UsageError("unknown quarantine action \(action)")
        }
        return 0
    }

    static func report(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        guard let month = args.option("--month") else { throw UsageError("--month YYYY-MM is required") }
        let asJSON = args.flag("--json"), asCSV = args.flag("--csv"), onlyHours = args.flag("--hours")
        let mailCSM = args.flag("--mail-csm")
        try args.finish()
        guard let first = RFC3339Date.month(month) else {
            throw UsageError("--month must look like 2026-11 (1970–9999)")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.timeZone
        let from = calendar.date(from: DateComponents(year: first.year, month: first.month, day: 1))!
        let to = calendar.date(byAdding: .month, value: 1, to: from)!
        let store = try PostdeskStore(path: config.database)
        func name(_ id: String) -> String { config.policy.customer(id: id)?.name ?? id }
        let hours = SupportHoursReport(records: try store.timeRows(from: from, to: to), policy: config.policy)
        if mailCSM { return try mailCSMReports(config: config, store: store, month: month, from: from, to: to) }
        if onlyHours {
            print(asJSON ? json(hoursJSON(hours, name: name)) : asCSV ? hoursCSV(hours, name: name)
                  : hoursText(hours, month: month, name: name))
            return 0
        }
        let report = ReactionReport(records: try store.reportRows(from: from, to: to), policy: config.policy,
                                    now: Date())
        func share(_ d: Double?) -> String { d.map { String(format: "%.0f%%", $0 * 100) } ?? "" }
        func mins(_ m: Int?) -> String { m.map { BusinessTimeFormat.duration(minutes: $0) } ?? "" }
        if asJSON {
            print(json(report.lines.map { l -> [String: Any] in
                ["customer": name(l.customer), "priority": l.priority.rawValue, "tickets": l.tickets,
                    "answered": l.answered,
                 "median_minutes": l.medianMinutes as Any? ?? NSNull(), "p90_minutes": l.p90Minutes as Any? ?? NSNull(),
                 "within_target": l.withinTarget as Any? ?? NSNull(), "breaches": l.breaches]
            }))
        } else if asCSV {
            print(ReactionReport.csvHeader)
            for l in report.lines { print(CSV.line(l.csvCells(customerName: name(l.customer)))) }
        } else {
            print("Reaction times for tickets opened in \(month) (business time)")
            print(TextTable.render(header: ["CUSTOMER", "PRIO", "TICKETS", "ANSWERED", "MEDIAN", "P90", "IN TIME",
                "BREACHES"],
                                   rows: report.lines.map { [name($0.customer), $0.priority.rawValue, "\($0.tickets)",
                                   "\($0.answered)",
                                                             mins($0.medianMinutes), mins($0.p90Minutes), share(
                                                                 $0.withinTarget), "\($0.breaches)"] }))
            if !hours.lines.isEmpty { print("\n" + hoursText(hours, month: month, name: name)) }
        }
        return 0
    }

    static func health(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        try args.finish()
        let store = try PostdeskStore(path: config.database)
        let now = Date()
        let problems = try healthProblems(config, store: store, now: now)
        let backlog = try store.outboxBacklog()
        let setAside = try store.setAsideCount()
        if problems.isEmpty {
            let polled = Int(now.timeIntervalSince(try store.state("last_poll")!.updatedAt))
            let odd = setAside == 0 ? ""
                : ", \(setAside) mailbox entr\(setAside == 1 ? "y" : "ies") set aside as no mail (quarantine list)"
            print("ok: polled \(polled) s ago, \(backlog.count) mail(s) waiting to be sent" + odd)
            return 0
        }
        print("unhealthy: " + problems.joined(separator: "; "))
        return 1
    }

    /// What `health` reports; empty when all is well.
    static func healthProblems(_ config: Configuration, store: PostdeskStore, now: Date) throws -> [String] {
        var problems: [String] = []
        if let poll = try store.state("last_poll") {
            let age = now.timeIntervalSince(poll.updatedAt)
            if age > config.healthMaxPollAgeSeconds { problems.append(
                "last successful poll \(Int(age)) s ago (limit \(Int(config.healthMaxPollAgeSeconds)) s)") }
        } else {
            problems.append("the worker has never completed a poll")
        }
        if let refused = LoginHealth.problem(store) { problems.append(refused) }
        let backlog = try store.outboxBacklog()
        if let oldest = backlog.oldest, now.timeIntervalSince(oldest) > config.healthMaxPollAgeSeconds,
            backlog.maxAttempts > 0 {
            problems.append(
                "outbox stuck: \(backlog.count) mail(s) waiting, oldest \(Int(now.timeIntervalSince(oldest))) s, up " +
                    "to \(backlog.maxAttempts) attempts")
        }
        if let refused = try store.state(Pipeline.accountRefusedState), !refused.value.isEmpty {
            problems.append("the mail server refuses our account (a configuration problem): \(refused.value)")
        }
        problems += StateHealth.problems(config)
        return problems
    }

    static func importMail(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        let send = args.flag("--send")
        let folder = args.option("--folder")
        let since = args.option("--since")
        let path = try args.positional("PATH or imap")
        try args.finish()
        let source: MailboxSource
        let what: String
        var total: Int?
        if path == "imap" {
            (source, what) = try imapImportSource(config, folder: folder, since: since)
        } else {
            guard folder == nil, since == nil else { throw UsageError("--folder and --since go with import imap") }
            let file = try ImportSource(path: path)
            (source, what, total) = (file, path, file.count)
        }
        let log = Runtime.makeLog(config, override: .warning)
        let pipeline = Pipeline(config: config, store: try PostdeskStore(path: config.database), source: source,
                                sender: try Runtime.makeSender(config, log: log), log: log)
        pipeline.backfill = !send
        let started = Date()
        let terminal = isatty(2) == 1
        var summary = PassSummary()
        defer { source.close() }
        try pipeline.intakeAll(into: &summary) { done in
            guard terminal else { return }
            let elapsed = max(0.001, Date().timeIntervalSince(started))
            let rate = Double(done.taken) / elapsed
            let line = total.map { total in
                let eta = rate > 0 ? Double(total - done.taken) / rate : 0
                return String(format: "\r%d/%d mails  %.0f/s  ETA %.0f s   ", done.taken, total, rate, eta)
            } ?? String(format: "\r%d mails  %.0f/s   ", done.taken, rate)
            FileHandle.standardError.write(Data(line.utf8))
        }
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
        if send { try pipeline.deliver(into: &summary) }
        let elapsed = Date().timeIntervalSince(started)
        print("imported \(what): \(summary.taken) mails in \(String(format: "%.1f", elapsed)) s — "
              + "\(summary.opened) tickets opened, \(summary.followUps) follow-ups, \(summary.staffMails) staff mails, "
              + "\(summary.rejected) rejected, "
              + "\(summary.ignored) ignored, \(summary.quarantined) quarantined, "
              + "\(summary.duplicates + summary.alreadyDone) already known")
        return summary.sendFailures > 0 && summary.sent == 0 ? 1 : 0
    }

    /// `import imap`: the configured mailbox (or `--folder` on the same server), read only.
    static func imapImportSource(_ config: Configuration, folder: String?,
                                 since: String?) throws -> (MailboxSource, String) {
        guard case .imap(var settings) = config.mailbox else {
            throw UsageError("import imap reads the configured IMAP mailbox, but \(config.file) has a Maildir "
                + "(mailbox.kind); import a Maildir with import PATH")
        }
        if let folder {
            guard !folder.isEmpty else { throw UsageError("--folder needs a folder name, e.g. Archive/2025") }
            settings.mailbox = folder
        }
        settings.readOnly = true
        let source = try IMAPSource(settings: settings, log: { _ in })
        var what = "IMAP folder \(settings.mailbox) of \(settings.username)"
        if let since {
            guard let day = CivilDate(iso: since) else {
                throw UsageError("--since needs a date as YYYY-MM-DD, e.g. 2026-01-31")
            }
            source.importSince = IMAPSource.searchDate(year: day.year, month: day.month, day: day.day)
            what += " since \(since)"
        }
        return (source, what)
    }

    static func checkConfig(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        try args.finish()
        print("\(config.file): ok (\(config.policy.plans.count) plans, \(config.policy.customers.count) customers)")
        return 0
    }

    static func backup(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        let target = try args.positional("FILE")
        try args.finish()
        let store = try PostdeskStore(path: config.database)
        try store.backup(to: target)
        print("backed up \(config.database) to \(target)")
        return 0
    }

    static func json(_ object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object,
            options: [.sortedKeys, .prettyPrinted])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

struct UsageError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

struct FailureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Options anywhere, positionals in order; anything left over is a usage error.
struct Arguments {
    var items: [String]

    init(_ items: [String]) { self.items = items }

    mutating func next() -> String? { items.isEmpty ? nil : items.removeFirst() }

    mutating func flag(_ name: String) -> Bool {
        guard let i = items.firstIndex(of: name) else { return false }
        items.remove(at: i)
        return true
    }

    mutating func option(_ name: String) -> String? {
        if let i = items.firstIndex(where: { $0.hasPrefix(name + "=") }) {
            let value = String(items[i].dropFirst(name.count + 1))
            items.remove(at: i)
            return value
        }
        guard let i = items.firstIndex(of: name), i + 1 < items.count else { return nil }
        let value = items[i + 1]
        items.removeSubrange(i...(i + 1))
        return value
    }

    mutating func positional(_ what: String) throws -> String {
        guard let i = items.firstIndex(where: { !$0.hasPrefix("--") }) else { throw UsageError("missing \(what)") }
        return items.remove(at: i)
    }

    func finish() throws {
        if !items.isEmpty { throw UsageError(
            "unexpected argument\(items.count == 1 ? "" : "s"): \(items.joined(separator: " "))") }
    }
}

/// Aligned columns for terminals.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(
            widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(
                toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }
}
