import Foundation
import StackTestSupport
import Testing
@testable import Store
@testable import Transport
@testable import CLI
@testable import Configuration
@testable import Pipeline

/// Against the real Dovecot and Postfix: `postdesk import imap` (issue 16), `auth check` logging in to SMTP for
/// real (issue 16), and a bounce Postfix sends to our per-mail envelope sender (VERP, issue 15).
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct ImportAuthBounceStackTests {
    let stack = MailStack.current!

    func postdesk(_ desk: Desk, _ args: [String], _ name: String,
                  env: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let child = try Child(try postdeskBinary(), args + ["--config", desk.configPath], dir: desk.dir, name: name,
                              env: [Desk.passwordVariable: stack.password].merging(env) { $1 })
        let status = try child.wait(timeout: 120)
        return (status, child.stdout, child.stderr)
    }

    // MARK: import imap

    @Test func importImapBackfillsWithoutMailsIsIdempotentAndTheWorkerOnlySettles() throws {
        let desk = try Desk(stack)
        try desk.sendCustomerMail(subject: "Printer offline", body: "Hello,\n\nthe printer is offline.\n\nC1")
        try desk.sendCustomerMail(from: "customer2@customer.test", name: "Customer Two", subject: "VPN down",
                                  body: "Hello,\n\nthe VPN is down for all of us.\n\nC2")
        try desk.route(count: 2)
        let first = try postdesk(desk, ["import", "imap"], "import1")
        #expect(first.status == 0, "\(first.out)\(first.err)")
        #expect(first.out.contains("imported IMAP folder \(desk.folder) of support@example.test: 2 mails"),
                "\(first.out)")
        #expect(first.out.contains("2 tickets opened") && first.out.contains("0 already known"), "\(first.out)")
        let store = try desk.store()
        #expect(try store.tickets().count == 2)
        #expect(try store.tickets().allSatisfy { $0.state.clock == nil }, "backfill starts no clocks")
        #expect(try store.outbox().isEmpty, "backfill sends nothing")
        // Read only: both mails are still in the folder, unflagged; no checkpoint of the worker's was written.
        #expect(try desk.support.count(desk.folder) == 2)
        #expect(try desk.support.flags(desk.folder).allSatisfy { !$0.contains("\\Seen") })
        #expect(try store.checkpoint(mailbox: desk.folder) == nil)

        let again = try postdesk(desk, ["import", "imap"], "import2")
        #expect(again.status == 0, "\(again.err)")
        #expect(again.out.contains("0 tickets opened") && again.out.contains("2 already known"), "\(again.out)")
        #expect(try store.tickets().count == 2)

        // The worker on the same mailbox finds both on record: it moves them to Processed and sends nothing.
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")
        #expect(try desk.support.count(desk.folder) == 0)
        #expect(try desk.support.count(desk.processedFolder) == 2)
        #expect(try store.tickets().count == 2)
        let answered = try store.outbox().map(\.subject)
        #expect(answered.isEmpty, "the worker answered imported mail: \(answered)")

        // The processed folder by name: the same mails (same Message-IDs) are already known.
        let processed = try postdesk(desk, ["import", "imap", "--folder", desk.processedFolder], "import3")
        #expect(processed.status == 0, "\(processed.err)")
        #expect(processed.out.contains("2 already known") && processed.out.contains("0 tickets opened"),
                "\(processed.out)")
        #expect(try desk.support.count(desk.processedFolder) == 2, "read only")
    }

    @Test func importImapSinceAFutureDayTakesNothingAndAMissingFolderFails() throws {
        let desk = try Desk(stack)
        try desk.sendCustomerMail(subject: "Old question", body: "Hello,\n\nhow do I reset my password?\n\nC1")
        try desk.route(count: 1)
        let future = try postdesk(desk, ["import", "imap", "--since", "2099-01-01"], "since")
        #expect(future.status == 0, "\(future.err)")
        #expect(future.out.contains("since 2099-01-01: 0 mails"), "\(future.out)")
        let today = try postdesk(desk, ["import", "imap", "--since", "2000-01-01"], "since-old")
        #expect(today.out.contains(": 1 mails") && today.out.contains("1 tickets opened"), "\(today.out)")

        let missing = try postdesk(desk, ["import", "imap", "--folder", "No/Such/Folder-\(desk.token)"], "missing")
        #expect(missing.status == 1)
        #expect(missing.err.contains("No/Such/Folder") || missing.err.lowercased().contains("mailbox"),
                "\(missing.err)")
        #expect(missing.err.contains("EXAMINE"), "the server's refusal is shown: \(missing.err)")
        let badDate = try postdesk(desk, ["import", "imap", "--since", "31-12-2026"], "bad-date")
        #expect(badDate.status == 2 && badDate.err.contains("YYYY-MM-DD"), "\(badDate.err)")
    }

    // MARK: auth check over SMTP

    @Test func authCheckLogsInToSubmissionAndReportsARefusalInTheServersWords() throws {
        let desk = try Desk(stack)
        let postfixLog = stack.dir + "/log/postfix.log"
        let postfixMark = (try? String(contentsOfFile: postfixLog, encoding: .utf8))?.utf8.count ?? 0
        let ok = try postdesk(desk, ["auth", "check"], "check")
        #expect(ok.status == 0, "\(ok.out)\(ok.err)")
        #expect(ok.out.contains("mailbox: IMAP login as support@example.test with the password ok"), "\(ok.out)")
        #expect(ok.out.contains("outbox: SMTP login as support@example.test with the password at smtp://")
                && ok.out.contains("ok (235") && ok.out.contains("nothing sent"), "\(ok.out)")
        // Postfix saw a SASL login and a QUIT, and no MAIL FROM.
        var seen = ""
        _ = waitUntil(5) {
            seen = String(decoding: Array(((try? String(contentsOfFile: self.stack.dir + "/log/postfix.log",
                encoding: .utf8)) ?? "").utf8).dropFirst(postfixMark), as: UTF8.self)
            return seen.contains("quit=1")
        }
        // Other suites send meanwhile: the session of the check is the one that said NOOP.
        let session = seen.split(separator: "\n").first { $0.contains("noop=1") }.map(String.init) ?? ""
        #expect(session.contains("ehlo=2 starttls=1 auth=1 noop=1 quit=1"), "\(seen)")
        #expect(!session.contains("mail="), "no MAIL FROM: \(session)")

        try desk.edit { json in
            var o = json["outbox"] as! [String: Any]
            o["passwordEnv"] = "POSTDESK_IT_WRONG"
            json["outbox"] = o
        }
        let refused = try postdesk(desk, ["auth", "check"], "check-wrong", env: ["POSTDESK_IT_WRONG": "not-it"])
        #expect(refused.status == 1)
        #expect(refused.out.contains("outbox: login failed:") && refused.out.contains("535 5.7.8"), "\(refused.out)")
        #expect(refused.out.contains("mailbox: IMAP login as support@example.test with the password ok"))
        #expect(!refused.out.contains("not-it"), "the password is never printed")
    }

    // MARK: VERP: a real bounce from Postfix

    @Test func aBounceFromPostfixToOurEnvelopeMarksTheRightMailFailed() throws {
        // ghost@customer.test is a mailbox Postfix accepts and Dovecot does not know (the stack's ghost user): our
        // answer to it is accepted, then bounced by Postfix to the envelope sender, support+b<token>@example.test,
        // which reaches support@'s INBOX through the recipient delimiter.
        let desk = try Desk(stack)
        try desk.sendCustomerMail(from: "ghost@customer.test", name: "Ghost", subject: "Mail down",
                                  body: "Hello,\n\nour mail is down.\n\nGhost")
        try desk.sendCustomerMail(subject: "Printer jam", body: "Hello,\n\nthe printer jams.\n\nC1")
        try desk.route(count: 2)
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")
        let store = try desk.store()
        let doomed = try #require(try store.outbox().first { $0.recipients == ["ghost@customer.test"] })
        let fine = try #require(try store.outbox().first { $0.kind == .acknowledgement })
        #expect(doomed.status == .sent && fine.status == .sent, "Postfix took both")
        let token = try #require(doomed.envelopeToken)
        // The bounce arrives for the token; a delivery rule would file it with the desk's mail.
        let bounces = try desk.support.waitFor("INBOX", "TO \(StackIMAP.q("support+b\(token)@example.test"))",
                                               timeout: 30)
        try #require(bounces.count == 1)
        let raw = try desk.support.fetch("INBOX", uid: bounces[0])
        #expect(raw.lowercased().contains("mailer-daemon"), "\(raw.prefix(400))")
        try desk.support.move("INBOX", uids: bounces, to: desk.folder)
        let second = try desk.runOnce()
        #expect(second.status == 0, "\(second.log)")
        #expect(try store.outboxItem(messageID: doomed.messageID)?.status == .failed)
        #expect(try store.outboxItem(messageID: fine.messageID)?.status == .sent)
        #expect(try store.tickets().count == 1, "the bounce opened no ticket")
        #expect(second.log.contains("outbox.bounced"), "\(second.log)")
    }
}
