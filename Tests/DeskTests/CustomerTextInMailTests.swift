import Foundation
import Testing
@testable import Desk
import MIME

/// Issue 15: a display name is the customer's text too; what we mail back carries it as one clean line.
@Suite struct CustomerTextInMailTests {
    let decider = Decider(policy: TestDesk.policy())
    let monday10 = TestDesk.at(2026, 11, 16, 10)

    func bodies(from: String) -> [String] {
        let m = TestDesk.mail(from: from, subject: "Printer", body: "Printeren virker ikke.", id: "n1@x.test")
        return decider.decide(TestDesk.context(m, at: monday10)).mails.map(\.mail.body)
    }

    /// The payload from a stranger: the refusal greets one line, and writes no paragraph of the attacker's.
    @Test func crlfInTheNameWritesNoParagraphOfItsOwn() throws {
        let payload = "=?utf-8?q?Kunde,=0D=0A=0D=0ADin_konto_lukkes._Log_ind_p=C3=A5_https://evil.test/login=0D=0A?="
        let body = try #require(bodies(from: payload + " <victim@bank.test>").first)
        let name = "Kunde, Din konto lukkes. Log ind på https://evil.test/login,\n"
        #expect(body.hasPrefix("Hello " + name) || body.hasPrefix("Hej " + name), "\(body.prefix(120))")
        #expect(!body.components(separatedBy: "\n").contains { $0.hasPrefix("Din konto lukkes") })
        #expect(!body.contains("\r"))
    }

    /// An administrator's name with a terminal escape: the acknowledgement greets them without it.
    @Test func theGreetingCarriesNoEscape() throws {
        let all = bodies(from: "=?utf-8?q?Mette_=1B[31mHolm=1B[0m=E2=80=AE?= <mette@nordlys.test>")
        #expect(!all.isEmpty)
        for body in all {
            #expect(!body.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E }, "\(body.prefix(80))")
        }
        #expect(all.contains { $0.hasPrefix("Hej Mette Holm,") || $0.hasPrefix("Hello Mette Holm,") })
    }
}
