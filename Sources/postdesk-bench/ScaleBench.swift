import Configuration
import Desk
import Foundation
import MIME
import Pipeline
import Store
import Transport

/// `postdesk-bench scale CACHE [SIZE...]` — issue 19's figures: per desk of SIZE tickets (default 0, 100000,
/// 1000000; built once with the store's own inserts, in one transaction, and kept as CACHE/desk-SIZE.sqlite),
/// the intake cost per mail of 1,000 new mails and of 1,000 tagged replies, the escalation pass, the query plans
/// and the WAL's peak; then, on the empty desk, the WAL's peak over a backlog with and without the bound, and
/// the Maildir fetch cost per mail. Set POSTDESK_BENCH_MAILS / POSTDESK_BENCH_BACKLOG to change 1,000 / 20,000.
/// `postdesk-bench scale-intake CACHE SIZE KIND COUNT` runs one intake of COUNT mails of KIND (new, tagged) into
/// the desk of SIZE (the empty desk gets 100 new mails first for the replies to answer), for callgrind: the
/// difference of two counts over the difference of COUNT is the cost per mail, on every thread.
struct ScaleBench {
    let cache: URL
    let repo = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// A Wednesday in business hours, so clocks run; every desk ticket's warning is a day later.
    let benchNow = Date(timeIntervalSince1970: 1_796_202_000)   // 2026-12-02 09:00 UTC
    let environment = ProcessInfo.processInfo.environment
    var mails: Int { Int(environment["POSTDESK_BENCH_MAILS"] ?? "") ?? 1000 }
    var backlog: Int { Int(environment["POSTDESK_BENCH_BACKLOG"] ?? "") ?? 20_000 }

    /// Administrators of the demo customers (they may open tickets), taken in turn.
    static let senders: [(email: String, customer: String, plan: String)] = [
        ("it@nordlys.test", "nordlys", "standard"), ("mette.holm@nordlys.test", "nordlys", "standard"),
        ("admin@bergmann.test", "bergmann", "extended"), ("j.wagner@bergmann.test", "bergmann", "extended"),
        ("ict@vandijk.test", "vandijk", "extended"),
    ]

    func run(sizes: [Int]) throws {
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        print("== scale: \(mails) mails per run, desks of \(sizes.map(String.init).joined(separator: " / ")) tickets")
        for size in sizes { try measure(desk: try desk(size), size: size) }
        try backlogFigures()
    }

