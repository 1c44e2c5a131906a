import Foundation
import Testing
@testable import Desk
import MIME

/// Every template in every language, rendered at fixed instants and compared with `Fixtures/templates/NAME.LANG.txt`.
/// `POSTDESK_REGENERATE_GOLDEN=1 swift test --filter TemplateGoldenTests` rewrites the files; review the diff.
@Suite struct TemplateGoldenTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/templates")

    /// One customer per language, each with a request written the way such a customer writes.
    struct Sample {
        var language: String
        var requester: Address
        var salutation: Salutation?
        var customer: String
        var plan: SupportPlan
        var priority: Priority
        var receivedAt: Date
        var request: String
    }

    static let samples: [Sample] = [
        Sample(language: "da", requester: Address(name: "Mette Holm", email: "mette@nordlys.test"),
               customer: "Nordlys ApS",
               plan: TestDesk.standard, priority: .p4, receivedAt: TestDesk.at(2026, 12, 2, 9),
               request: """
                   Hej

                   Vores printer på 2. sal udskriver ikke fakturaer længere. Den
                   blinker gult, og udskriftskøen er tom.

                   Venlig hilsen
                   Mette Holm
                   Økonomi, Nordlys ApS
                   Tlf. 20 30 40 50
                   """),
        Sample(language: "de", requester: Address(name: "Oliver Wagner", email: "admin@bergmann.test"), salutation: .mr,
               customer: "Bergmann GmbH", plan: TestDesk.extended, priority: .p2,
               receivedAt: TestDesk.at(2026, 12, 2, 8),
               request: """
                   Guten Tag,

                   seit heute früh ist der Dateiserver der Buchhaltung nicht
                   erreichbar. Zehn Kolleginnen und Kollegen können nicht arbeiten.

                   Mit freundlichen Grüßen
                   Oliver Wagner
                   Bergmann GmbH, Buchhaltung
                   Tel.: +49 40 1234 5678
                   """),
        Sample(language: "nl", requester: Address(name: "Sanne de Vries", email: "sanne@vandijk.test"),
               customer: "Van Dijk Logistiek B.V.", plan: TestDesk.extended, priority: .p3,
               receivedAt: TestDesk.at(2026, 11, 30, 10),
               request: """
                   Goedemorgen,

                   Bij één collega start Outlook niet meer op sinds de update van
                   gisteren. De rest van het kantoor werkt normaal.

                   Met vriendelijke groet,
                   Sanne de Vries
                   Van Dijk Logistiek B.V.
                   T: +31 20 123 4567
                   """),
        Sample(language: "en", requester: Address(name: "Oliver Smith", email: "oliver@acme.test"),
               customer: "Acme Ltd",
               plan: TestDesk.standard, priority: .p2, receivedAt: TestDesk.at(2026, 12, 2, 9),
               request: """
                   Hi,

                   Since this morning nobody in the sales team can open the CRM.
                   The login page says "service unavailable".

                   Kind regards,
                   Oliver Smith
                   Acme Ltd
                   Mobile: +44 7700 900123
                   """),
    ]

    static let policy = TestDesk.policy()
    static let reference = TicketReference(prefix: "PD", year: 2026, number: 123)
    static let agent = Address(name: "Anna Jensen", email: "anna@example.test")

    /// Name (file stem) and rendered text of every golden case.
    static func cases() -> [(String, String)] {
        var out: [(String, String)] = []
        for s in samples {
            let l = s.language
            let to = Addressee(s.requester, language: l, salutation: s.salutation)
            let due = s.plan.deadline(for: s.priority, from: s.receivedAt)
            out.append(("acknowledgement.\(l)", Templates.acknowledgement(
                to: to, reference: reference, priority: s.priority, deadline: due, plan: s.plan, policy: policy)))
            if l != "en" {
                let other: Formality = Formality.usual(for: l) == .formal ? .informal : .formal
                out.append(("acknowledgement-\(other.rawValue).\(l)", Templates.acknowledgement(
                    to: Addressee(s.requester, language: l, formality: other, salutation: s.salutation),
                    reference: reference, priority: s.priority, deadline: due, plan: s.plan, policy: policy)))
            }
            // Outside hours with the on-call paged: no promise of the next working day.
            out.append(("acknowledgement-on-call.\(l)", Templates.acknowledgement(
                to: to, reference: reference, priority: .p1, deadline: due, plan: s.plan, policy: policy,
                onCallAlerted: true)))
            let unnamed = Addressee(Address(email: "info@customer.test"), language: l)
            out.append(("acknowledgement-no-target.\(l)", Templates.acknowledgement(
                to: unnamed, reference: reference, priority: .p5, deadline: nil, plan: TestDesk.extended,
                policy: policy)))
            // Refusals go to people we know less well: a name without a known salutation.
            let colleague = Addressee(Address(name: "Kim Berg", email: "kim@customer.test"), language: l)
            out.append(("refusal-administrators.\(l)",
                        Templates.refusal(to: colleague, administratorsOnly: true, policy: policy)))
            out.append(("refusal-unknown.\(l)",
                        Templates.refusal(to: unnamed, administratorsOnly: false, policy: policy)))
            let administrators = Addressee(Address(email: "it@customer.test"), language: l)
            out.append(("refusal-copy.\(l)", Templates.refusalCopy(
                to: administrators, sender: Address(name: "Kim Berg", email: "kim@customer.test"),
                subject: refusedSubject[l]!,
                policy: policy).body))
            out.append(("oversized.\(l)", Templates.oversized(to: colleague, size: 31_700_000, limit: 25 * 1_048_576,
                                                             policy: policy)))
            let later = s.plan.calendar.adding(minutes: 30, to: s.receivedAt)
            out.append(("follow-up.\(l)", Templates.followUpConfirmation(
                to: to, reference: reference, reopened: false, deadline: nil, plan: s.plan, policy: policy)))
            out.append(("closed.\(l)", Templates.closingNote(to: to, reference: reference, reopenDays: 14,
                                                             policy: policy)))
            out.append(("reopened.\(l)", Templates.followUpConfirmation(
                to: to, reference: reference, reopened: true, deadline: s.plan.deadline(for: s.priority, from: later),
                plan: s.plan, policy: policy)))
            out.append(("relay.\(l)", Templates.relay(text: relayText[l]!, staff: agent, policy: policy)))
            out.append(("staff-notification.\(l)", Templates.staffNotification(notification(s))))
            if l == "en" {
                var reopened = notification(s)
                (reopened.event, reopened.cc) = (.reopened, [])
                (reopened.attachments, reopened.claimedReference) = ([], nil)
                reopened.text = "It happened again this morning."
                out.append(("staff-notification-reopened.en", Templates.staffNotification(reopened)))
            }
            for kind in [EscalationKind.warning, .breach] {
                let e = Templates.escalation(escalation(kind, s))
                out.append(("\(kind.rawValue).\(l)", "Subject: \(e.subject)\n\n\(e.body)"))
            }
        }
        for (name, number) in [("on-call-page.en", 1), ("on-call-repage.en", 2)] {
            let s = samples[0]
            var t = ticket(s)
            t.priority = PriorityDecision(.p1, reason: "test wording")
            let page = Templates.onCallPage(OnCallPageFacts(
                ticket: t, customerName: s.customer, requestText: s.request,
                requestedAt: TestDesk.at(2026, 12, 5, 2, 14),
                timeZone: TestDesk.zone, number: number, ladderCount: 3,
                notAnswered: number == 1 ? [] : [Address(name: "Anna Jensen", email: "anna@example.test")],
                repageMinutes: 15))
            out.append((name, "Subject: \(page.subject)\n\n\(page.body)"))
        }
        let failure = Templates.deliveryFailure(
            reference: reference, recipients: ["mette@nordlys.test"], subject: "[PD-2026-000123] Printer",
            messageID: "pd.1a2b3c@example.test",
            serverSaid: "550 5.1.1 <mette@nordlys.test>: Recipient address rejected")
        out.append(("delivery-failure.en", "Subject: \(failure.subject)\n\n\(failure.body)"))
        for (name, reason) in [("names-no-ticket", Templates.StaffHelpReason.namesNoTicket),
                               ("relayed-nothing", .relayedNothing(reference)),
                               ("cannot-open", .cannotOpen("anna@example.test"))] {
            out.append(("staff-help-\(name).en", Templates.staffHelp(reason, subject: "Re: [PD-2026-000123] Printer")))
        }
        return out
    }

    /// What a customer's non-administrator asked for, in each language (named in the copy to the administrators).
    static let refusedSubject = ["da": "Ny skærm til kontoret", "de": "Neuer Bildschirm für das Büro",
                                 "nl": "Nieuwe monitor voor kantoor", "en": "New monitor for the office"]

    /// Staff replies as written in each language, signed by the agent (so the relay adds only the desk's name).
    static let relayText = [
        "da": "Hej Mette\n\nVi har genstartet printerkøen; prøv venligst igen.\n\nVenlig hilsen\nAnna",
        "de": "Guten Tag Herr Wagner,\n\nder Dateiserver ist wieder erreichbar.\n\nViele Grüße\nAnna Jensen",
        "nl": "Beste Sanne,\n\nOutlook start weer na een reparatie van Office.\n\nMet vriendelijke groet,\nAnna Jensen",
        "en": "Hello Oliver,\n\nThe CRM is back; the certificate had expired.\n\nBest regards,\nAnna",
    ]

    static func ticket(_ s: Sample) -> TicketState {
        var t = TicketState(id: 9, reference: reference, status: .open,
                            priority: PriorityDecision(s.priority, reason: "test wording"),
                            customerID: "c", plan: s.plan.name, requester: s.requester, participants: [s.requester],
                            subject: subjects[s.language]!, language: s.language, createdAt: s.receivedAt)
        t.clock = ReactionClock.start(at: s.receivedAt, priority: s.priority, plan: s.plan)
        return t
    }

    static let subjects = ["da": "Printer udskriver ikke", "de": "Dateiserver nicht erreichbar",
                           "nl": "Outlook start niet", "en": "CRM unavailable"]

    static func notification(_ s: Sample) -> StaffNotificationFacts {
        let t = ticket(s)
        return StaffNotificationFacts(
            event: .newTicket, reference: reference, subject: t.subject, priority: t.priority, from: s.requester,
            cc: [Address(name: "Kim Berg", email: "kim@customer.test")], customerName: s.customer,
            planName: s.plan.name,
            deadline: t.clock?.dueAt, timeZone: TestDesk.zone,
            attachments: [.init(number: 1, filename: "foto.jpg", size: 86_000, attached: true),
                          .init(number: 2, filename: "log.zip", size: 14_900_000, attached: false)],
            claimedReference: "PD-2026-000077",
            answeredBy: [StaffAnswer(staff: Address(name: "Mikkel Dahl", email: "mikkel@example.test"),
                                     at: s.receivedAt.addingTimeInterval(-3600))],
            text: ContactDetails.extract(from: s.request).message.joined(separator: "\n"))
    }

    static func escalation(_ kind: EscalationKind, _ s: Sample) -> EscalationFacts {
        let t = ticket(s)
        let now = kind == .warning ? t.clock!.warnAt.addingTimeInterval(10) : t.clock!.dueAt.addingTimeInterval(5 * 60)
        let history = TicketHistory(
            requestText: s.request, requestedAt: s.receivedAt,
            acknowledgement: .sent(s.receivedAt.addingTimeInterval(2)),
            staffTold: [Address(name: "Support agents", email: "agents@example.test")],
            events: [.init(at: s.receivedAt.addingTimeInterval(20 * 60), what: "internal note by Anna Jensen")])
        return EscalationFacts(kind, ticket: t, customer: nil, plan: s.plan, now: now, history: history)
            .with(customerName: s.customer)
    }

    @Test func everyTemplateMatchesItsGoldenFile() throws {
        let regenerate = ProcessInfo.processInfo.environment["POSTDESK_REGENERATE_GOLDEN"] == "1"
        var names: [String] = []
        for (name, text) in Self.cases() {
            names.append(name)
            let file = Self.directory.appendingPathComponent(name + ".txt")
            if regenerate {
                try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
                try (text + "\n").write(to: file, atomically: true, encoding: .utf8)
                continue
            }
            let golden = try String(contentsOf: file, encoding: .utf8)
            #expect(text + "\n" == golden, "\(name) differs from its golden file; regenerate and review the diff")
        }
        #expect(Set(names).count == names.count)
        // No golden file is left without a case.
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".txt") }
        #expect(Set(files) == Set(names.map { $0 + ".txt" }))
    }

    /// Wrapped at 72: only a line that is one word (a URL) may be longer; customer-written text is short here.
    @Test func everyLineFitsInSeventyTwoColumns() {
        for (name, text) in Self.cases() {
            // A Subject line is a header, folded by MessageWriter.
            for line in text.split(separator: "\n") where line.count > TextWrap.width && line.contains(" ")
                && !line.hasPrefix("Subject: ") {
                Issue.record("\(name): \(line.count) columns: \(line)")
            }
        }
    }

    /// Every customer template in every language: the language's own words, no English left in them.
    @Test func noEnglishInOtherLanguages() {
        let english = ["best effort", "reference", "request", "priority", "regards", "ticket number"]
        for (name, text) in Self.cases() where !name.hasSuffix(".en") && !Self.staffFacing(name) {
            let lower = text.lowercased()
            for word in english where lower.contains(word) { Issue.record("\(name) contains \"\(word)\"") }
        }
    }

    /// German goes on in lower case after the greeting (DIN 5008); da/nl/en start the next sentence with a capital.
    @Test func textAfterTheGreetingStartsAsTheLanguageWants() throws {
        for (name, text) in Self.cases() where !Self.staffFacing(name) && !name.hasPrefix("relay") {
            let paragraphs = text.components(separatedBy: "\n\n")
            let first = try #require(paragraphs.dropFirst().first?.first)
            #expect(first.isLowercase == name.hasSuffix(".de"), "\(name): \(paragraphs[1].prefix(30))")
        }
    }

    static func staffFacing(_ name: String) -> Bool {
        ["staff-", "warning", "breach", "delivery", "on-call-"].contains { name.hasPrefix($0) }
    }
}

extension EscalationFacts {
    func with(customerName: String) -> EscalationFacts {
        var copy = self
        copy.customerName = customerName
        return copy
    }
}
