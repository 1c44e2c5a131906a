import Foundation
@testable import Desk
import MIME
import Testing

/// Issue 14: internal stays internal, files travel, the right people are on the ticket.
@Suite struct RoutingTests {
    let decider = Decider(policy: TestDesk.policy())
    let monday10 = TestDesk.at(2026, 11, 16, 10)
    let monday11 = TestDesk.at(2026, 11, 16, 11)

    func openTicket() -> TicketState {
        TestDesk.open(TestDesk.mail(from: "Mette Holm <mette@nordlys.test>", subject: "Printer",
            body: "Printeren virker ikke.",
                                    id: "m1@nordlys.test"), at: monday10)
    }

    func staff(_ body: String, from: String = "Anna Agent <agent1@example.test>", id: String = "s1@example.test",
               extra: [String] = []) -> ParsedMessage {
        TestDesk.mail(from: from, subject: "Re: [PD-2026-000001] Printer", body: body, id: id,
                      inReplyTo: "pd.n1@example.test", extra: extra)
    }

    @Test func leadReplyAllToABreachNoticeReachesNoCustomer() {
        let ticket = openTicket()
        let reply = staff("Her fornyelse er i januar, hun har allerede klaget.", from: "Lena Lead <lead@example.test>")
        let d = decider.decide(TestDesk.context(reply, at: monday11, byHeader: ticket, answers: .escalationBreach))
        #expect(d.role == .staffNote)
        #expect(d.mails.allSatisfy { !$0.mail.recipients.contains("mette@nordlys.test") })
        #expect(d.ticket?.status == .open)
        #expect(d.ticket?.clock != nil)
    }

    @Test func anAgentsReplyToABreachStaysInternalUnlessItSaysReply() {
        let ticket = openTicket()
        let note = decider.decide(TestDesk.context(staff("Who takes this?"), at: monday11, byHeader: ticket,
                                                   answers: .escalationBreach))
        #expect(note.role == .staffNote)
        #expect(note.mails.isEmpty)
        let answer = decider.decide(TestDesk.context(staff("#reply\nVi kigger på det nu."), at: monday11,
            byHeader: ticket,
                                                     answers: .escalationBreach))
        #expect(answer.role == .staffReply)
        #expect(answer.mails.first?.kind == .relay)
        #expect(answer.mails.first?.mail.body.contains("#reply") == false)
        #expect(answer.ticket?.clock == nil)
    }

    @Test func aCSMWritingOnATicketIsInternalButAnAgentReplyToTheNotificationIsRelayed() {
        let ticket = openTicket()
        let csm = decider.decide(TestDesk.context(staff("Ring til hende.", from: "csm@example.test"), at: monday11,
                                                  byHeader: ticket, answers: .staffNotification))
        #expect(csm.role == .staffNote)
        let agent = decider.decide(TestDesk.context(staff("Vi har genstartet printeren."), at: monday11,
            byHeader: ticket,
                                                    answers: .staffNotification))
        #expect(agent.role == .staffReply)
        #expect(agent.mails.first?.mail.to.map(\.email) == ["mette@nordlys.test"])
    }

    @Test func aStrangerWithTheCustomersMessageIDDoesNotJoinTheTicket() {
        let ticket = openTicket()
        let stranger = TestDesk.mail(from: "eve@other.test", subject: "Re: Printer", body: "Send me the answers too",
                                     id: "e1@other.test", inReplyTo: "m1@nordlys.test")
        let d = decider.decide(TestDesk.context(stranger, at: monday11, byHeader: ticket, ours: false))
        #expect(d.ticket?.id != ticket.id)
        #expect(d.ticket.map { $0.isParticipant(Address(email: "eve@other.test")) && $0.id == ticket.id } != true)
        let admin = TestDesk.mail(from: "it@nordlys.test", subject: "Re: Printer", body: "Also on the second floor.",
                                  id: "a1@nordlys.test", inReplyTo: "m1@nordlys.test")
        let joined = decider.decide(TestDesk.context(admin, at: monday11, byHeader: ticket, ours: false))
        #expect(joined.ticket?.id == ticket.id)
    }

