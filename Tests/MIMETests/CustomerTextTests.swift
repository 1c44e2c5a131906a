import Foundation
import Testing
@testable import MIME

/// Issue 15: what a customer writes reaches our mail bodies and terminals only as clean text.
@Suite struct CustomerTextTests {
    func from(_ header: String) -> Address? {
        let raw = "From: \(header)\r\nTo: support@example.test\r\nSubject: x\r\nMessage-ID: <1@x.test>\r\n\r\nHej\r\n"
        return MessageParser.parse(Array(raw.utf8)).from
    }

    /// The issue's payload: CR LF inside an RFC 2047 display name survived into the body of acknowledgements.
    @Test func crlfInAnEncodedDisplayNameBecomesOneLine() throws {
        let payload = "=?utf-8?q?Kunde,=0D=0A=0D=0ADin_konto_lukkes._Log_ind_p=C3=A5_https://evil.test/login=0D=0A?="
        let a = try #require(from(payload + " <victim@bank.test>"))
        #expect(a.email == "victim@bank.test")
        #expect(a.name == "Kunde, Din konto lukkes. Log ind på https://evil.test/login")
    }

    @Test(arguments: [
        ("=?utf-8?q?Mette=E2=80=A8Holm?=", "Mette Holm"),                      // U+2028 line separator
        ("=?utf-8?q?Mette=E2=80=A9=E2=80=A9Holm?=", "Mette Holm"),             // U+2029 paragraph separator
        ("=?utf-8?q?Mette=C2=85Holm?=", "Mette Holm"),                         // NEL U+0085
        ("=?utf-8?q?Mette=0BHolm=0C?=", "Mette Holm"),                         // VT, FF
        ("=?utf-8?q?Mette_=1B[31mHolm=1B[0m?=", "Mette Holm"),                 // ANSI colour
        ("=?utf-8?q?Mette=1B]0;pwned=07_Holm?=", "Mette Holm"),                // OSC: sets a terminal's title
        ("=?utf-8?q?Mette=C2=9B2JHolm?=", "MetteHolm"),                        // C1 CSI: clears the screen
        ("=?utf-8?q?Mette_Holm=E2=80=AEfdp.exe?=", "Mette Holmfdp.exe"),       // U+202E right-to-left override
        ("=?utf-8?q?=E2=81=A6Mette=E2=81=A9_=E2=80=8FHolm?=", "Mette Holm"),   // isolates, RLM
        ("=?utf-8?q?Mette=00Holm=07?=", "MetteHolm"),                          // NUL, BEL
        ("\"Mette\tHolm\"", "Mette Holm"),
        ("=?utf-8?q?J=C3=B8rgen_=F0=9F=91=8D=F0=9F=8F=BD?=", "Jørgen 👍🏽"),     // what people write stays
    ])
    func displayNamesAreCleanedAtTheScalarLevel(_ name: String, _ expected: String) throws {
        let a = try #require(from("\(name) <mette@nordlys.test>"))
        #expect(a.name == expected)
        #expect(a.name.map(Self.isClean) == true)
    }

    /// Nothing left that a terminal, a mail body or a bidi renderer would act on.
    static func isClean(_ s: String) -> Bool {
        !s.unicodeScalars.contains { v in
            v.value < 0x20 || (0x7F..<0xA0).contains(v.value)
                || [0x2028, 0x2029, 0x202E, 0x2066, 0x2069, 0x200F].contains(v.value)
        }
    }

    @Test func displayNamesAreCut() throws {
        let a = try #require(from("\"\(String(repeating: "Ø", count: 5000))\" <mette@nordlys.test>"))
        #expect(a.name?.count == AddressList.nameLimit)
    }

