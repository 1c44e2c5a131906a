import Testing
@testable import Desk

@Suite struct LanguageDetectorTests {
    @Test func danish() {
        #expect(LanguageDetector.detect(
            "Hej support, vores printer virker ikke, og vi kan ikke printe fakturaer. Venlig hilsen Mette") == "da")
        #expect(LanguageDetector.detect("Jeg har et spørgsmål om licenser til de nye medarbejdere. Mvh Jens") == "da")
        #expect(LanguageDetector.detect("hele salgsafdelingen kan ikke komme ind i CRM siden frokost") == "da")
    }

    @Test func english() {
        #expect(LanguageDetector.detect(
            "Hi, our VPN is down and none of the users can connect. Please call me. Thanks, Tom") == "en")
        #expect(LanguageDetector.detect("Quick question: how long do you keep the backups of our file server?") == "en")
    }

    @Test func german() {
        #expect(LanguageDetector.detect(
            "Guten Morgen, seit heute ist unser Fileserver nicht mehr erreichbar. Mit freundlichen Grüßen") == "de")
        #expect(LanguageDetector.detect(
            "Ich hätte eine Frage zur Aufbewahrung von E-Mails in unserem Postfach.") == "de")
    }

    @Test func dutch() {
        let dutch = "Goedemorgen, sinds vanochtend kan niemand inloggen op de terminalserver. "
            + "Met vriendelijke groet, Pieter"
        #expect(LanguageDetector.detect(dutch) == "nl")
        #expect(LanguageDetector.detect(
            "Ik heb een vraag: is het mogelijk om vanaf een privécomputer te werken?") == "nl")
        #expect(LanguageDetector.detect("Mijn laptop start niet meer op, ik zie alleen een zwart scherm.") == "nl")
    }

    @Test func danishIsNotDutchOrGerman() {
        // Shared short words ("de", "er", "en", "der", "kan") must not decide.
        #expect(LanguageDetector.detect("De er ikke på kontoret, men de kan godt arbejde hjemmefra i dag.") == "da")
        #expect(LanguageDetector.detect("De printer is er niet en de collega's kunnen niet printen.") == "nl")
        #expect(LanguageDetector.detect("Der Drucker ist kaputt und die Kollegen können nicht drucken.") == "de")
    }

    @Test func tooLittleEvidence() {
        #expect(LanguageDetector.detect("") == nil)
        #expect(LanguageDetector.detect("Outlook 365 VPN") == nil)
        #expect(LanguageDetector.detect("12345 !!!") == nil)
    }

    @Test func fixturesDetectTheirLanguage() {
        var wrong: [String] = []
        for (_, name, bytes) in PriorityFixtures.all() {
            let lang = String(name.prefix(2))
            let text = String(decoding: bytes, as: UTF8.self)
            let body = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\n")
            if LanguageDetector.detect(body) != lang { wrong.append(name) }
        }
        #expect(wrong.isEmpty, "\(wrong)")
    }
}
