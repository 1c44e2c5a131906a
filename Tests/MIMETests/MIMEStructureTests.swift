import Foundation
import Testing
@testable import MIME

@Suite struct MultipartTests {
    @Test func edgeCases() {
        let m = parseFixture("multipart-edge.eml")
        #expect(m.contentType == "multipart/mixed")          // Content-Type missing its ';'
        #expect(m.bodyText.contains("Plain text body."))
        #expect(m.bodyText.contains("--outerX is not a boundary"))  // boundary-like line inside a part
        #expect(!m.bodyText.contains("preamble"))
        #expect(!m.bodyText.contains("epilogue"))
        #expect(m.bodyHTML?.contains("<p>HTML body</p>") == true)
        #expect(m.attachments.map { $0.filename ?? "" } == ["empty.txt", "dot.png", "notes.txt"])
        #expect(m.attachments[0].size == 0)                   // empty part
        #expect(m.attachments[1].contentType == "image/png")
        #expect(m.attachments[1].size == 8)                   // base64 without padding
        #expect(m.attachments[2].data == Array("inner part whose multipart never closes".utf8))
        #expect(m.defects.contains("missing closing boundary"))
    }

    @Test func missingClosingBoundary() {
        let m = parseFixture("missing-close.eml")
        #expect(m.bodyText == "only part, no closing boundary\n")
        #expect(m.defects.contains("missing closing boundary"))
    }

    @Test func attachedMessage() {
        let m = parseFixture("rfc822-attachment.eml")
        #expect(m.bodyText == "See the forwarded mail.")
        #expect(!m.bodyText.contains("Text of the attached mail"))
        #expect(m.attachments.count == 1)
        let a = m.attachments[0]
        #expect(a.contentType == "message/rfc822")
        #expect(a.filename == "forwarded.eml")
        let inner = a.embeddedMessage
        #expect(inner?.subject == "The attached mail")
        #expect(inner?.from?.email == "inner@example.com")
        #expect(inner?.bodyText == "Text of the attached mail.")
    }

    @Test func attachmentHashAndSize() {
        let bytes = Array(
            "From: a@b\nContent-Type: application/pdf; name=x.pdf\nContent-Transfer-Encoding: base64\n\nYWJj\n".utf8)
        let m = MessageParser.parse(bytes)
        #expect(m.contentType == "application/pdf")
        #expect(m.attachments.count == 1)
        #expect(m.attachments[0].size == 3)
        #expect(m.attachments[0].sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func crlfSizesKeptAsInFile() {
        let raw = "From: a@b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: " +
            "text/plain\r\n\r\nbody\r\n--b\r\nContent-Type: text/plain; name=t.txt\r\n\r\nl1\r\nl2\r\n--b--\r\n"
        let m = MessageParser.parse(Array(raw.utf8))
        #expect(m.attachments.first?.size == 6)  // "l1\r\nl2": the CRLF before the delimiter belongs to it
    }

    @Test func alternativePrefersPlainAndRendersHTMLOnly() {
        let html = parseFixture("html-only.eml")
        #expect(html.contentType == "text/html")
        #expect(html.bodyHTML != nil)
        #expect(html.bodyText.contains("Hello there & welcome—café"))
        #expect(html.bodyText.contains("the link <https://example.com/x>"))
        #expect(!html.bodyText.contains("alert"))
        #expect(!html.bodyText.contains("color"))
        #expect(html.bodyText.contains("Second block"))
        #expect(html.bodyText.contains("\n- one\n- two"))
    }

    @Test func digestDefaultsToMessage() {
        let raw = "Content-Type: multipart/digest; boundary=d\n\n--d\n\nFrom: x@y\nSubject: inside\n\nhello\n--d--\n"
        let m = MessageParser.parse(Array(raw.utf8))
        #expect(m.attachments.first?.contentType == "message/rfc822")
        #expect(m.attachments.first?.embeddedMessage?.subject == "inside")
    }

    @Test func deepNestingIsCapped() {
        var raw = "Content-Type: multipart/mixed; boundary=b0\n\n"
        for i in 0..<200 { raw += "--b\(i)\nContent-Type: multipart/mixed; boundary=b\(i + 1)\n\n" }
        raw += "--b200\nContent-Type: text/plain\n\ndeep\n"
        let m = MessageParser.parse(Array(raw.utf8))
        #expect(m.defects.contains("multipart nesting too deep"))
    }