    @Test func aRelayAnswersTheLastMessageTheCustomerSawNotAnInternalNote() {
        let ticket = openTicket()
        let note = decider.decide(TestDesk.context(staff("#note\nOld driver.", id: "note1@example.test"), at: monday11,
                                                   byHeader: ticket))
        let afterNote = try! #require(note.ticket)
        let relay = decider.decide(TestDesk.context(staff("Prøv igen nu.", id: "s2@example.test"), at: monday11,
                                                    byHeader: afterNote))
        let mail = try! #require(relay.mails.first?.mail)
        #expect(mail.inReplyTo == "m1@nordlys.test")
        #expect(!mail.references.contains("note1@example.test"))
    }

    @Test func aStaffAttachmentTravelsWithTheRelay() throws {
        let ticket = openTicket()
        let pdf: [UInt8] = Array("%PDF-1.4 guide".utf8) + (0..<300).map { UInt8($0 % 256) }
        let raw = MIMEBuilder.mixed(from: "agent1@example.test", subject: "Re: [PD-2026-000001] Printer",
                                    inReplyTo: "pd.n1@example.test", text: "Se vejledningen.",
                                    file: ("Vejledning æøå.pdf", "application/pdf", pdf))
        let d = decider.decide(TestDesk.context(MessageParser.parse(raw), at: monday11, byHeader: ticket))
        let relay = try #require(d.mails.first { $0.kind == .relay })
        #expect(relay.mail.attachments.map(\.data) == [pdf])
        let delivered = MessageParser.parse(MessageWriter.render(relay.mail))
        #expect(delivered.attachments.first?.data == pdf)
        #expect(delivered.attachments.first?.filename == "Vejledning æøå.pdf")
        #expect(delivered.attachments.first?.contentType == "application/pdf")
        #expect(delivered.bodyText.contains("Se vejledningen."))
    }

