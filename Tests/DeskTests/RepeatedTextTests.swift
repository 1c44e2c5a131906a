import Testing
import MIME
@testable import Desk

/// The repeated-text fingerprint walks scalars; for text people write it must equal the grapheme-based fold it
/// replaced (so hashes stored before the change still match within their hour).
@Suite struct RepeatedTextTests {
    static func characterFold(_ from: String, _ text: String) -> String {
        SHA256.hex(Array((from + "\n" + text.split(whereSeparator: \.isWhitespace).joined(separator: " ")).utf8))
    }

    static let texts = [
        "", "   ", "Hej\r\n\r\nPrinteren virker ikke.\r\n", "  leading and trailing  ", "tabs\tand\u{0B}vertical\u{0C}",
        "Grüße aus Köln\u{00A0}und\u{2003}em space", "line\u{2028}separator", "Ærø øl å", "emoji 👍🏽 ok\n",
        "e\u{0301} combining after a letter", "many      spaces\n\n\n\nand lines",
    ]

    @Test(arguments: texts) func equalsTheCharacterFold(_ text: String) {
        #expect(RepeatedText.hash(from: "mette@nordlys.test", newText: text)
                == Self.characterFold("mette@nordlys.test", text))
    }

    @Test func senderAndWordsMatterButSpacingDoesNot() {
        let a = RepeatedText.hash(from: "a@x.test", newText: "Please call me")
        #expect(a == RepeatedText.hash(from: "a@x.test", newText: "  Please\r\ncall   me\n"))
        #expect(a != RepeatedText.hash(from: "b@x.test", newText: "Please call me"))
        #expect(a != RepeatedText.hash(from: "a@x.test", newText: "Please call him"))
        #expect(RepeatedText.hash(from: "", newText: "text") == nil)
    }
}