    @Test func neverEmptyOrCrashingOnJunk() {
        for raw in ["", "\n", "\r\n\r\n", ":", "From:", "Content-Type: multipart/mixed; boundary=", "--\n--\n",
                    "Content-Type: multipart/mixed; boundary=x\n\n--x", "Content-Transfer-Encoding: base64\n\n====",
                    "Content-Transfer-Encoding: quoted-printable\n\n=", "Subject: =?utf-8?B?", "Subject: =?x?q?=?="] {
            _ = MessageParser.parse(Array(raw.utf8))
        }
        let m = MessageParser.parse([0xFF, 0xFE, 0x0A, 0x0A, 0xC3])
        #expect(!m.bodyText.isEmpty)
    }
}

@Suite struct TransferEncodingTests {
    @Test func lenientBase64() {
        #expect(TransferEncoding.decodeBase64(Array("QUJD\r\nRA".utf8)).data == Array("ABCD".utf8))   // missing padding
        #expect(TransferEncoding.decodeBase64(Array("QU*JD\r\nRA==".utf8)).data == Array("ABCD".utf8)) // junk
        // padding mid-stream
        #expect(TransferEncoding.decodeBase64(Array("QQ==Qg==".utf8)).data == Array("AB".utf8))
        #expect(TransferEncoding.decodeBase64(Array("QU*JD".utf8)).defects.contains("invalid characters in base64"))
        #expect(TransferEncoding.decodeBase64([]).data.isEmpty)
    }

    @Test func quotedPrintable() {
        let (data, defects) = TransferEncoding.decodeQuotedPrintable(
            Array("a=3Db=3db soft=\r\nbreak=  \r\nx =ZZ y  \r\nend".utf8))
        #expect(String(decoding: data, as: UTF8.self) == "a=b=b softbreakx =ZZ y\r\nend")
        #expect(defects == ["invalid quoted-printable escape"])
    }

    @Test func encodingsFixture() {
        let m = parseFixture("encodings.eml")
        // "quoted-printable  "
        #expect(m.bodyText.hasPrefix("Rødgrød med fløde, a soft break, and =ZZ invalid escape."))
        // "BASE64 ", unknown → raw
        #expect(m.attachments.map(\.data) == [Array("ABCD".utf8), Array("raw bytes".utf8)])
        #expect(m.defects.contains("unknown transfer encoding: x-made-up"))
        #expect(m.defects.contains("invalid characters in base64"))
    }

    @Test func uuencode() {
        let raw = "Content-Type: application/octet-stream; name=a.txt\nContent-Transfer-Encoding: " +
            "x-uuencode\n\nbegin 644 a.txt\n#86)C\n`\nend\n"
        #expect(MessageParser.parse(Array(raw.utf8)).attachments.first?.data == Array("abc".utf8))
    }
}

