import Foundation
import Glibc
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline
import Desk
import MIME
@testable import Store
@testable import Transport

/// Issue 15 (state side): a full disk, quarantine release, reused Message-IDs, odd entries in new/, two workers,
/// a lost database, oversized mail, file modes, backups, `run --once` and terminal escapes.
@Suite(.serialized) struct HostileStateTests {
    let monday = copenhagen(2026, 11, 16, 10)

    func mail(from: String = "it@nordlys.test", id: String, subject: String = "Printeren virker ikke",
              body: String = "Printeren på kontoret virker ikke. Kan I hjælpe?") -> [UInt8] {
        let lines = ["From: \(from)", "To: support@example.test", "Subject: \(subject)", "Message-ID: <\(id)>",
                     "Date: Mon, 16 Nov 2026 09:00:00 +0100", "Content-Type: text/plain; charset=utf-8"]
        return Array((lines.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n").utf8)
    }

    func intakeRows(_ store: PostdeskStore) throws -> [Row] {
        try store.db.query("SELECT key, outcome, reason, ticket_id FROM intake ORDER BY key")
    }

    func mode(_ path: String) -> UInt32 {
        var st = stat()
        return lstat(path, &st) == 0 ? UInt32(st.st_mode) & 0o777 : 0xFFFF
    }

    // MARK: full disk (High)

    /// A tmpfs of `size`, unmounted however the test ends; nil (the test skips) when not root or mount fails.
    final class SmallDisk {
        let path: String
        init?(size: String) {
            guard getuid() == 0 else { return nil }
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("pd-disk-\(UUID().uuidString.prefix(8))").path
            try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            guard Self.sh("/bin/mount", ["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", path]) == 0 else {
                rmdir(path)
                return nil
            }
        }
        func resize(_ size: String) -> Bool { Self.sh("/bin/mount", ["-o", "remount,size=\(size)", path]) == 0 }
        deinit {
            _ = Self.sh("/bin/umount", ["-l", path])
            rmdir(path)
        }
        static func sh(_ tool: String, _ args: [String]) -> Int32 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: tool)
            p.arguments = args
            p.standardError = FileHandle.nullDevice
            guard (try? p.run()) != nil else { return -1 }
            p.waitUntilExit()
            return p.terminationStatus
        }
    }