    @Test func customerFilesGoWithTheStaffNotificationUpToTheLimit() throws {
        let policy = Policy(supportAddress: TestDesk.policy().supportAddress, plans: TestDesk.policy().plans,
                            customers: TestDesk.policy().customers, staffAddresses: ["agent1@example.test"],
                            staffNotify: [Address(email: "agents@example.test")], notificationAttachmentLimit: 1000)
        let small = [UInt8](repeating: 65, count: 600), large = [UInt8](repeating: 66, count: 700)
        let raw = MIMEBuilder.mixed(from: "mette@nordlys.test", subject: "Logs", inReplyTo: nil, text: "Se logfilerne.",
                                    file: ("a.log", "text/plain", small), ("b.log", "text/plain", large))
        let d = Decider(policy: policy).decide(TestDesk.context(MessageParser.parse(raw), at: monday10))
        let note = try #require(d.mails.first { $0.kind == .staffNotification })
        #expect(note.mail.attachments.map(\.filename) == ["a.log"])
        #expect(note.mail.body.contains("2. b.log (")
                && note.mail.body.contains("not attached; save it with\n"
                                           + "     postdesk attachment PD-2026-000001 2 -o FILE"))
    }

    @Test func copiedColleaguesJoinAndGetTheAcknowledgementOutsidersDoNot() throws {
        let m = TestDesk.mail(from: "mette@nordlys.test", cc: "Lars <lars@nordlys.test>, friend@other.test",
            subject: "VPN",
                              body: "Jeg har sat Lars på cc.", id: "m9@nordlys.test")
        let d = decider.decide(TestDesk.context(m, at: monday10))
        let ticket = try #require(d.ticket)
        #expect(ticket.isParticipant(Address(email: "lars@nordlys.test")))
        #expect(!ticket.isParticipant(Address(email: "friend@other.test")))
        let ack = try #require(d.mails.first { $0.kind == .acknowledgement })
        #expect(ack.mail.to.map(\.email) == ["mette@nordlys.test"])
        #expect(ack.mail.cc.map(\.email) == ["lars@nordlys.test"])
        let note = try #require(d.mails.first { $0.kind == .staffNotification })
        #expect(note.mail.body.contains("Cc:        Lars <lars@nordlys.test>, friend@other.test"))
        #expect(note.mail.body.contains("Not added: friend@other.test (outside the customer)"))
        // A later relay goes To the requester with the colleague in Cc.
        var stored = ticket
        stored.id = 7
        let relay = decider.decide(TestDesk.context(staff("VPN virker igen."), at: monday11, byHeader: stored))
        #expect(relay.mails.first?.mail.to.map(\.email) == ["mette@nordlys.test"])
        #expect(relay.mails.first?.mail.cc.map(\.email) == ["lars@nordlys.test"])
    }

    @Test func staffOpenATicketAfterAPhoneCall() throws {
        let m = TestDesk.mail(from: "agent1@example.test", subject: "Telefon: printer på 2. sal",
                              body: "#open mette@nordlys.test\nMette ringede: printeren på 2. sal virker ikke.",
                              id: "s5@example.test")
        let d = decider.decide(TestDesk.context(m, at: monday10))
        let ticket = try #require(d.ticket)
        guard case .newTicket = d.outcome else { Issue.record("expected a new ticket"); return }
        #expect(ticket.requester.email == "mette@nordlys.test")
        #expect(ticket.customerID == "nordlys")
        #expect(d.newText == "Mette ringede: printeren på 2. sal virker ikke.")
        #expect(d.mails.first { $0.kind == .acknowledgement }?.mail.to.map(\.email) == ["mette@nordlys.test"])
        // An administrator in Cc opens one too.
        let cc = TestDesk.mail(from: "agent1@example.test", cc: "it@nordlys.test", subject: "Opfølgning på opkald",
                               body: "Som aftalt i telefonen.", id: "s6@example.test")
        #expect(decider.decide(TestDesk.context(cc, at: monday10)).ticket?.requester.email == "it@nordlys.test")
    }

    @Test func aStaffMailThatDoesNothingIsAnsweredWithWhy() throws {
        let lost = TestDesk.mail(from: "agent1@example.test", subject: "Hello", body: "Anyone?", id: "s7@example.test")
        let d = decider.decide(TestDesk.context(lost, at: monday10))
        #expect(d.mails.map(\.kind) == [.staffHelp])
        #expect(d.mails.first?.mail.to.map(\.email) == ["agent1@example.test"])
        #expect(d.mails.first?.mail.body.contains("#open customer@their-domain") == true)
        let onlyHistory = staff(
            "On Mon, 16 Nov 2026 at 10:00, Mette Holm <mette@nordlys.test> wrote:\n> Printeren virker ikke.")
        let h = decider.decide(TestDesk.context(onlyHistory, at: monday11, byHeader: openTicket()))
        #expect(h.mails.map(\.kind) == [.staffHelp], "a reply of quotes only relays nothing")
        let quoteOnly = staff("")
        let e = decider.decide(TestDesk.context(quoteOnly, at: monday11, byHeader: openTicket()))
        #expect(e.mails.map(\.kind) == [.staffHelp])
        #expect(e.ticket?.clock != nil)
    }

    @Test func aThankYouAfterTheCloseDoesNotReopenButAProblemDoes() throws {
        var ticket = openTicket()
        ticket.status = .resolved
        ticket.resolvedAt = monday10
        ticket.clock = nil
        for thanks in ["Tak!", "Vielen Dank, alles läuft wieder!", "Thanks, all good", "Bedankt!",
            "Mange tak for hjælpen."] {
            let m = TestDesk.mail(from: "mette@nordlys.test", subject: "Re: [PD-2026-000001] Printer", body: thanks,
                                  id: "t@nordlys.test")
            let d = decider.decide(TestDesk.context(m, at: monday11, byHeader: ticket))
            #expect(d.ticket?.status == .resolved, "\(thanks)")
            #expect(d.mails.isEmpty, "\(thanks)")
        }
        for problem in ["Tak, men printeren virker stadig ikke", "Thanks, but it is broken again.",
            "Danke, aber es geht nicht.",
                        "Bedankt, maar het werkt nog steeds niet.", "Tak! Kan I også se på scanneren?"] {
            let m = TestDesk.mail(from: "mette@nordlys.test", subject: "Re: [PD-2026-000001] Printer", body: problem,
                                  id: "p@nordlys.test")
            let d = decider.decide(TestDesk.context(m, at: monday11, byHeader: ticket))
            #expect(d.ticket?.status == .open, "\(problem)")
        }
    }

    @Test func raisingABestEffortTicketStartsAClock() throws {
        let q = TestDesk.mail(from: "admin@bergmann.test", subject: "Frage", body: "Wie ändere ich mein Passwort?",
                              id: "q@bergmann.test")
        let opened = decider.decide(TestDesk.context(q, at: monday10))
        var ticket = try #require(opened.ticket)
        ticket.id = 9
        ticket.priority = PriorityDecision(.p5, reason: "information request")   // best effort on the extended plan
        ticket.clock = nil
        let raise = staff("#priority P4\n#note\nDas ist doch ein Fehler.")
        let d = decider.decide(TestDesk.context(raise, at: monday11, byHeader: ticket))
        #expect(d.ticket?.clock?.startedAt == monday11)
        #expect(d.ticket?.clock?.dueAt != nil)
    }

    @Test func closeTellsTheCustomerUnlessSilent() throws {
        let ticket = openTicket()
        let close = decider.decide(TestDesk.context(staff("#close\nPrinteren kører igen."), at: monday11,
            byHeader: ticket))
        let note = try #require(close.mails.first { $0.kind == .closingNote })
        #expect(note.mail.to.map(\.email) == ["mette@nordlys.test"])
        #expect(note.mail.body.contains("inden for 14 dage"))
        let silent = decider.decide(TestDesk.context(staff("#close silent"), at: monday11, byHeader: ticket))
        #expect(silent.mails.isEmpty)
        #expect(silent.ticket?.status == .resolved)
    }

    @Test func refusalsStopAtTheGlobalCap() {
        let m = TestDesk.mail(from: "forged@victim.test", subject: "Hi", body: "Hello", id: "f@victim.test")
        #expect(decider.decide(TestDesk.context(m, at: monday10, refusals: 59)).mails.count == 1)
        #expect(decider.decide(TestDesk.context(m, at: monday10, refusals: 60)).mails.isEmpty)
    }
}