let charsetVectors: [(String, String, [UInt8])] = [
    ("utf-8", "Grüße 😀 日本", [0x47, 0x72, 0xC3, 0xBC, 0xC3, 0x9F, 0x65, 0x20, 0xF0, 0x9F, 0x98, 0x80, 0x20, 0xE6, 0x97,
    0xA5, 0xE6, 0x9C, 0xAC]),
    ("us-ascii", "plain text", [0x70, 0x6C, 0x61, 0x69, 0x6E, 0x20, 0x74, 0x65, 0x78, 0x74]),
    ("iso-8859-1", "Søren Åbæk", [0x53, 0xF8, 0x72, 0x65, 0x6E, 0x20, 0xC5, 0x62, 0xE6, 0x6B]),
    ("iso-8859-2", "Łódź Žluťoučký", [0xA3, 0xF3, 0x64, 0xBC, 0x20, 0xAE, 0x6C, 0x75, 0xBB, 0x6F, 0x75, 0xE8, 0x6B,
    0xFD]),
    ("iso-8859-3", "Ħaġar", [0xA1, 0x61, 0xF5, 0x61, 0x72]),
    ("iso-8859-4", "Ģirts Ķēniņš", [0xAB, 0x69, 0x72, 0x74, 0x73, 0x20, 0xD3, 0xBA, 0x6E, 0x69, 0xF1, 0xB9]),
    ("iso-8859-5", "Привет", [0xBF, 0xE0, 0xD8, 0xD2, 0xD5, 0xE2]),
    ("iso-8859-6", "مرحبا", [0xE5, 0xD1, 0xCD, 0xC8, 0xC7]),
    ("iso-8859-7", "Καλημέρα", [0xCA, 0xE1, 0xEB, 0xE7, 0xEC, 0xDD, 0xF1, 0xE1]),
    ("iso-8859-8", "שלום", [0xF9, 0xEC, 0xE5, 0xED]),
    ("iso-8859-9", "İstanbul ğş", [0xDD, 0x73, 0x74, 0x61, 0x6E, 0x62, 0x75, 0x6C, 0x20, 0xF0, 0xFE]),
    ("iso-8859-10", "Ŋŧ", [0xAF, 0xBB]),
    ("iso-8859-11", "สวัสดี", [0xCA, 0xC7, 0xD1, 0xCA, 0xB4, 0xD5]),
    ("iso-8859-13", "Ąžuolas ė", [0xC0, 0xFE, 0x75, 0x6F, 0x6C, 0x61, 0x73, 0x20, 0xEB]),
    ("iso-8859-14", "Ŵŷ", [0xD0, 0xFE]),
    ("iso-8859-15", "Prix: 5€ œ", [0x50, 0x72, 0x69, 0x78, 0x3A, 0x20, 0x35, 0xA4, 0x20, 0xBD]),
    ("iso-8859-16", "Țară Șă", [0xDE, 0x61, 0x72, 0xE3, 0x20, 0xAA, 0xE3]),
    ("windows-1250", "Łódź „x”", [0xA3, 0xF3, 0x64, 0x9F, 0x20, 0x84, 0x78, 0x94]),
    ("windows-1251", "Привет «мир»", [0xCF, 0xF0, 0xE8, 0xE2, 0xE5, 0xF2, 0x20, 0xAB, 0xEC, 0xE8, 0xF0, 0xBB]),
    ("windows-1252", "“Quote” – €", [0x93, 0x51, 0x75, 0x6F, 0x74, 0x65, 0x94, 0x20, 0x96, 0x20, 0x80]),
    ("windows-1253", "Καλημέρα", [0xCA, 0xE1, 0xEB, 0xE7, 0xEC, 0xDD, 0xF1, 0xE1]),
    ("windows-1254", "İstanbul", [0xDD, 0x73, 0x74, 0x61, 0x6E, 0x62, 0x75, 0x6C]),
    ("windows-1255", "שלום", [0xF9, 0xEC, 0xE5, 0xED]),
    ("windows-1256", "مرحبا", [0xE3, 0xD1, 0xCD, 0xC8, 0xC7]),
    ("windows-1257", "Ąžuolas", [0xC0, 0xFE, 0x75, 0x6F, 0x6C, 0x61, 0x73]),
    ("windows-1258", "Viêt Nam ₫", [0x56, 0x69, 0xEA, 0x74, 0x20, 0x4E, 0x61, 0x6D, 0x20, 0xFE]),
    ("koi8-r", "Здравствуйте", [0xFA, 0xC4, 0xD2, 0xC1, 0xD7, 0xD3, 0xD4, 0xD7, 0xD5, 0xCA, 0xD4, 0xC5]),
    ("koi8-u", "Ґанок їжак", [0xBD, 0xC1, 0xCE, 0xCF, 0xCB, 0x20, 0xA7, 0xD6, 0xC1, 0xCB]),
    ("iso-2022-jp", "こんにちは世界", [0x1B, 0x24, 0x42, 0x24, 0x33, 0x24, 0x73, 0x24, 0x4B, 0x24, 0x41, 0x24, 0x4F, 0x40,
    0x24, 0x33, 0x26, 0x1B, 0x28, 0x42]),
    ("shift_jis", "こんにちは ①", [0x82, 0xB1, 0x82, 0xF1, 0x82, 0xC9, 0x82, 0xBF, 0x82, 0xCD, 0x20, 0x87, 0x40]),
    ("euc-jp", "日本語テキスト", [0xC6, 0xFC, 0xCB, 0xDC, 0xB8, 0xEC, 0xA5, 0xC6, 0xA5, 0xAD, 0xA5, 0xB9, 0xA5, 0xC8]),
    ("gb2312", "你好世界", [0xC4, 0xE3, 0xBA, 0xC3, 0xCA, 0xC0, 0xBD, 0xE7]),
    ("gbk", "中镕", [0xD6, 0xD0, 0xE9, 0x46]),
    ("gb18030", "中文 𠀀", [0xD6, 0xD0, 0xCE, 0xC4, 0x20, 0x95, 0x32, 0x82, 0x36]),
    ("big5", "繁體中文", [0xC1, 0x63, 0xC5, 0xE9, 0xA4, 0xA4, 0xA4, 0xE5]),
    ("euc-kr", "안녕하세요", [0xBE, 0xC8, 0xB3, 0xE7, 0xC7, 0xCF, 0xBC, 0xBC, 0xBF, 0xE4]),
    ("utf-7", "Hi Mom -☺-!", [0x48, 0x69, 0x20, 0x4D, 0x6F, 0x6D, 0x20, 0x2D, 0x2B, 0x4A, 0x6A, 0x6F, 0x2D, 0x2D,
    0x21]),
    ("utf-16", "Grüße", [0xFF, 0xFE, 0x47, 0x00, 0x72, 0x00, 0xFC, 0x00, 0xDF, 0x00, 0x65, 0x00]),
]