    /// 50 mails of 64 KB onto a 2 MB disk: batches commit whole or not at all, no mail is settled or
    /// quarantined for the disk's fault, health says so; with space back every mail is in exactly one ticket.
    @Test func fullDiskRollsBackWholeBatchesAndRecovers() throws {
        guard let disk = SmallDisk(size: "2m") else {
            print("SKIP fullDiskRollsBackWholeBatchesAndRecovers: needs root and tmpfs (mount -t tmpfs); "
                  + "CI runs as root")
            return
        }
        // One batch of 3.2 MB: more than SQLite's page cache, so dirty pages spill mid-transaction, the spill hits
        // the full disk and SQLite rolls the whole transaction back itself (a commit-time failure does not).
        let box = try Sandbox(now: monday) { json in
            json["database"] = disk.path + "/db/postdesk.sqlite"
            json["outbox"] = ["kind": "files", "path": disk.path + "/outbox"]
            json["maxMessageBytes"] = 1_048_576
        }
        let filler = String(repeating: "Printeren på kontoret virker ikke, og vi har prøvet at genstarte den.\n",
                            count: 950)
        for i in 0..<50 {
            try box.deliver(mail(id: "full-\(i)@nordlys.test", subject: "Printer \(i)", body: filler))
        }
        let p = try box.pipeline()
        #expect(throws: (any Error).self) { try p.runOnce() }
        let rows = try intakeRows(p.store)
        #expect(rows.isEmpty, "the batch committed in part: \(rows.count) intake rows")
        #expect(try p.store.tickets().isEmpty)
        #expect(rows.allSatisfy { $0.text("outcome") != "quarantined" }, "a good mail was quarantined for the disk")
        #expect(try p.store.quarantineList().isEmpty)
        #expect(box.count("cur") == rows.count, "settled mail without a committed intake")
        let unhealthy = try PostdeskCommand.healthProblems(box.config, store: p.store, now: box.now)
        #expect(unhealthy.contains { $0.contains("disk nearly full") }, "\(unhealthy)")
        #expect(box.logLines.lines.filter { $0.contains("no such savepoint") }.isEmpty)

        #expect(disk.resize("64m"))
        let again = try box.pipeline()
        _ = try again.runOnce()
        let after = try intakeRows(again.store)
        #expect(after.count == 50)
        #expect(after.allSatisfy { $0.text("outcome") == "ticket" })
        #expect(Set(after.compactMap { $0.int("ticket_id") }).count == 50, "every mail in exactly one ticket")
        #expect(try again.store.tickets().count == 50)
        #expect(try again.store.quarantineList().isEmpty)
        #expect(box.count("new") == 0 && box.count("cur") == 50)
        #expect(try PostdeskCommand.healthProblems(box.config, store: again.store, now: box.now)
            .allSatisfy { !$0.contains("disk") })
    }

    /// The guard under the batch: once SQLite has rolled a transaction back itself, no statement runs on in
    /// autocommit, and the error is a storage failure the pipeline does not blame on the mail.
    @Test func noStatementRunsAfterSQLiteRolledTheTransactionBack() throws {
        let db = try Database(path: ":memory:")
        try db.execute("CREATE TABLE t (x)")
        #expect(throws: (any Error).self) {
            try db.transaction {
                try db.query("INSERT INTO t VALUES (1)")
                try db.execute("ROLLBACK")   // what SQLite does on SQLITE_FULL
                do {
                    try db.query("INSERT INTO t VALUES (2)")
                } catch {
                    #expect(DatabaseError.isStorage(error))
                    throw error
                }
            }
        }
        #expect(try db.query("SELECT COUNT(*) AS n FROM t").first?.int("n") == 0)
    }

    // MARK: quarantine release, reused Message-IDs

    @Test func releasedMailIsProcessed() throws {
        let box = try Sandbox(now: monday) { $0["maxMessageBytes"] = 2000 }
        try box.deliver(mail(id: "big@nordlys.test", body: String(repeating: "Logfil linje\n", count: 300)))
        _ = try box.pipeline().runOnce()
        let held = try #require(try box.pipeline().store.quarantineList().first)
        // The limit is raised, then the mail released: it must become a ticket, not a duplicate of itself.
        let file = URL(fileURLWithPath: box.configPath)
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as! [String: Any]
        json["maxMessageBytes"] = 1_048_576
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: box.configPath))
        box.config = try Configuration.load(path: box.configPath)
        #expect(PostdeskCommand.main(["quarantine", "release", "\(held.id)", "--config", box.configPath]) == 0)
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.duplicates == 0)
        #expect(s.opened == 1)
        #expect(try p.store.tickets().count == 1)
    }

    @Test func reusedMessageIDFromAnotherSenderOrWithAnotherBodyIsANewMail() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(mail(from: "it@nordlys.test", id: "scanner@nordlys.test"))
        try box.deliver(mail(from: "it@nordlys.test", id: "scanner@nordlys.test"))   // a second delivery
        try box.deliver(mail(from: "it@bergmann.test", id: "scanner@nordlys.test", body: "Vores VPN er nede."))
        try box.deliver(mail(from: "it@nordlys.test", id: "scanner@nordlys.test", body: "Scannet dokument vedlagt."))
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.duplicates == 1)
        #expect(s.taken == 4)
        #expect(box.logLines.lines.filter { $0.contains("mail.message_id_reused") }.count == 2)
        let outcomes = try intakeRows(p.store).map { $0.text("outcome") ?? "" }
        #expect(outcomes.filter { $0 == "duplicate" }.count == 1)
    }

    // MARK: odd entries in new/

    @Test func nonMailEntriesInNewAreSetAsideOnceAndNeverFollowed() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(mail(id: "ok@nordlys.test"))
        let new = box.maildir.appendingPathComponent("new").path
        #expect(mkfifo(new + "/1700000001.fifo.test", 0o600) == 0)
        #expect(symlink("/etc/shadow", new + "/1700000002.link.test") == 0)
        try FileManager.default.createDirectory(atPath: new + "/1700000003.dir.test", withIntermediateDirectories: true)
        let p = try box.pipeline()
        let s = try p.runOnce()   // a FIFO opened without O_NONBLOCK would hang here
        #expect(s.opened == 1)
        #expect(s.quarantined == 3)
        let held = try p.store.quarantineList()
        #expect(held.count == 3)
        #expect(held.allSatisfy { $0.raw.isEmpty }, "an entry was read (a symlink followed)")
        #expect(Set(held.map(\.reason)).count == 3, "\(held.map(\.reason))")
        #expect(box.count("new") == 0)
        let aside = box.maildir.appendingPathComponent(MaildirSource.setAsideFolder).path
        var st = stat()
        #expect(lstat(aside + "/1700000002.link.test", &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK)
        let inMailFolder = box.maildir.appendingPathComponent(".Postdesk.Quarantine/cur/1700000002.link.test:2,").path
        #expect(!FileManager.default.fileExists(atPath: inMailFolder))
        let again = try box.pipeline().runOnce()
        #expect(again.taken == 0)
        #expect(box.logLines.lines.filter { $0.contains("mail.not_readable") }.count == 3)
        #expect(try p.store.setAsideCount() == 3)
    }

    // MARK: two workers, a lost database

    @Test func aSecondWorkerOnTheSameDatabaseRefuses() throws {
        let box = try Sandbox(now: monday)
        var first: WorkerLock? = try WorkerLock(database: box.config.database)
        #expect(mode(first!.path) == 0o600)
        do {
            _ = try WorkerLock(database: box.config.database)
            Issue.record("a second lock was granted")
        } catch {
            #expect("\(error)".contains("another postdesk worker is running"), "\(error)")
            #expect("\(error)".contains("process \(getpid())"), "\(error)")
        }
        try box.deliver(mail(id: "two@nordlys.test"))
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 1)
        #expect(box.count("new") == 1, "the refused worker took mail")
        #expect(PostdeskCommand.main(["tickets", "--config", box.configPath]) == 0, "read commands must still work")
        first = nil   // the first worker ends: its lock goes with it
        #expect(first == nil)
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        #expect(box.count("new") == 0)
    }

    func runLoop(_ p: Pipeline) -> (StopSignal, DispatchSemaphore) {
        let stop = StopSignal()
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let running = p
        Thread.detachNewThread {
            running.run(until: stop)
            finished.signal()
        }
        return (stop, finished)
    }

    @Test(arguments: ["deleted", "truncated", "replaced"])
    func aLostDatabaseStopsTheWorker(_ how: String) throws {
        let box = try Sandbox(now: monday) { $0["pollSeconds"] = 0.2 }
        try box.deliver(mail(id: "before@nordlys.test"))
        let p = try box.pipeline()
        let (stop, finished) = runLoop(p)
        defer { stop.request(); _ = finished.wait(timeout: .now() + 10) }
        let deadline = Date().addingTimeInterval(20)
        while box.outboxFiles().isEmpty && Date() < deadline { usleep(50_000) }
        usleep(300_000)
        let answered = box.outboxFiles().count
        #expect(answered >= 1)
        let db = box.config.database
        switch how {
        case "deleted": unlink(db)
        case "truncated": truncate(db, 0)
        default:
            unlink(db)
            FileManager.default.createFile(atPath: db, contents: Data(count: 8192))
        }
        try box.deliver(mail(id: "after@nordlys.test", subject: "Ny sag"))
        #expect(finished.wait(timeout: .now() + 15) == .success, "the worker went on")
        finished.signal()
        #expect(p.stoppedBecause?.contains(how) == true, "\(p.stoppedBecause ?? "nil")")
        #expect(box.outboxFiles().count == answered, "a customer was answered from a lost state")
        #expect(box.logLines.lines.contains { $0.contains("store.lost") })
    }

    // MARK: size before reading

    @Test func anOversizedMailIsQuarantinedFromItsHeadAndMovedWhole() throws {
        let box = try Sandbox(now: monday) { $0["maxMessageBytes"] = 100_000 }
        let big = mail(id: "huge@nordlys.test", body: String(repeating: "x", count: 3_000_000))
        try box.deliver(big, name: "1700000000.big.test")
        let p = try box.pipeline()
        let s = try p.runOnce()
        #expect(s.quarantined == 1)
        let held = try #require(try p.store.quarantineList().first)
        #expect(held.raw.count <= MaildirSource.headBytes, "the whole mail was read: \(held.raw.count)")
        #expect(held.reason.contains("\(big.count)"), "\(held.reason)")
        let moved = box.maildir.appendingPathComponent(".Postdesk.Quarantine/cur/1700000000.big.test:2,").path
        #expect((try? FileManager.default.attributesOfItem(atPath: moved)[.size] as? Int) == big.count)
    }

    @Test func aBatchIsBoundedByBytes() throws {
        let box = try Sandbox(now: monday)
        for i in 0..<5 { try box.deliver(mail(id: "b\(i)@nordlys.test", body: String(repeating: "y", count: 400_000))) }
        let source = try MaildirSource(path: box.maildir.path, batchBytes: 1_000_000)
        let first = try source.fetch(after: nil, limit: 100)
        #expect(first.count == 3)
        #expect(try source.fetch(following: first, limit: 100).count == 2)
        let tiny = try MaildirSource(path: box.maildir.path, batchBytes: 1)
        #expect(try tiny.fetch(after: nil, limit: 100).count == 1, "a batch always takes one mail")
    }

    // MARK: run --once, modes, backup, terminal text

    @Test func runOnceSendsEverythingDue() throws {
        let box = try Sandbox(now: monday)
        let p = try box.pipeline()
        try p.store.transaction {
            for i in 0..<1_203 {
                let m = OutgoingMail(from: Address(email: "support@example.test"), to: [Address(email: "u\(i)@x.test")],
                                     subject: "s", messageID: "pd.\(i)@example.test", date: monday, body: "b")
                try p.store.enqueue(QueuedMail(.acknowledgement, m), raw: MessageWriter.render(m), ticketID: nil,
                                    at: monday)
            }
        }
        let s = try p.runOnce()
        #expect(s.sent == 1_203)
        #expect(try p.store.outboxBacklog().count == 0)
    }

    @Test func everyFilePostdeskWritesIs0600InA0700Folder() throws {
        let box = try Sandbox(now: monday) { $0["maxMessageBytes"] = 2000 }
        try box.deliver(mail(id: "m1@nordlys.test"))
        try box.deliver(mail(id: "m2@nordlys.test", body: String(repeating: "z", count: 5000)))
        let previous = umask(0o022)
        defer { umask(previous) }
        _ = try box.pipeline().runOnce()
        #expect(!box.outboxFiles().isEmpty)
        #expect(mode(box.outbox.path) == 0o700)
        for f in box.outboxFiles() { #expect(mode(box.outbox.appendingPathComponent(f).path) == 0o600, "\(f)") }
        let q = box.maildir.appendingPathComponent(".Postdesk.Quarantine")
        #expect(mode(q.path) == 0o700 && mode(q.appendingPathComponent("cur").path) == 0o700)
        #expect(mode(box.config.database) == 0o600)
        #expect(mode((box.config.database as NSString).deletingLastPathComponent) == 0o700)
        let demo = try String(contentsOf: Sandbox.repo.appendingPathComponent("Scripts/demo"), encoding: .utf8)
        #expect(demo.contains("umask 077"))
    }

    @Test func backupRefusesTheLiveDatabaseAndDevicesAndLeavesNoPartialCopy() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(mail(id: "bk@nordlys.test"))
        let p = try box.pipeline()
        _ = try p.runOnce()
        #expect(throws: (any Error).self) { try p.store.backup(to: box.config.database) }
        // A copy of /dev/full's node in the sandbox: a regression must not replace the real one.
        let full = box.dir.appendingPathComponent("full").path
        if mknod(full, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0 {
            #expect(throws: (any Error).self) { try p.store.backup(to: full) }
            var st = stat()
            #expect(lstat(full, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR, "the device was replaced")
            #expect(!FileManager.default.fileExists(atPath: full + "-journal"))
        } else {
            print("SKIP the device half of the backup test: mknod needs root")
        }
        let target = box.dir.appendingPathComponent("copy.sqlite").path
        let previous = umask(0o022)
        defer { umask(previous) }
        try p.store.backup(to: target)
        #expect(mode(target) == 0o600)
        #expect(try PostdeskStore(path: target).tickets().count == 1)
        guard let disk = SmallDisk(size: "64k") else {
            print("SKIP the failed-backup half: needs root and tmpfs")
            return
        }
        let filler = (0..<40).map { i in self.mail(from: "f\(i)@nordlys.test", id: "f\(i)@nordlys.test",
                                                     body: String(repeating: "fyld ", count: 2000)) }
        for m in filler { try box.deliver(m) }
        _ = try p.runOnce()
        #expect(throws: (any Error).self) { try p.store.backup(to: disk.path + "/copy.sqlite") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.path).isEmpty, "a partial copy was left")
    }

    @Test func printedMailTextHasNoTerminalControls() {
        let hostile = "Hej\u{1B}]0;pwned\u{07}\u{1B}[2J\r\u{9B}31mrød\u{7F}\tfane\nlinje\u{0}"
        let safe = TerminalText.printable(hostile)
        #expect(safe == "Hej]0;pwned[2J31mrød\tfane\nlinje")
        #expect(!safe.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" && $0 != "\n" })
        #expect(TerminalText.printable("Æble ø å — ok") == "Æble ø å — ok")
    }
}

