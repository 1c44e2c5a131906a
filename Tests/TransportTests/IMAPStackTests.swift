import Foundation
import StackTestSupport
import Testing
@testable import Transport

/// IMAP intake against the real Dovecot of `Scripts/mailstack`. Each test works in its own folder of
/// lead@example.test (or identifies its mail by a unique Message-ID), so tests are independent.
@Suite("IMAP against the mail stack", .serialized,
    .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct IMAPStackTests {
    let stack = MailStack.current!
    let user = "lead@example.test"

    /// A fresh folder with `n` messages; returns the folder and the Message-IDs in order.
    func seededFolder(_ n: Int, _ imap: StackIMAP) throws -> (String, [String]) {
        let box = "T/\(stackToken("t"))"
        try imap.create(box)
        var ids: [String] = []
        for _ in 0..<n {
            let id = stackToken("m")
            try imap.append(box, testMessage(id: id, bodyBytes: 3000))
            ids.append(id)
        }
        return (box, ids)
    }

    /// Plain IMAP on `box`, processed mail moved to `box-done`.
    func settingsMovingToDone(_ box: String) -> IMAPSettings {
        var s = stack.plainSettings(user, mailbox: box)
        s.processedFolder = box + "-done"
        return s
    }

    static func messageID(_ mail: IncomingMail) -> String? {
        let text = String(decoding: mail.bytes.prefix(2000), as: UTF8.self)
        guard let r = text.range(of: "Message-ID: <") else { return nil }
        return String(text[r.upperBound...].prefix { $0 != "@" })
    }

    @Test func imapsFetchWithStackCA() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, ids) = try seededFolder(3, imap)
        let src = try IMAPSource(settings: stack.imapsSettings(user, mailbox: box), log: { _ in })
        let mails = try src.fetch(after: nil, limit: 100)
        #expect(mails.map(Self.messageID) == ids)
        let validity = try imap.status(box).validity
        for (i, m) in mails.enumerated() {
            #expect(m.key == "\(validity)/\(i + 1)")
            #expect(m.checkpoint == MailboxCheckpoint(mailbox: box, validity: validity, lastUID: UInt64(i + 1)))
        }
        // Byte-exact: what was appended comes back.
        #expect(mails.first?.bytes == testMessage(id: ids[0], bodyBytes: 3000))
    }

    @Test func starttlsFetchWithStackCA() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, ids) = try seededFolder(2, imap)
        let src = try IMAPSource(settings: stack.starttlsSettings(user, mailbox: box), log: { _ in })
        #expect(src.endpoint.tls == .starttls)
        let mails = try src.fetch(after: nil, limit: 100)
        #expect(mails.map(Self.messageID) == ids)
    }

    @Test func wrongCAIsRefusedWithAClearError() throws {
        let dir = NSTemporaryDirectory() + stackToken("ca")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let status = try shell(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                          "-keyout", dir + "/k.pem", "-out", dir + "/c.pem", "-subj", "/CN=localhost",
                          "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]).status
        try #require(status == 0)
        var s = stack.imapsSettings(user)
        s.caFile = dir + "/c.pem"
        let src = try IMAPSource(settings: s, log: { _ in })
        do {
            _ = try src.fetch(after: nil, limit: 1)
            Issue.record("fetch with an unrelated CA succeeded")
        } catch let e as IMAPError {
            guard case .tlsVerificationFailed = e else { Issue.record("wrong error: \(e)"); return }
            #expect("\(e)".contains("TLS certificate verification failed"))
            #expect("\(e)".contains(dir + "/c.pem"))
        }
        // STARTTLS too.
        var st = stack.starttlsSettings(user)
        st.caFile = dir + "/c.pem"
        #expect(throws: IMAPError.self) { try IMAPSource(settings: st, log: { _ in }).connect() }
        // And SMTP.
        var sm = stack.submissionSettings()
        sm.caFile = dir + "/c.pem"
        let sender = try SMTPSender(settings: sm, log: { _ in })
        do {
            try sender.send(testMessage(id: stackToken("t")), envelopeFrom: "support@example.test",
                            recipients: ["customer1@customer.test"], messageID: "x")
            Issue.record("send with an unrelated CA succeeded")
        } catch let SendError.temporary(why) {
            #expect(why.contains("TLS certificate verification failed"))
        }
    }

    @Test func badPasswordIsAnAuthenticationError() throws {
        var s = stack.imapsSettings(user)
        s.password = "wrong"
        #expect {
            try IMAPSource(settings: s, log: { _ in }).connect()
        } throws: { e in
            if case IMAPError.authenticationFailed = e { return true }
            return false
        }
    }

    @Test func fetchDoesNotSetSeen() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, _) = try seededFolder(3, imap)
        let src = try IMAPSource(settings: stack.plainSettings(user, mailbox: box), log: { _ in })
        #expect(try src.fetch(after: nil, limit: 10).count == 3)
        let flags = try imap.flags(box)
        #expect(flags.count == 3)
        #expect(flags.allSatisfy { !$0.contains("\\Seen") }, "\(flags)")
    }

    @Test func settleMovesToProcessedAndQuarantine() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, ids) = try seededFolder(3, imap)
        // The default folder names, created on first use.
        let src = try IMAPSource(settings: stack.starttlsSettings(user, mailbox: box), log: { _ in })
        #expect(src.settings.processedFolder == "Postdesk/Processed")
        #expect(src.settings.quarantineFolder == "Postdesk/Quarantine")
        let mails = try src.fetch(after: nil, limit: 10)
        try #require(mails.count == 3)
        try src.settle(mails[0], as: .processed)
        try src.settle(mails[1], as: .quarantined(reason: "unparseable"))
        try src.settle(mails[2], as: .processed)
        // Processed moves are batched (quarantine moves are not): nothing of them moved yet.
        #expect(try imap.search("Postdesk/Quarantine", messageID: ids[1]).count == 1)
        #expect(try imap.status(box).messages == 2)
        try src.flushSettled()
        #expect(try imap.search("Postdesk/Processed", messageID: ids[0]).count == 1)
        #expect(try imap.search("Postdesk/Quarantine", messageID: ids[1]).count == 1)
        #expect(try imap.search("Postdesk/Processed", messageID: ids[2]).count == 1)
        #expect(try imap.status(box).messages == 0)
        // Settling again (e.g. after a crash between commit and move) is harmless.
        try src.settle(mails[0], as: .processed)
        #expect(try imap.search("Postdesk/Processed", messageID: ids[0]).count == 1)
        // Nothing left to fetch.
        #expect(try src.fetch(after: mails[2].checkpoint, limit: 10).isEmpty)
    }

    @Test func settleWithoutMoveCopiesAndExpunges() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, ids) = try seededFolder(2, imap)
        let src = try IMAPSource(settings: settingsMovingToDone(box), log: { _ in })
        src.disableMove = true
        src.settleBatchSize = 1
        let mails = try src.fetch(after: nil, limit: 10)
        try src.settle(mails[0], as: .processed)
        #expect(try imap.search(box + "-done", messageID: ids[0]).count == 1)
        #expect(try imap.status(box).messages == 1)
        #expect(try imap.search(box, messageID: ids[1]).count == 1)
    }

    @Test func batchedSettlesAreSentBeforeTheNextFetchAndAfterACrash() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, ids) = try seededFolder(5, imap)
        let s = settingsMovingToDone(box)
        let src = try IMAPSource(settings: s, log: { _ in })
        let mails = try src.fetch(after: nil, limit: 2)
        for m in mails { try src.settle(m, as: .processed) }
        let more = try src.fetch(after: mails.last?.checkpoint, limit: 1) // sends the pending MOVE first
        #expect(more.map(Self.messageID) == [ids[2]])
        #expect(try imap.status(box + "-done").messages == 2)
        // "Crash": ids[2] committed (checkpoint) but never settled; the source is dropped without close.
        let cp = try #require(more.last?.checkpoint)
        let lines = LogLines()
        let next = try IMAPSource(settings: s, log: lines.add)
        let rest = try next.fetch(after: cp, limit: 10)
        // The committed leftover is offered again with the checkpoint it was committed with (the pipeline settles
        // it as its recorded outcome: a quarantined mail must not end in Processed), then the new mail.
        #expect(rest.map(Self.messageID) == Array(ids[2...]))
        #expect(rest.first?.checkpoint == cp)
        #expect(try imap.search(box + "-done", messageID: ids[2]).isEmpty)
        #expect(lines.all.contains { $0.contains("left by an earlier run") })
        for m in rest { try next.settle(m, as: .processed) }
        next.close() // flushes
        #expect(try imap.status(box).messages == 0)
        let done = try imap.status(box + "-done").messages
        let doneFlags = try imap.flags(box + "-done")
        #expect(done == 5, "\(doneFlags)")
        #expect(IMAPSource.uidSet([1, 2, 3, 7, 9, 10, 3]) == "1:3,7,9:10")
    }

    @Test func checkpointResumeReturnsOnlyNewer() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, ids) = try seededFolder(3, imap)
        let src = try IMAPSource(settings: stack.plainSettings(user, mailbox: box), log: { _ in })
        let first = try src.fetch(after: nil, limit: 2)
        #expect(first.map(Self.messageID) == Array(ids.prefix(2)))
        let cp = try #require(first.last?.checkpoint)
        var more: [String] = []
        for _ in 0..<2 {
            let id = stackToken("n")
            try imap.append(box, testMessage(id: id))
            more.append(id)
        }
        let rest = try src.fetch(after: cp, limit: 100)
        #expect(rest.map(Self.messageID) == [ids[2]] + more)
        #expect(try src.fetch(after: rest.last?.checkpoint, limit: 100).isEmpty)
        // A checkpoint of another mailbox does not apply.
        let other = MailboxCheckpoint(mailbox: "elsewhere", validity: cp.validity, lastUID: 99)
        #expect(try src.fetch(after: other, limit: 100).count == 5)
    }

    @Test func uidValidityChangeReturnsAllAgain() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, _) = try seededFolder(2, imap)
        let lines = LogLines()
        let src = try IMAPSource(settings: stack.plainSettings(user, mailbox: box), log: lines.add)
        let before = try src.fetch(after: nil, limit: 10)
        let cp = try #require(before.last?.checkpoint)
        // Recreate the mailbox under the source's feet: new UIDVALIDITY, same content.
        try imap.command("SELECT INBOX")
        try imap.delete(box)
        try imap.create(box)
        let ids = [stackToken("v"), stackToken("v")]
        for id in ids { try imap.append(box, testMessage(id: id)) }
        let after = try src.fetch(after: cp, limit: 10)
        #expect(after.map(Self.messageID) == ids)
        let newValidity = try #require(after.first?.checkpoint?.validity)
        #expect(newValidity != cp.validity)
        #expect(after.first?.key == "\(newValidity)/1")
        #expect(lines.all.contains { $0.contains("UIDVALIDITY changed") })
        // Settling a mail of the old validity is refused, not misapplied.
        #expect(throws: IMAPError.self) { try src.settle(before[0], as: .processed) }
    }

    @Test func idleWakesWithinTwoSecondsOfADelivery() throws {
        let src = try IMAPSource(settings: stack.imapsSettings(user), log: { _ in })
        // Baseline: everything currently in lead@'s INBOX.
        var cp: MailboxCheckpoint? = nil
        while true {
            let batch = try src.fetch(after: cp, limit: 500)
            if batch.isEmpty { break }
            cp = batch.last?.checkpoint
        }
        let id = stackToken("idle")
        let sent = SentAt()
        let smtp = stack.submissionSettings()
        let to = user
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.5)
            let sender = try? SMTPSender(settings: smtp, log: { _ in })
            try? sender?.send(testMessage(id: id, from: "support@example.test", to: to),
                              envelopeFrom: "support@example.test", recipients: [to], messageID: id)
            sent.mark()
        }
        let start = Date()
        src.waitForMail(timeout: 15)
        let woke = Date()
        let sentAt = try #require(sent.date, "SMTP send did not finish before the wake")
        #expect(woke.timeIntervalSince(start) < 10, "waitForMail ran into its timeout")
        #expect(woke.timeIntervalSince(sentAt) < 2.0, "woke \(woke.timeIntervalSince(sentAt)) s after the send")
        let new = try src.fetch(after: cp, limit: 100)
        #expect(new.contains { Self.messageID($0) == id })
        // And a quiet mailbox waits out the timeout.
        let t0 = Date()
        src.waitForMail(timeout: 0.5)
        #expect(Date().timeIntervalSince(t0) >= 0.45)
        // Unless a stop is requested: the IDLE is left within a fraction of a second, and the connection still works.
        let t1 = Date()
        src.waitForMail(timeout: 20, interrupted: { Date().timeIntervalSince(t1) > 1 })
        #expect(Date().timeIntervalSince(t1) < 3, "an interrupted wait took \(Date().timeIntervalSince(t1)) s")
        #expect(try src.fetch(after: cp, limit: 100).contains { Self.messageID($0) == id })
    }

    /// Mail that arrives after a fetch, while processed mail is still to be moved, is counted in EXISTS by the
    /// move's response; the wait must still return at once instead of idling into its timeout.
    @Test func mailArrivingBeforeTheWaitIsNotSleptThrough() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, ids) = try seededFolder(1, imap)
        let src = try IMAPSource(settings: settingsMovingToDone(box), log: { _ in })
        let first = try src.fetch(after: nil, limit: 10)
        #expect(first.map(Self.messageID) == ids)
        for m in first { try src.settle(m, as: .processed) }   // batched: the MOVE is still pending
        let late = stackToken("late")
        try imap.append(box, testMessage(id: late))
        let start = Date()
        src.waitForMail(timeout: 8)
        #expect(Date().timeIntervalSince(start) < 3, "waited \(Date().timeIntervalSince(start)) s with mail in the box")
        #expect(try src.fetch(after: first.last?.checkpoint, limit: 10).map(Self.messageID) == [late])
        src.close()
    }

    @Test func reconnectsAfterTheServerDropsTheConnection() throws {
        let imap = try StackIMAP(stack, user: user)
        let (box, ids) = try seededFolder(1, imap)
        let lines = LogLines()
        let src = try IMAPSource(settings: stack.plainSettings(user, mailbox: box), log: lines.add)
        #expect(try src.fetch(after: nil, limit: 10).count == 1)
        // Kick every session of the user (the source's included).
        let kicked = try shell(["doveadm", "-c", stack.dovecotConf, "kick", user]).status
        try #require(kicked == 0)
        Thread.sleep(forTimeInterval: 0.2)
        let again = try src.fetch(after: nil, limit: 10)
        #expect(again.map(Self.messageID) == ids)
        #expect(lines.all.filter { $0.contains("lost") }.count == 1, "\(lines.all)")
        #expect(lines.all.filter { $0.contains("reconnected") }.count == 1, "\(lines.all)")
    }

    @Test func unreachableServerBacksOffAndLogsOnce() throws {
        let lines = LogLines()
        var s = stack.plainSettings(user)
        s.url = "imap://127.0.0.1:\(closedLoopbackPort())"
        let src = try IMAPSource(settings: s, log: lines.add)
        src.backoffBase = 0.2
        #expect(throws: IMAPError.self) { try src.fetch(after: nil, limit: 1) }
        // Inside the backoff window: no new attempt, an `unavailable` error.
        #expect {
            try src.fetch(after: nil, limit: 1)
        } throws: { e in
            if case IMAPError.unavailable = e { return true }
            return false
        }
        let t0 = Date()
        src.waitForMail(timeout: 5) // sleeps out the backoff, then tries again
        #expect(Date().timeIntervalSince(t0) < 2)
        #expect(lines.all.count == 1, "\(lines.all)")
    }
}

/// When the background sender finished.
final class SentAt: @unchecked Sendable {
    private let lock = NSLock()
    private var d: Date?
    func mark() { lock.lock(); d = Date(); lock.unlock() }
    var date: Date? { lock.lock(); defer { lock.unlock() }; return d }
}