@Suite struct CharsetTests {
    @Test(arguments: 0..<charsetVectors.count) func decodesEveryListedCharset(_ i: Int) {
        let (label, text, bytes) = charsetVectors[i]
        let (decoded, known) = Charset.decode(bytes, label: label)
        #expect(known, "\(label)")
        #expect(decoded == text, "\(label)")
    }

    @Test func clientAliases() {
        #expect(Charset.decode([0x87, 0x40], label: "shift_jis").text == "①")            // CP932
        #expect(Charset.decode([0x81, 0x41], label: "ks_c_5601-1987").text == "갂")       // CP949
        #expect(Charset.decode([0xD6, 0xD0, 0xE9, 0x46], label: "gb2312").text == "中镕")  // GB18030
        #expect(Charset.decode([0x93, 0x41, 0x94], label: "iso-8859-1").text == "“A”")    // windows-1252
        #expect(Charset.decode([0x93, 0x41, 0x94], label: "us-ascii").text == "“A”")
        #expect(Charset.decode([0xF9, 0xEC], label: "iso-8859-8-i").text == "של")
        #expect(Charset.decode(Array("+AGEAYgBj-".utf8), label: "unicode-1-1-utf-7").text == "abc")
        #expect(Charset.decode([0x8A], label: "x-mac-roman").text == "ä")
        #expect(Charset.decode([0xE9], label: "\"ISO-8859-1\"").text == "é")
    }

    @Test func badBytesBecomeReplacement() {
        #expect(Charset.decode([0x61, 0xFF, 0x62], label: "utf-8").text == "a\u{FFFD}b")
        #expect(Charset.decode([0x61, 0x82, 0xA0, 0xFF, 0x62], label: "shift_jis").text.contains("\u{FFFD}"))
        #expect(Charset.decode([0x93, 0xFA, 0x96], label: "shift_jis").text == "日\u{FFFD}")   // truncated tail
        #expect(Charset.decode([0x41, 0x81, 0x42], label: "windows-1252").text == "A\u{FFFD}B")
    }

    @Test func unknownCharset() {
        let (text, known) = Charset.decode(Array("abc".utf8), label: "x-no-such-charset")
        #expect(!known)
        #expect(text == "abc")
        let m = parseFixture("charset-unknown.eml")
        #expect(m.bodyText == "abc æ def\n")
        #expect(m.defects.contains("unknown charset: x-no-such-charset"))
        let k = parseFixture("charset-koi8.eml")
        #expect(k.subject == "Привет")
        #expect(k.bodyText == "Здравствуйте\n")
    }

    @Test func iso2022jpVendorRows() {
        // ISO-2022-JP with an NEC row-13 character (№), as Outlook sends it.
        #expect(EncodedWords.decode("=?iso-2022-jp?B?GyRCLWIbKEI0MQ==?=") == "№41")
    }
}

/// The pointer loop of the base64 decoder against Foundation's decoder, on encodings of random bytes wrapped at
/// several widths (line breaks at every offset within a quantum) and with and without padding.
@Suite struct Base64DecoderTests {
    @Test func decodesWhatFoundationDecodes() {
        var rng = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 3, 4, 5, 57, 58, 59, 1000, 4099] {
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let encoded = Data(data).base64EncodedString()
            for width in [76, 75, 74, 73, 3, 1] {
                var wrapped = ""
                var line = 0
                for c in encoded {
                    if line == width { wrapped += "\r\n"; line = 0 }
                    wrapped.append(c)
                    line += 1
                }
                for text in [wrapped, wrapped.replacingOccurrences(of: "=", with: "")] {
                    let decoded = TransferEncoding.decodeBase64(Array(text.utf8))
                    #expect(decoded.data == data, "length \(length) width \(width)")
                    #expect(decoded.defects.isEmpty)
                }
            }
        }
    }

    @Test func junkAndTruncationAreReported() {
        let junk = TransferEncoding.decodeBase64(Array("QU*JD\r\nRA==".utf8))
        #expect(junk.data == Array("ABCD".utf8))
        #expect(junk.defects == ["invalid characters in base64"])
        let truncated = TransferEncoding.decodeBase64(Array("QUJDR".utf8))
        #expect(truncated.data == Array("ABC".utf8))
        #expect(truncated.defects == ["truncated base64"])
    }
}