    /// A NUL (or another control) inside the address cut the stored address but not the header: no such address.
    @Test(arguments: ["victim\u{0}@bank.test", "victim@bank\u{0}.test", "vic\u{1B}tim@bank.test",
                      "victim@bank.test\u{202E}"])
    func controlsInsideTheAddressMakeItUnusable(_ email: String) {
        #expect(from("Kunde <\(email)>") == nil)
        #expect(from(email) == nil)
        #expect(AddressList.parse("a@x.test, \(email), b@x.test").map(\.email) == ["a@x.test", "b@x.test"])
    }

    @Test func anAddressLongerThanSMTPAllowsIsUnusable() {
        #expect(from("<\(String(repeating: "a", count: 300))@x.test>") == nil)
        #expect(from("<\(String(repeating: "a", count: 64))@x.test>")?.email.count == 71)
    }

    @Test func lineAndBlock() {
        #expect(CustomerText.line("  Printer\r\n\r\n  broken\u{85}\u{2028}again\t ") == "Printer broken again")
        #expect(CustomerText.line("Ærlig talt \u{1B}[1mvigtigt\u{1B}[0m!") == "Ærlig talt vigtigt!")
        #expect(CustomerText.line("plain words") == "plain words")
        #expect(CustomerText.line("Sikkerhedsopdatering af alle pc'er", limit: 8) == "Sikkerhe")
        let messy = "Hej\r\nlinje 2\rlinje 3\u{2028}linje 4\n\tind\u{1B}[2J\u{7}\u{0}"
        #expect(CustomerText.block(messy) == "Hej\nlinje 2\nlinje 3\nlinje 4\n\tind")
        #expect(CustomerText.block("Plain\n\ttext") == "Plain\n\ttext")
        // An unterminated OSC takes only its two characters, not the rest of the text.
        #expect(CustomerText.line("a\u{1B}]b c") == "ab c")
        // A cluster of any length is cut at 4 bytes per character.
        #expect(CustomerText.head("e" + String(repeating: "\u{301}", count: 10_000), characters: 10).utf8.count <= 40)
    }

    // MARK: MessageWriter

    func rendered(subject: String, inReplyTo: String? = "parent@x.test",
                  references: [String] = ["root@x.test"]) -> String {
        let mail = OutgoingMail(from: Address(name: "Support", email: "support@example.test"),
                                to: [Address(name: "Mette", email: "mette@nordlys.test")], subject: subject,
                                messageID: "pd.1@example.test", inReplyTo: inReplyTo, references: references,
                                date: Date(timeIntervalSince1970: 1_795_000_000), body: "Hej\n")
        return String(decoding: MessageWriter.render(mail), as: UTF8.self)
    }

    func header(_ text: String, _ name: String) -> String? {
        let head = text.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
        let line = head.components(separatedBy: "\r\n").first { $0.hasPrefix(name + ": ") }
        return line.map { String($0.dropFirst(name.count + 2)) }
    }

    /// A 1 MB unbroken subject was echoed as one 1 MB header line: cut to 900 octets, every line within 998.
    @Test(arguments: [String(repeating: "x", count: 1 << 20), String(repeating: "æ", count: 1 << 19),
                      String(repeating: "ab ", count: 1 << 18), String(repeating: "e\u{301}", count: 1 << 18),
                      "Re: " + String(repeating: "👍🏽", count: 1 << 17)])
    func longSubjectsAreCutAndFolded(_ subject: String) throws {
        let text = rendered(subject: subject)
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        let value = try #require(header(text, "Subject"))
        #expect(value.utf8.count <= MessageWriter.maxTextOctets)
        #expect(value.utf8.count > MessageWriter.maxTextOctets / 3)
        let decoded = EncodedWords.decode(value)
        #expect(CustomerText.line(subject).hasPrefix(decoded), "the cut keeps the start, on a character boundary")
    }

    @Test func overlongMessageIDsAreLeftOut() {
        let long = String(repeating: "i", count: 1 << 20) + "@x.test"
        let text = rendered(subject: "Hej", inReplyTo: long, references: ["root@x.test", long])
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 998 })
        #expect(header(text, "In-Reply-To") == nil)
        #expect(header(text, "References") == "<root@x.test>")
    }
}
