import Foundation
import Testing
@testable import Desk
import MIME

/// Issue 15: automatic mail is judged by its headers first; a subject word alone never makes a customer's mail an
/// ignored one.
@Suite struct AutomaticMailTests {
    let decider = Decider(policy: TestDesk.policy())
    let monday10 = TestDesk.at(2026, 11, 16, 10)

    func mail(_ subject: String, body: String = "Kan I hjælpe os? Det haster.",
              headers: [String] = []) -> ParsedMessage {
        TestDesk.mail(from: "Mette Holm <mette@nordlys.test>", subject: subject, body: body, id: "a1@nordlys.test",
                      extra: headers)
    }

    /// Requests about absence registration, auto-replies and out-of-office rules, as administrators write them.
    static let requests = [
        "Fraværsregistrering virker ikke for hele kontoret", "Auto reply rule broken in Outlook",
        "Autosvar virker ikke på Lenes postkasse", "Out of office-assistenten slår ikke til",
        "Fravær i kalenderen vises forkert",
        "Automatisk svar sendes to gange", "Automatic replies are not sent to external senders",
        "Out of Office message still active after return", "Abwesenheitsnotiz wird nicht versendet",
        "Automatische Antwort lässt sich nicht abschalten", "Afwezigheidsmelding werkt niet in Outlook",
        "Automatisch antwoord blijft aan staan", "Re: Autoreply", "Fwd: Automatic reply: Printer",
    ]

    @Test(arguments: requests)
    func aSubjectAloneIsNoAutomaticMail(_ subject: String) throws {
        #expect(AutomaticMail.classify(mail(subject)) == nil, "\(subject)")
        let d = decider.decide(TestDesk.context(mail(subject), at: monday10))
        #expect(d.outcome.isNewTicket, "\(subject)")
        #expect(d.mails.contains { $0.kind == .acknowledgement }, "\(subject)")
    }

    /// Headers first: with an RFC 3834 header the same subjects are automatic mail.
    @Test func headersDecide() {
        let s = "Fraværsregistrering virker ikke for hele kontoret"
        #expect(AutomaticMail.classify(mail(s, headers: ["Auto-Submitted: auto-replied"]))
                == .autoReply("Auto-Submitted: auto-replied"))
        #expect(AutomaticMail.classify(mail(s, headers: ["Precedence: bulk"])) == .bulk("Precedence: bulk"))
        #expect(AutomaticMail.classify(mail(s, headers: ["X-Auto-Response-Suppress: All"]))
                == .bulk("X-Auto-Response-Suppress: All"))
        #expect(AutomaticMail.classify(mail("Automatisk svar: Printer", headers: ["X-Auto-Response-Suppress: All"]))
                == .autoReply("out-of-office subject"))
    }

    /// No header at all: a labelled subject with an absence notice on top is an out-of-office reply, in all four
    /// languages.
    @Test(arguments: [
        ("Automatic reply: Printer problem", "Thank you for your email. I am out of the office until 24 November."),
        ("Out of Office: Printer problem", "Hi, I'm away until Monday with limited access to email."),
        ("Autosvar: Printeren virker ikke", "Tak for din mail. Jeg holder ferie til og med den 24. november."),
        ("Fraværende: Printeren virker ikke", "Jeg er ikke på kontoret i dag. Kontakt venligst it@nordlys.test."),
        ("Abwesenheitsnotiz: Drucker", "Vielen Dank für Ihre Nachricht. Ich bin bis zum 24.11. nicht im Büro."),
        ("Automatische Antwort: Drucker", "Ich bin im Urlaub und ab dem 30.11. wieder erreichbar."),
        ("Automatisch antwoord: Printer", "Bedankt voor uw bericht. Ik ben met vakantie tot en met 24 november."),
        ("Afwezig: Printer", "Ik ben niet op kantoor tot maandag. Voor dringende zaken: it@nordlys.test."),
    ])
    func labelledSubjectAndAbsenceTextIsAnAutoReply(_ subject: String, _ body: String) {
        #expect(AutomaticMail.classify(mail(subject, body: body)) == .autoReply("out-of-office subject and text"))
        let d = decider.decide(TestDesk.context(mail(subject, body: body), at: monday10))
        #expect(d.role == .ignored && d.mails.isEmpty)
    }

    /// A labelled subject over a request: a ticket, so nothing is lost, but no answer (it may be a responder).
    @Test func labelledSubjectAloneOpensATicketWithoutAnAnswer() {
        let m = mail("Automatic reply: Printeren virker ikke", body: "Printeren på kontoret virker ikke. Kan I hjælpe?")
        #expect(AutomaticMail.classify(m) == .bulk("auto-reply subject"))
        let d = decider.decide(TestDesk.context(m, at: monday10))
        #expect(d.outcome.isNewTicket)
        #expect(!d.mails.contains { $0.kind == .acknowledgement })
    }
}
