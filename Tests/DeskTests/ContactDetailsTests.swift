import Testing
@testable import Desk

@Suite struct ContactDetailsTests {
    @Test(arguments: [
        ("Printeren virker ikke.\n\nVenlig hilsen\nMette Holm\nNordlys ApS\nTlf. 20 30 40 50", ["20 30 40 50"],
         ["Mette Holm", "Nordlys ApS", "Tlf. 20 30 40 50"]),
        ("Der Server ist weg.\n\nMit freundlichen Grüßen\n\nOliver Wagner\nTel.: +49 (0)40 1234-5678\n"
            + "Fax: +49 40 1234-5679",
         ["+49 (0)40 1234-5678"], ["Oliver Wagner", "Tel.: +49 (0)40 1234-5678", "Fax: +49 40 1234-5679"]),
        ("Outlook start niet.\n\nMet vriendelijke groet,\nSanne de Vries\nT: 020 123 4567\nM: 06-12345678",
         ["020 123 4567", "06-12345678"], ["Sanne de Vries", "T: 020 123 4567", "M: 06-12345678"]),
        ("CRM is down.\n-- \nOliver Smith | Acme Ltd\nMobile: +44 7700 900123", ["+44 7700 900123"],
         ["Oliver Smith | Acme Ltd", "Mobile: +44 7700 900123"]),
    ])
    func findsPhonesAndTheSignature(_ text: String, _ phones: [String], _ signature: [String]) {
        let c = ContactDetails.extract(from: text)
        #expect(c.phones == phones)
        #expect(c.signature == signature)
        #expect(c.message == [String(text.split(separator: "\n")[0])])
    }

    /// Dates, references, IP addresses and order numbers in the text are not phone numbers.
    @Test func numbersThatAreNotPhones() {
        let text = """
            Since 02.12.2026 the server 192.168.10.20 is down, see PD-2026-000123 and order 12345678.
            Call me on +45 20 30 40 50 please. Invoice 2026-12-02.
            """
        #expect(ContactDetails.extract(from: text).phones == ["+45 20 30 40 50"])
        #expect(ContactDetails.extract(from: text).signature.isEmpty)
    }

    /// Quoted history is not the requester's signature.
    @Test func stopsAtQuotedText() {
        let text = "New text.\n\nOn Monday someone wrote:\n> Kind regards\n> Someone Else\n> Tel. 11 22 33 44"
        let c = ContactDetails.extract(from: text)
        #expect(c.signature.isEmpty && c.phones.isEmpty)
        #expect(c.message == ["New text.", "", "On Monday someone wrote:"])
    }
}
