import Testing
@testable import Desk

@Suite struct ReferenceTests {
    @Test func formatsAndParses() {
        let r = TicketReference(prefix: "PD", year: 2026, number: 123)
        #expect(r.description == "PD-2026-000123")
        #expect(r.tag == "[PD-2026-000123]")
        #expect(TicketReference("PD-2026-000123", prefix: "PD") == r)
        #expect(TicketReference("XX-2026-000123", prefix: "PD") == nil)
        #expect(TicketReference("PD-26-000123", prefix: "PD") == nil)
        #expect(TicketReference.all(in: "Re: [PD-2026-000123] x [PD-2027-000001]", prefix: "PD").map(\.number) == [
            123, 1])
    }

    @Test(arguments: [
        ("Re: Printer", "Printer"), ("SV: SV: Printer", "Printer"), ("AW: WG: Drucker", "Drucker"),
        ("Antw: Doorst: Printer", "Printer"), ("Fwd: FW: VS: Printer", "Printer"), ("RE[2]: Printer", "Printer"),
        ("Re: [PD-2026-000001] Printer", "Printer"), ("[PD-2026-000001] Re: Printer", "Printer"),
        ("Printer [PD-2026-000001] again", "Printer again"), ("Reply needed: server", "Reply needed: server"),
        ("  Printer \t down   again ", "Printer down again"), ("Printer\u{00A0}down ", "Printer down"), ("", ""),
        ("PD-2026-000001 printer", "PD-2026-000001 printer"),
    ])
    func strippingPrefixes(_ subject: String, _ expected: String) {
        #expect(SubjectLine.clean(subject, prefix: "PD") == expected)
    }

    @Test func staffCommandsParse() {
        let c = StaffCommands.parse("\n#priority p2\n#close\nThanks, fixed.\n#note is not a command here")
        #expect(c.priority == .p2)
        #expect(c.close)
        #expect(!c.note)
        #expect(c.text == "Thanks, fixed.\n#note is not a command here")
    }
}
