import Foundation
import Testing
@testable import MIME

/// Real mail that is broken in ways other projects' parser tests show: read what can be read.
@Suite struct LenientParsingTests {
    static func parse(_ text: String) -> ParsedMessage { MessageParser.parse(Array(text.utf8)) }

    @Test func continuationWithoutLeadingWhiteSpaceKeepsTheHeaders() {
        let m = Self.parse("To: a@nordlys.dk,\nb@nordlys.dk\nFrom: Bo <bo@nordlys.dk>\nSubject: Printer\n\nHello\n")
        #expect(m.from?.email == "bo@nordlys.dk")
        #expect(m.subject == "Printer")
        #expect(m.to.map(\.email) == ["a@nordlys.dk", "b@nordlys.dk"])
        #expect(m.bodyText == "Hello\n")
        // Without a known header after it, such a line still starts the body.
        let n = Self.parse("From: bo@nordlys.dk\nSubject: x\nHello, no blank line\nsecond line\n")
        #expect(n.bodyText.hasPrefix("Hello, no blank line"))
    }

    @Test func blankTextAlternativeFallsBackToHTML() {
        let m = Self.parse("""
            From: bo@nordlys.dk
            Content-Type: multipart/alternative; boundary=b

            --b
            Content-Type: text/plain


            \u{20}
            --b
            Content-Type: text/html

            <p>Printeren er nede.</p>
            --b--
            """)
        #expect(m.bodyText == "Printeren er nede.")
    }

    @Test func twoFromHeadersTakeTheFirstAddress() {
        let m = Self.parse("From: [??????]\nFrom: Bo Ek <bo@nordlys.dk>\nSubject: x\n\nbody\n")
        #expect(m.from == Address(name: "Bo Ek", email: "bo@nordlys.dk"))
    }

    @Test func raw8BitHeadersUseTheCharsetsTheMessageDeclares() {
        func mail(_ subject: [UInt8], _ charset: String) -> ParsedMessage {
            MessageParser.parse(Array("From: a@b.jp\nSubject: ".utf8) + subject
                + Array("\nContent-Type: text/plain; charset=\(charset)\n\nbody\n".utf8))
        }
        #expect(mail([0x8C, 0x8F, 0x96, 0xBC], "shift_jis").subject == "件名")
        #expect(mail([0xD6, 0xF7, 0xCC, 0xE2], "gb2312").subject == "主题")
        #expect(mail([0xD6, 0xF7, 0xCC, 0xE2], "gbk").subject == "主题")
        // Declared in an encoded word of another header.
        let m = MessageParser.parse(Array("From: =?shift_jis?B?gqA=?= <a@b.jp>\nSubject: ".utf8)
            + [0x8C, 0x8F, 0x96, 0xBC] + Array("\n\nbody\n".utf8))
        #expect(m.subject == "件名")
        // Nothing declared: windows-1252 as before.
        #expect(MessageParser.parse(Array("Subject: caf".utf8) + [0xE9] + Array("\n\nx\n".utf8)).subject == "café")
    }

    @Test func uuencodeWithoutBeginLine() {
        let m = Self.parse("""
            From: a@b.dk
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            see file
            --b
            Content-Type: application/octet-stream; name=hello.txt
            Content-Transfer-Encoding: x-uuencode

            12&5L;&\\L('5U('=O<FQD(0H\u{20}
            `
            end
            --b--
            """)
        #expect(m.attachments.first.map { String(decoding: $0.data, as: UTF8.self) } == "Hello, uu world!\n")
        #expect(!m.defects.contains("uuencoded part without begin line"))
    }

    @Test func boundaryWithTrailingSpacesMatchedAsDeclaredFirst() {
        let m = Self.parse("""
            From: a@b.dk
            Content-Type: multipart/mixed; boundary="b  "

            --b  
            Content-Type: text/plain

            first line
            --b is what I meant here, not a boundary
            --b  --
            epilogue that is not text
            """)
        #expect(m.bodyText.contains("--b is what I meant here"))
        #expect(!m.bodyText.contains("epilogue"))
        // Delimiters that lost the blanks still split.
        let n = Self.parse("From: a@b.dk\nContent-Type: multipart/mixed; boundary=\"c \"\n\n--c\n\nx\n--c--\n")
        #expect(n.bodyText == "x")
    }
}