    /// The cached desk of `size` open tickets with running clocks, built once.
    func desk(_ size: Int) throws -> URL {
        let url = cache.appendingPathComponent("desk-\(size).sqlite")
        if FileManager.default.fileExists(atPath: url.path) { return url }
        let building = cache.appendingPathComponent("building-\(size).sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: building.path + suffix) }
        let t0 = now()
        try {   // the store closes before the file moves
            let store = try PostdeskStore(path: building.path)
            try store.transaction {
                for n in stride(from: 1, through: size, by: 1) {
                    _ = try store.insertTicket(ticket(n), at: benchNow.addingTimeInterval(-86_400))
                }
                if size > 0 { try store.takeReference(TicketReference(prefix: "PD", year: 2026, number: size)) }
            }
            guard try store.makeCheckpointer()?.truncate() == true else {
                throw FailureError("cannot checkpoint \(building.path)")
            }
        }()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: building.path + suffix) }
        try FileManager.default.moveItem(at: building, to: url)
        print(String(format: "built desk of %d tickets in %.1f s (%.0f MB)", size, now() - t0, fileMB(url.path)))
        return url
    }

    func ticket(_ n: Int) -> TicketState {
        let who = Self.senders[n % Self.senders.count]
        let created = benchNow.addingTimeInterval(-86_400)
        return TicketState(
            id: 0, reference: TicketReference(prefix: "PD", year: 2026, number: n), status: .open,
            priority: PriorityDecision(.p3, reason: "bench"), customerID: who.customer, plan: who.plan,
            requester: Address(email: who.email), participants: [Address(email: who.email)], subject: "Sag \(n)",
            language: "en", createdAt: created,
            clock: ReactionClock(startedAt: created, dueAt: benchNow.addingTimeInterval(172_800 + Double(n)),
                                 warnAt: benchNow.addingTimeInterval(86_400 + Double(n))),
            rootMessageID: "desk\(n)@bench.test", lastMessageID: "desk\(n)@bench.test")
    }

    /// A work folder holding a copy of the desk, a Maildir and a file outbox, and a pipeline on it.
    func workspace(_ desk: URL?, name: String) throws -> (dir: URL, pipeline: Pipeline) {
        let dir = cache.appendingPathComponent("work-\(name)")
        try? FileManager.default.removeItem(at: dir)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("db"), withIntermediateDirectories: true)
        if let desk { try FileManager.default.copyItem(at: desk, to: dir.appendingPathComponent("db/postdesk.sqlite")) }
        let data = try Data(contentsOf: repo.appendingPathComponent("Config/postdesk.json"))
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        json["database"] = dir.appendingPathComponent("db/postdesk.sqlite").path
        json["mailbox"] = ["kind": "maildir", "path": dir.appendingPathComponent("Maildir").path, "startAt": "all"]
        json["outbox"] = ["kind": "files", "path": dir.appendingPathComponent("outbox").path]
        json["metricsFile"] = dir.appendingPathComponent("postdesk.prom").path
        let configPath = dir.appendingPathComponent("postdesk.json")
        try JSONSerialization.data(withJSONObject: json).write(to: configPath)
        let config = try Configuration.load(path: configPath.path)
        let pipeline = try Runtime.makePipeline(config, log: Log(level: .warning, write: { _ in }), now: { benchNow })
        return (dir, pipeline)
    }

    /// Writes mails into new/ as an MTA would (tmp/, then rename).
    func deliver(_ count: Int, into dir: URL, first: Int = 0, _ make: (Int) -> String) throws {
        let maildir = dir.appendingPathComponent("Maildir")
        for sub in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(at: maildir.appendingPathComponent(sub),
                                                    withIntermediateDirectories: true)
        }
        for i in first..<(first + count) {
            let name = String(format: "1796202000.M%08dP1.bench", i)
            let tmp = maildir.appendingPathComponent("tmp/\(name)")
            try Data(make(i).utf8).write(to: tmp)
            rename(tmp.path, maildir.appendingPathComponent("new/\(name)").path)
        }
    }

    /// New mail `i` opens ticket i + 1 of an empty desk, whose requester is the one `taggedReply` writes from.
    func newMail(_ i: Int) -> String {
        let who = Self.senders[(i + 1) % Self.senders.count]
        return "From: \(who.email)\r\nTo: support@example.test\r\nSubject: Printer \(i) prints blank pages\r\n"
            + "Message-ID: <new\(i)@bench.test>\r\nDate: Wed, 02 Dec 2026 09:00:00 +0000\r\n\r\n"
            + "Hello,\r\n\r\nthe printer on floor \(i % 7) prints only blank pages since this morning.\r\n"
            + "\r\nRegards\r\n"
    }

    /// A reply naming the ticket only in the subject tag (no In-Reply-To), so the tag is looked up.
    func taggedReply(_ number: Int, _ i: Int) -> String {
        let who = Self.senders[number % Self.senders.count]
        return "From: \(who.email)\r\nTo: support@example.test\r\n"
            + "Subject: Re: [PD-2026-\(String(format: "%06d", number))] Sag \(number)\r\n"
            + "Message-ID: <reply\(i)@bench.test>\r\nDate: Wed, 02 Dec 2026 09:00:00 +0000\r\n\r\n"
            + "Thank you, it still happens on floor \(i % 7).\r\n"
    }

    /// See `scale-intake`.
    func countedIntake(size: Int, kind: String, count: Int) throws {
        let (dir, pipeline) = try workspace(try desk(size), name: "counted")
        defer { try? FileManager.default.removeItem(at: dir) }
        var span = size
        var summary = PassSummary()
        if kind == "new" {
            try deliver(count, into: dir, newMail)
        } else if size == 0 {
            span = 100
            try deliver(span, into: dir, newMail)
            try pipeline.intakeAll(into: &summary)
        }
        if kind != "new" { try deliver(count, into: dir, first: 100) { i in taggedReply(1 + (i * 7919) % span, i) } }
        try pipeline.intakeAll(into: &summary)
        print("taken \(summary.taken): opened \(summary.opened), follow-ups \(summary.followUps)")
    }

    /// One intake pass over what new/ holds: wall-clock and CPU (all threads) µs per mail, WAL peak (sampled
    /// every millisecond). The CPU figure holds still when other work loads the machine.
    func intake(_ pipeline: Pipeline) throws
        -> (perMail: Double, cpuPerMail: Double, walPeak: Int, summary: PassSummary) {
        var summary = PassSummary()
        let sampler = WALSampler(path: pipeline.config.database)
        let t0 = now(), c0 = processCPU()
        try pipeline.intakeAll(into: &summary)
        let dt = now() - t0, dc = processCPU() - c0
        let n = Double(max(summary.taken, 1))
        return (dt / n * 1e6, dc / n * 1e6, sampler.stop(), summary)
    }

    func processCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func measure(desk: URL, size: Int) throws {
        print("-- desk of \(size) tickets")
        let (dir, pipeline) = try workspace(desk, name: "desk")
        defer { try? FileManager.default.removeItem(at: dir) }
        try deliver(mails, into: dir, newMail)
        let fresh = try intake(pipeline)
        print(String(format: "new mails:      %7.1f µs/mail wall, %7.1f µs/mail CPU  (%d opened; WAL peak %.1f MB)",
                     fresh.perMail, fresh.cpuPerMail, fresh.summary.opened, Double(fresh.walPeak) / 1e6))
        // Replies to tickets spread over the desk (the empty desk: the ones just opened).
        let span = size > 0 ? size : mails
        try deliver(mails, into: dir, first: mails) { i in taggedReply(1 + (i * 7919) % span, i) }
        let replies = try intake(pipeline)
        print(String(format: "tagged replies: %7.1f µs/mail wall, %7.1f µs/mail CPU  (%d follow-ups; "
                     + "WAL peak %.1f MB)",
                     replies.perMail, replies.cpuPerMail, replies.summary.followUps, Double(replies.walPeak) / 1e6))
        var passes: [Double] = []
        for _ in 0..<50 {
            var summary = PassSummary()
            let t0 = now()
            try pipeline.escalate(into: &summary)
            _ = try pipeline.store.nextEscalationTime()
            passes.append(now() - t0)
        }
        passes.sort()
        print(String(format: "escalation pass: %.3f ms median of 50 (check + next wake-up; %d open tickets)",
                     passes[25] * 1e3, size + mails))
        for (name, plan) in try pipeline.store.queryPlans() { print("plan \(name): \(plan.joined(separator: " | "))") }
    }

    /// The WAL through a backlog, bounded and not, and what fetching from the Maildir costs per mail.
    func backlogFigures() throws {
        print("-- backlog of \(backlog) new mails into the empty desk")
        for bounded in [false, true] {
            let (dir, pipeline) = try workspace(nil, name: "backlog")
            defer { try? FileManager.default.removeItem(at: dir) }
            try deliver(backlog, into: dir, newMail)
            if !bounded {
                let source = try MaildirSource(path: dir.appendingPathComponent("Maildir").path)
                let t0 = now(), c0 = processCPU()
                var batch = try source.fetch(after: nil, limit: pipeline.config.batchSize)
                var count = 0
                while !batch.isEmpty {
                    count += batch.count
                    batch = try source.fetch(following: batch, limit: pipeline.config.batchSize)
                }
                let n = Double(max(count, 1))
                print(String(format: "maildir fetch:  %.1f µs/mail wall, %.1f CPU over %d mails (%d listings of new/, "
                             + "files read)", (now() - t0) / n * 1e6, (processCPU() - c0) / n * 1e6, count,
                             source.listings))
                pipeline.walTruncateBytes = .max
            }
            let run = try intake(pipeline)
            print(String(format: "WAL peak %@: %.1f MB  (%.1f µs/mail wall, %.1f CPU, %d opened)",
                         bounded ? "bounded  " : "unbounded", Double(run.walPeak) / 1e6, run.perMail, run.cpuPerMail,
                         run.summary.opened))
        }
    }

    func fileMB(_ path: String) -> Double {
        Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6
    }
}

/// Samples the WAL file's size every millisecond on a thread of its own; `stop()` gives the largest seen.
final class WALSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var peak = 0
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    init(path: String) {
        Thread.detachNewThread { [self] in
            var info = stat()
            while lock.withLock({ running }) {
                if stat(path + "-wal", &info) == 0 { lock.withLock { peak = max(peak, Int(info.st_size)) } }
                usleep(1000)
            }
            done.signal()
        }
    }

    func stop() -> Int {
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { peak }
    }
}

struct FailureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
