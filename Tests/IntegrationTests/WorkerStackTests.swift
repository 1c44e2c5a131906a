import Foundation
import StackTestSupport
import Testing
@testable import Store
@testable import Transport
@testable import CLI
@testable import Configuration
@testable import Pipeline
#if canImport(Glibc)
import Glibc
#endif

/// The whole worker (the real `postdesk` binary) against the real Dovecot and Postfix of `Scripts/mailstack`.
/// Serialized: the tests share the stack's users; each one reads its own support@ folder (see `Desk`).
@Suite(.serialized, .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct WorkerStackTests {
    let stack = MailStack.current!

    /// 1. Customer mail by SMTP → `postdesk run --once` over IMAP STARTTLS + submission → a ticket, and the
    /// acknowledgement with the reference arrives in customer1's IMAP inbox.
    @Test func customerMailOpensTicketAndAckArrives() throws {
        let desk = try Desk(stack)
        let id = try desk.sendCustomerMail(subject: "Printer on floor 2 prints blank pages",
            body: "Hello,\n\nthe printer on floor 2 prints blank pages since this morning.\n\nCustomer One")
        try desk.route(count: 1)

        let run = try desk.runOnce()
        #expect(run.status == 0, "run --once: \(run.log)")
        let store = try desk.store()
        let tickets = try store.tickets()
        try #require(tickets.count == 1, "tickets: \(tickets.map(\.state.reference.description)); log:\n\(run.log)")
        let ticket = tickets[0].state
        #expect(ticket.requester.email == "customer1@customer.test")
        #expect(ticket.customerID == "customer.test")
        #expect(ticket.clock != nil, "a reaction clock runs")
        #expect(try store.intakeCounts() == ["ticket": 1])

        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let uids = try customer1.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        try #require(uids.count == 1, "the acknowledgement reached customer1's INBOX")
        let ack = try customer1.fetch("INBOX", uid: uids[0])
        let subject = header("Subject", in: ack) ?? ""
        #expect(subject.contains("[\(ticket.reference.description)]"), "subject: \(subject)")
        #expect(subject.contains(desk.token))
        #expect(header("In-Reply-To", in: ack) == "<\(id)>")
        #expect(header("Auto-Submitted", in: ack) == "auto-replied", "RFC 3834")
        #expect(try store.outbox(status: .pending).isEmpty, "everything queued was sent")

        // The customer mail left the worker's folder for the processed folder, and was not marked \Seen.
        #expect(try desk.support.count(desk.folder) == 0)
        let processed = try desk.support.search(desk.processedFolder, "ALL")
        try #require(processed.count == 1)
        #expect(!(try desk.support.flags(desk.processedFolder, uid: processed[0])).contains("\\Seen"))

        // A second run changes nothing.
        let again = try desk.runOnce()
        #expect(again.status == 0)
        #expect(try store.tickets().count == 1)
        #expect(try customer1.search("INBOX", "SUBJECT \(StackIMAP.q(desk.token))").count == 1)
    }

    /// 2. The staff notification reaches agent1; agent1 answers it with s-nail (a real mail client) →
    /// the reply comes to support@ → relayed to customer1 from the support address; reaction clock stopped.
    @Test func staffReplyFromMailClientIsRelayedAndStopsClock() throws {
        let desk = try Desk(stack)
        try desk.sendCustomerMail(subject: "Invoice 4711 charged twice",
            body: "Hi,\n\nwe were charged twice for invoice 4711.\n\nCustomer One")
        try desk.route(count: 1)
        let first = try desk.runOnce()
        #expect(first.status == 0, "\(first.log)")
        let store = try desk.store()
        let ref = try #require(try store.tickets().first?.state.reference.description)
        #expect(try store.ticket(reference: ref)?.firstResponseAt == nil)

        // The notification in agent1's INBOX, moved into a folder of its own so s-nail's "reply 1" answers it.
        let agent = try StackIMAP(stack, user: "agent1@example.test")
        let notes = try agent.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        try #require(notes.count == 1, "staff notification reached agent1")
        let note = try agent.fetch("INBOX", uid: notes[0])
        #expect((header("Subject", in: note) ?? "").contains("[\(ref)]"))
        try agent.create(desk.folder)
        defer { try? agent.delete(desk.folder) }
        try agent.move("INBOX", uids: notes, to: desk.folder)

        let answer = "Hello Customer One,\n\nwe refunded the duplicate charge on invoice 4711 " +
            "(\(desk.token)).\n\nAgent One"
        try desk.snailReply(as: "agent1@example.test", fullName: "Agent One", box: desk.folder, text: answer)
        try desk.route(count: 1)
        let second = try desk.runOnce()
        #expect(second.status == 0, "\(second.log)")
        #expect(second.log.contains("staff reply on \(ref)"), "\(second.log)")

        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let relays = try customer1.waitFor(
            "INBOX", "SUBJECT \(StackIMAP.q(desk.token)) BODY \"refunded the duplicate charge\"")
        try #require(relays.count == 1, "the relay reached customer1's INBOX")
        let relay = try customer1.fetch("INBOX", uid: relays[0])
        let from = header("From", in: relay) ?? ""
        #expect(from.contains("support@example.test") && from.contains("Agent One"), "from: \(from)")
        #expect((header("Subject", in: relay) ?? "").contains("[\(ref)]"))
        #expect(header("Auto-Submitted", in: relay) == nil, "a relay is a human answer, not an automatic mail")

        let ticket = try #require(try store.ticket(reference: ref))
        #expect(ticket.firstResponseAt != nil, "first response recorded")
        #expect(ticket.clock == nil, "reaction clock stopped")
        #expect(ticket.status.rawValue == "answered")
        #expect(try store.intakeCounts() == ["ticket": 1, "follow-up": 1])
    }

    /// 3. customer1 answers the acknowledgement from their own inbox (s-nail) → the follow-up threads onto the ticket.
    @Test func customerFollowUpFromInboxThreadsOntoTicket() throws {
        let desk = try Desk(stack)
        try desk.sendCustomerMail(subject: "VPN drops every hour",
            body: "Hello,\n\nour VPN connection drops every hour.\n\nCustomer One")
        try desk.route(count: 1)
        #expect(try desk.runOnce().status == 0)
        let store = try desk.store()
        let ticket = try #require(try store.tickets().first?.state)

        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        let acks = try customer1.waitFor("INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"")
        try #require(acks.count == 1)
        try customer1.create(desk.folder)
        defer { try? customer1.delete(desk.folder) }
        try customer1.move("INBOX", uids: acks, to: desk.folder)
        try desk.snailReply(as: "customer1@customer.test", fullName: "Customer One", box: desk.folder,
                            text: "It happened again at 10:15, this time on all laptops in the office.\n\nCustomer One")
        try desk.route(count: 1)
        let run = try desk.runOnce()
        #expect(run.status == 0, "\(run.log)")

        let tickets = try store.tickets()
        #expect(tickets.count == 1, "no second ticket: \(tickets.map(\.state.reference.description))")
        #expect(try store.intakeCounts() == ["ticket": 1, "follow-up": 1])
        let incoming = try store.messages(ticketID: ticket.id).filter { $0.direction == .incoming }
        #expect(incoming.count == 2)
        #expect(incoming.last?.newText.contains("all laptops") == true, "new text: \(incoming.last?.newText ?? "")")
        #expect(incoming.last?.from?.email == "customer1@customer.test")
        // Staff hear about the follow-up.
        let agent = try StackIMAP(stack, user: "agent1@example.test")
        #expect(try agent.waitFor(
            "INBOX", "SUBJECT \(StackIMAP.q(desk.token)) SUBJECT \"\(ticket.reference.description)\"",
            count: 2).count == 2)
    }

    /// 4. A plan open around the clock with a one-minute target: `postdesk run` (the service loop) sends the
    /// warning at 50 % and the breach at 100 % to the CSM (the breach also to the team lead), once each.
    @Test(.timeLimit(.minutes(4))) func escalationsReachTheCSM() throws {
        let desk = try Desk(stack, target: "1min", warnAt: 0.5)
        let worker = try desk.startWorker()
        defer { if worker.process.isRunning { worker.signal(SIGKILL); worker.process.waitUntilExit() } }
        try desk.sendCustomerMail(subject: "Mail server down for everyone",
            body: "Hello,\n\nnobody can send mail.\n\nCustomer One")
        try desk.route(count: 1)

        let csm = try StackIMAP(stack, user: "csm@example.test")
        let lead = try StackIMAP(stack, user: "lead@example.test")
        let tok = "SUBJECT \(StackIMAP.q(desk.token))"
        let warning = try csm.waitFor("INBOX", "\(tok) HEADER X-Postdesk-Escalation warning", timeout: 90)
        #expect(warning.count == 1, "warning reached the CSM; worker log:\n\(worker.stderr)")
        let breach = try csm.waitFor("INBOX", "\(tok) HEADER X-Postdesk-Escalation breach", timeout: 90)
        #expect(breach.count == 1, "breach reached the CSM; worker log:\n\(worker.stderr)")
        #expect(try lead.waitFor("INBOX", "\(tok) HEADER X-Postdesk-Escalation breach").count == 1,
            "breach reached the team lead")

        let store = try desk.store()
        let ticket = try #require(try store.tickets().first?.state)
        let clock = try #require(ticket.clock)
        #expect(clock.warningSent && clock.breachSent)
        if let w = warning.first, let b = breach.first {
            let warnMail = try csm.fetch("INBOX", uid: w), breachMail = try csm.fetch("INBOX", uid: b)
            #expect((header("Subject", in: warnMail) ?? "").contains("[\(ticket.reference.description)] Warning"))
            #expect((header("Subject", in: breachMail) ?? "").contains("[\(ticket.reference.description)] Breach"))
            #expect(header("Auto-Submitted", in: breachMail) == "auto-generated")
        }
        // Each once: a few more seconds of the loop send nothing more.
        Thread.sleep(forTimeInterval: 2.5)
        #expect(try csm.search("INBOX", "\(tok) HEADER X-Postdesk-Escalation \"\"").count == 2)

        worker.signal(SIGTERM)
        #expect(try worker.wait(timeout: 30) == 0, "SIGTERM → exit 0")
        #expect(worker.stderr.contains("event=worker.stopped"))
    }

    /// 5. IMAPS (implicit TLS) and SMTP submission with STARTTLS, both verified against the stack's CA; an
    /// unrelated CA is refused with exit 1 and a message that says certificate verification failed.
    @Test func tlsWithStackCAWorksAndWrongCAIsRefused() throws {
        let desk = try Desk(stack) { json in
            var m = json["mailbox"] as! [String: Any]
            m["url"] = "imaps://\(MailStack.current!.host):\(MailStack.current!.imapsPort)"
            m["tls"] = "implicit"
            json["mailbox"] = m
        }
        try desk.sendCustomerMail(subject: "Laptop will not boot",
            body: "Hello,\n\nmy laptop shows a black screen.\n\nCustomer One")
        try desk.route(count: 1)
        let good = try desk.runOnce()
        #expect(good.status == 0, "\(good.log)")
        #expect(good.log.contains("tls implicit"), "connected over IMAPS: \(good.log)")
        let customer1 = try StackIMAP(stack, user: "customer1@customer.test")
        #expect(try customer1.waitFor(
            "INBOX", "SUBJECT \(StackIMAP.q(desk.token)) FROM \"support@example.test\"").count == 1,
                "ack sent over submission + STARTTLS")

        // An unrelated self-signed CA.
        let wrongCA = desk.dir.appendingPathComponent("wrong-ca.pem").path
        let gen = try shell(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
            "/CN=Not The Stack CA",
                             "-keyout", desk.dir.appendingPathComponent("wrong-ca.key").path, "-out", wrongCA])
        try #require(gen.status == 0, "openssl: \(gen.output)")

        // IMAPS with the wrong CA: the run fails.
        try desk.sendCustomerMail(subject: "Second laptop will not boot", body: "Same again.\n")
        try desk.route(count: 1)
        try desk.edit { json in
            var m = json["mailbox"] as! [String: Any]
            m["caFile"] = wrongCA
            json["mailbox"] = m
        }
        let bad = try desk.runOnce()
        #expect(bad.status == 1, "exit 1 on a refused certificate; log:\n\(bad.log)")
        #expect(bad.log.contains("certificate verification failed"), "\(bad.log)")
        #expect(bad.log.contains(wrongCA), "names the CA file: \(bad.log)")
        #expect(try desk.store().tickets().count == 1, "nothing taken")
        #expect(try desk.support.count(desk.folder) == 1, "the mail stays in the mailbox")

        // IMAP STARTTLS with the wrong CA: refused the same way.
        try desk.edit { json in
            var m = json["mailbox"] as! [String: Any]
            m["url"] = "imap://\(MailStack.current!.host):\(MailStack.current!.imapPort)"
            m["tls"] = "starttls"
            json["mailbox"] = m
        }
        let badStartTLS = try desk.runOnce()
        #expect(badStartTLS.status == 1)
        #expect(badStartTLS.log.contains("certificate verification failed"), "\(badStartTLS.log)")

        // SMTP STARTTLS with the wrong CA: intake works, the acknowledgement is kept queued with the reason.
        try desk.edit { json in
            var m = json["mailbox"] as! [String: Any]
            m["caFile"] = MailStack.current!.cacert
            json["mailbox"] = m
            var o = json["outbox"] as! [String: Any]
            o["caFile"] = wrongCA
            json["outbox"] = o
        }
        let badSMTP = try desk.runOnce()
        #expect(badSMTP.status == 1, "every send failed, so run --once fails (issue 16): \(badSMTP.log)")
        #expect(badSMTP.log.contains("every send failed"), "\(badSMTP.log)")
        #expect(badSMTP.log.contains("certificate verification failed"), "\(badSMTP.log)")
        let store = try desk.store()
        #expect(try store.tickets().count == 2)
        let pending = try store.outbox(status: .pending)
        #expect(pending.count == 2, "acknowledgement and staff notification kept for retry: \(pending.map(\.kind))")
        // The first attempt failed and stopped the pass (the server is not usable); its reason is recorded.
        #expect(pending.contains { ($0.lastError ?? "").contains("certificate verification failed") },
            "\(pending.map(\.lastError))")
    }

    /// 6. SIGTERM while `postdesk run` works through a backlog: exit 0, every mail it took is committed and moved
    /// to the processed folder, nothing is lost (folder + processed = delivered), and a restart finishes the rest.
    @Test(.timeLimit(.minutes(4))) func sigtermDuringBacklogCommitsWhatItTook() throws {
        let outbox = "/tmp/pdit-outbox-\(stackToken("it"))"
        defer { try? FileManager.default.removeItem(atPath: outbox) }
        let desk = try Desk(stack) { json in
            json["batchSize"] = 10
            // intake is under test; 200 acks by SMTP would only add time
            json["outbox"] = ["kind": "files", "path": outbox]
        }
        let total = 200  // the debug binary takes ~10 mails/s through the classifier: keep the restart short
        let maildir = stack.maildir("support@example.test", desk.folder)
        var st = stat()
        try #require(stat(maildir, &st) == 0, "Dovecot made \(maildir)")
        let gen = try shell(
            ["python3", URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                                .deletingLastPathComponent().appendingPathComponent("Scripts/gen-messages.py").path,
                             maildir, "\(total)", "\(UInt16.random(in: 1...UInt16.max))", "\(st.st_uid)",
                             "\(st.st_gid)"])
        try #require(gen.status == 0, "gen-messages: \(gen.output)")
        #expect(try desk.support.count(desk.folder) == total)

        let worker = try desk.startWorker()
        defer { if worker.process.isRunning { worker.signal(SIGKILL); worker.process.waitUntilExit() } }
        // SIGTERM as soon as the first mail is committed (the log line follows each mail's decision).
        let end = Date().addingTimeInterval(60)
        while !worker.stderr.contains("event=mail.") {
            try #require(Date() < end && worker.process.isRunning, "worker took no mail: \(worker.stderr)")
            Thread.sleep(forTimeInterval: 0.01)
        }
        worker.signal(SIGTERM)
        #expect(try worker.wait(timeout: 60) == 0, "exit 0 after SIGTERM: \(worker.stderr.suffix(2000))")
        #expect(worker.stderr.contains("event=worker.stopped"))

        let store = try desk.store()
        let taken = try store.intakeCounts().values.reduce(0, +)
        let left = try desk.support.count(desk.folder)
        let processed = try desk.support.count(desk.processedFolder)
        #expect(taken > 0 && taken < total, "stopped mid-way: took \(taken) of \(total)")
        #expect(taken % 10 == 0, "whole batches: the batch in hand finished (\(taken))")
        #expect(processed == taken,
            "each committed mail moved to \(desk.processedFolder): \(processed) vs \(taken) committed")
        #expect(left + processed == total, "nothing lost: \(left) left + \(processed) processed of \(total)")
        #expect(try store.intakeCounts().keys.allSatisfy { $0 == "ticket" || $0 == "follow-up" })
        let incoming = try store.tickets().reduce(0) { n,
            t in n + (try store.messages(ticketID: t.state.id).filter { $0.direction == .incoming }.count) }
        #expect(incoming == taken, "one stored incoming message per mail taken")

        // A restart finishes the rest: no duplicates, nothing left.
        let rest = try desk.runOnce(timeout: 300)
        #expect(rest.status == 0, "\(rest.log.suffix(2000))")
        #expect(try store.intakeCounts().values.reduce(0, +) == total)
        #expect(try store.intakeCounts()["duplicate"] == nil)
        #expect(try desk.support.count(desk.folder) == 0)
        #expect(try desk.support.count(desk.processedFolder) == total)
    }
}
