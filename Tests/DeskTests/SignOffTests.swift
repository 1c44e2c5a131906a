import Testing
import MIME
@testable import Desk

@Suite struct SignOffTests {
    let anna = Address(name: "Anna Jensen", email: "anna@example.test")

    @Test(arguments: [
        "Vi har genstartet printerkøen.\n\nVenlig hilsen\nAnna",
        "Vi har genstartet printerkøen.\n\nMvh. Anna Jensen",
        "Der Server läuft wieder.\n\nViele Grüße, Anna",
        "Der Server läuft wieder.\n\nViele Grüße\nAnna Jensen\nNordhavn IT Support",
        "Outlook werkt weer.\n\nMet vriendelijke groet,\n\nAnna Jensen, servicedesk",
        "The CRM is back.\n\nBest regards,\n/Anna\n",
    ])
    func signedTexts(_ text: String) {
        #expect(SignOff.isSigned(text, by: anna))
    }

    @Test func unsignedTexts() {
        #expect(!SignOff.isSigned("Anna will call you tomorrow.", by: anna))
        #expect(!SignOff.isSigned("Venlig hilsen", by: anna))
        #expect(!SignOff.isSigned("Regards,\nAnnabelle", by: anna))
        #expect(!SignOff.isSigned("Kind regards,\nMikkel", by: anna))
        #expect(!SignOff.isSigned("Met vriendelijke groet, Mikkel", by: anna))
    }

    @Test func theRelaySignsOnce() {
        let policy = TestDesk.policy()
        let signed = Templates.relay(text: "Der Server läuft wieder.\n\nViele Grüße\nAnna Jensen", staff: anna,
                                     policy: policy)
        #expect(signed.components(separatedBy: "Anna Jensen").count == 2)
        #expect(signed.hasSuffix("\n\n-- \nExample IT Support"))
        let unsigned = Templates.relay(text: "Der Server läuft wieder.", staff: anna, policy: policy)
        #expect(unsigned.hasSuffix("\n\n-- \nAnna Jensen\nExample IT Support"))
    }
}