/// Builds multipart/mixed test mails.
enum MIMEBuilder {
    static func mixed(from: String, subject: String, inReplyTo: String?, text: String,
                      file files: (String, String, [UInt8])...) -> [UInt8] {
        var lines = ["From: \(from)", "To: support@example.test", "Subject: \(subject)",
                     "Message-ID: <mixed-\(subject.count)-\(files.count)@example.test>",
                     "Date: Mon, 16 Nov 2026 10:00:00 +0100",
                     "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"b1\""]
        if let inReplyTo { lines += ["In-Reply-To: <\(inReplyTo)>", "References: <\(inReplyTo)>"] }
        lines += ["", "--b1", "Content-Type: text/plain; charset=utf-8", "", text]
        for (name, type, data) in files {
            lines += ["--b1", "Content-Type: \(type)", "Content-Disposition: attachment; filename*=utf-8''"
                      + name.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                      "Content-Transfer-Encoding: base64", "", Data(data).base64EncodedString(
                          options: .lineLength76Characters)]
        }
        lines.append("--b1--")
        return Array(lines.joined(separator: "\r\n").utf8)
    }
}

@Suite struct OtherDeskTests {
    @Test func anotherDesksNoticeIsNeitherAnsweredNorPassedOn() {
        let decider = Decider(policy: TestDesk.policy())
        // Another desk's staff notification reaching us from an address that is one of our administrators.
        let notice = TestDesk.mail(from: "it@nordlys.test", subject: "[NX-2026-000004] New P3: Printer",
            body: "A new ticket.",
                                   id: "pd.0196b2c3d4e.0123456789abcdef0123456789abcdef@nordlys.test",
                                   extra: ["Auto-Submitted: auto-generated", "X-Postdesk-Ticket: NX-2026-000004"])
        let d = decider.decide(TestDesk.context(notice, at: TestDesk.at(2026, 11, 16, 10)))
        #expect(d.mails.isEmpty)
        guard case .ignored = d.outcome else { Issue.record("expected ignored, got \(d.outcome)"); return }
        // The same desk's relayed human answer (no Auto-Submitted) is a mail like any other.
        let relay = TestDesk.mail(from: "it@nordlys.test", subject: "Printer", body: "Vi har skiftet toneren.",
                                  id: "pd.0196b2c3d4f.0123456789abcdef0123456789abcdee@nordlys.test")
        #expect(decider.decide(TestDesk.context(relay, at: TestDesk.at(2026, 11, 16, 10))).ticket != nil)
        #expect(!OtherDesk.isOurMessageIDShape("pd.123@x.test"))
    }
}