extension HostileStateTests {
    @Test func aReferenceIsNeverIssuedTwiceAcrossALostDatabase() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(mail(id: "r1@nordlys.test"))
        try box.deliver(mail(id: "r2@nordlys.test", subject: "VPN"))
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        let first = try PostdeskStore(path: box.config.database).tickets().map(\.state.reference.description).sorted()
        #expect(first.count == 2)
        for suffix in ["", "-wal", "-shm"] { unlink(box.config.database + suffix) }
        try box.deliver(mail(id: "r3@nordlys.test", subject: "Mail"))
        #expect(PostdeskCommand.main(["run", "--once", "--config", box.configPath]) == 0)
        let after = try PostdeskStore(path: box.config.database).tickets().map(\.state.reference.description)
        try #require(after.count == 1)
        #expect(!first.contains(after[0]), "\(after[0]) was issued before")
        #expect(after[0] > first.last!)
    }
}

extension HostileStateTests {
    @Test func mboxSplitsOnlyAtSeparators() {
        func text(_ lines: [String]) -> [UInt8] { Array((lines.joined(separator: "\n") + "\n").utf8) }
        let mbox = text([
            "From it@nordlys.test Mon Nov 16 09:00:00 2026",
            "From: it@nordlys.test", "Subject: En", "", "Printeren virker ikke.",
            "From here on nothing prints.",          // unescaped, inside a paragraph: not a separator
            ">From the log: error 42",               // mboxrd escape
            "",
            "From kunde@bergmann.test Mon Nov 16 09:05:00 2026",
            "From: kunde@bergmann.test", "Subject: To", "Content-Length: 47", "",
            "Hej\n\nFrom now on the VPN drops every hour.\nTak",   // 47 bytes: an unescaped From after a blank
            "",
            "From it@vandijk.test Mon Nov 16 09:10:00 2026",
            "From: it@vandijk.test", "Subject: Tre", "", "Sidste.",
        ])
        let parts = ImportSource.splitMbox(mbox).map { String(decoding: $0, as: UTF8.self) }
        #expect(parts.count == 3, "\(parts)")
        guard parts.count == 3 else { return }
        #expect(parts[0].contains("From here on nothing prints.\nFrom the log: error 42\n"))
        #expect(parts[1].hasSuffix("Hej\n\nFrom now on the VPN drops every hour.\nTak\n"))
        #expect(parts[2].contains("Subject: Tre"))
        // A wrong Content-Length falls back to the separator rules.
        let wrong = text(["From a@x.test Mon Nov 16 09:00:00 2026", "Subject: A", "Content-Length: 9999", "", "a", "",
                          "From b@x.test Mon Nov 16 09:00:00 2026", "Subject: B", "", "b"])
        #expect(ImportSource.splitMbox(wrong).count == 2)
    }
}
