import Foundation
import Testing
@testable import MIME

@Suite struct HeaderTests {
    @Test func obsoleteSyntaxAndMboxLine() {
        let m = parseFixture("headers-obsolete.eml")
        #expect(m.from == Address(name: "Joe Q. Public", email: "john.q.public@example.com"))  // first From wins
        // space before colon, blank fold line
        #expect(m.subject == "Folded over    several lines")
        #expect(m.messageID == "1234@local.machine.example")                                 // CFWS inside the id
        #expect(m.inReplyTo == ["parent@example.com"])
        #expect(m.references == ["a@example.com", "b@example.com"])                          // first References header
        // route dropped, obs domain
        #expect(m.to.map(\.email) == ["mary@example.net", "jdoe@test.example"])
        #expect(m.to.first?.name == "Mary Smith")
        #expect(m.headers(named: "Subject").count == 2)
        #expect(m.date == Date(timeIntervalSince1970: -27_723_426))                          // 2-digit year, -0330
        #expect(m.bodyText == "Body line one.\n")
    }

    @Test func mixedLineEnds() {
        let m = parseFixture("mixed-line-ends.eml")
        #expect(m.subject == "mixed line ends")
        #expect(m.to.map(\.email) == ["a@example.com"])
        #expect(m.bodyText == "line1\nline2\nline3\n")
    }

    @Test func rawEightBitHeaders() {
        let utf8 = parseFixture("headers-8bit.eml")
        #expect(utf8.subject == "Grüße aus Aarhus – ÆØÅ")
        #expect(utf8.from?.name == "Jöhn Doe")
        #expect(utf8.to.first == Address(name: "Søren", email: "soren@example.dk"))
        let latin = parseFixture("headers-latin1.eml")
        #expect(latin.subject == "Rødgrød med fløde € 5")
        #expect(latin.from?.name == "Søren Hansen")
    }

    @Test func missingSeparatorStartsBody() {
        let m = parseFixture("no-separator.eml")
        #expect(m.subject == "no blank line")
        #expect(m.bodyText.hasPrefix("This line starts the body."))
        #expect(m.bodyText.contains("Second: line"))
        #expect(m.defects.contains("missing blank line between header and body"))
    }

    @Test func dates() {
        let base = Date(timeIntervalSince1970: 1_057_049_557) // 2003-07-01 08:52:37 UTC
        for s in ["Tue, 1 Jul 2003 10:52:37 +0200", "01 Jul 2003 10:52:37 +0200", "Tue, 1 Jul 03 10:52:37 +0200",
                  "Tue,  1 Jul 2003 10:52:37 +0200 (CEST)", "Tue, 1 Jul 2003 08:52:37 GMT",
                  "Tue, 1 Jul 2003 04:52:37 EDT",
                  "Tue, 1 Jul 2003 08:52:37 -0000", "1 Jul 2003 08:52:37 UT"] {
            #expect(RFC5322Date.parse(s) == base, "\(s)")
        }
        #expect(RFC5322Date.parse("Thu, 1 Jul 99 10:52 +0000") == Date(timeIntervalSince1970: 930_826_320))
        #expect(RFC5322Date.parse("not a date") == nil)
        #expect(RFC5322Date.parse("") == nil)
    }
}

@Suite struct AddressTests {
    @Test func groupsCommentsRoutes() {
        let list = AddressList.parse(#"A Group: Ed Jones <c@a.test>, joe@where.test, John <jdoe@one.test>; "#
            + #"Undisclosed recipients:;, "Giant; \"Big\" Box" <sysservices@example.net>"#)
        #expect(list.map(\.email) == ["c@a.test", "joe@where.test", "jdoe@one.test", "sysservices@example.net"])
        #expect(list.last?.name == #"Giant; "Big" Box"#)
        let comments = AddressList.parse(
            "Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>, john.doe@example.com (John Doe)")
        #expect(comments.map(\.email) == ["pete@silly.test", "john.doe@example.com"])
        #expect(comments[0].name == "Pete")
        #expect(comments[1].name == "John Doe")
        let route = AddressList.parse("<@node1.test,@node2.test:mary@example.net>")
        #expect(route == [Address(email: "mary@example.net")])
    }

    @Test func encodedAndObsoleteNames() {
        let a = AddressList.parse("=?ISO-8859-1?Q?Keld_J=F8rn?= =?ISO-8859-1?Q?_Simonsen?= <keld@example.dk>")
        #expect(a == [Address(name: "Keld Jørn Simonsen", email: "keld@example.dk")])
        let b = AddressList.parse("=?utf-8?B?U8O4cmVu?==?utf-8?B?IEhhbnNlbg==?= <s@example.dk>")
        #expect(b.first?.name == "Søren Hansen")
        let c = AddressList.parse(#""=?utf-8?Q?Quoted_=C3=86ble?=" <aeble@example.dk>"#)
        #expect(c.first?.name == "Quoted Æble")
        let d = AddressList.parse("Joe Q. Public <john.q.public@example.com>")
        #expect(d.first?.name == "Joe Q. Public")
        #expect(AddressList.parse("root") == [Address(email: "root")])
        #expect(AddressList.parse("").isEmpty)
        #expect(AddressList.parse("undisclosed-recipients:;").isEmpty)
    }

    @Test func fixtureAddresses() {
        let m = parseFixture("encoded-words.eml")
        #expect(m.from == Address(name: "Keld Jørn Simonsen", email: "keld@example.dk"))
        #expect(m.sender == Address(name: "Quoted Æble", email: "aeble@example.dk"))
        #expect(m.replyTo.map(\.email) == ["help@example.com", "desk@example.com", "other@example.com"])
        #expect(m.replyTo[1].name == "Desk, Second")
        #expect(m.replyTo[2].name == "Only Comment")
    }

    @Test func messageIDs() {
        #expect(MessageIDList.parse("<a@b> <c@d>") == ["a@b", "c@d"])
        #expect(MessageIDList.parse("<a@b>\r\n\t<c@d> (comment)") == ["a@b", "c@d"])
        #expect(MessageIDList.parse("bare@id.example") == ["bare@id.example"])
        #expect(MessageIDList.parse("") == [])
        // Comments, nested and with quoted pairs, between and inside the brackets; an unclosed one ends the list.
        #expect(MessageIDList.parse("(first (nested \\) still)) <a@b> (x) <c(y)@d>") == ["a@b", "c@d"])
        #expect(MessageIDList.parse("<a@b> (never closed <c@d>") == ["a@b"])
        #expect(ContentHeader.parse("text/plain (comment \\( here); charset=\"utf-8\"").parameters[
            "charset"] == "utf-8")
    }
}

@Suite struct EncodedWordTests {
    @Test func adjacentWordsJoin() {
        #expect(EncodedWords.decode("=?utf-8?Q?a?= =?utf-8?Q?b?=") == "ab")
        #expect(EncodedWords.decode("=?utf-8?Q?a?=\r\n =?utf-8?B?Yg==?= c") == "ab c")
        #expect(EncodedWords.decode("x =?utf-8?Q?a?= y") == "x a y")
    }

    @Test func characterSplitAcrossWords() {
        #expect(EncodedWords.decode("=?utf-8?Q?caf=C3?= =?utf-8?Q?=A9?=") == "café")
        #expect(EncodedWords.decode("=?windows-1251?B?0O7x8Q==?= =?windows-1251?B?6P8=?=") == "Россия")
    }

    @Test func malformedStaysText() {
        #expect(EncodedWords.decode("=?bogus?X?broken?=") == "=?bogus?X?broken?=")
        #expect(EncodedWords.decode("=?utf-8?Q?unterminated") == "=?utf-8?Q?unterminated")
        #expect(EncodedWords.decode("plain = text ?") == "plain = text ?")
    }

    @Test func subjectFixture() {
        let m = parseFixture("encoded-words.eml")
        #expect(m.subject == "😂 smile  and =?bogus?X?broken?= café")
        #expect(m.header("Subject")!.hasPrefix("=?utf-8?B?"))  // HeaderField keeps the raw words
    }

    @Test func rfc2231Parameters() {
        let ct = ContentHeader.parse(
            "attachment; filename*0*=utf-8'da'%C3%A6bler%20og; filename*1*=%20p%C3%A6rer; filename*2=\".txt\"")
        #expect(ct.value == "attachment")
        #expect(ct.parameters["filename"] == "æbler og pærer.txt")
        let single = ContentHeader.parse("application/pdf; name*=iso-8859-1''%E6%F8%E5.pdf")
        #expect(single.parameters["name"] == "æøå.pdf")
        let noSemicolon = ContentHeader.parse("multipart/mixed boundary=\"abc\"")
        #expect(noSemicolon.value == "multipart/mixed")
        #expect(noSemicolon.parameters["boundary"] == "abc")
        let comment = ContentHeader.parse("text/plain; charset=us-ascii (Plain text); format=flowed")
        #expect(comment.parameters["charset"] == "us-ascii")
        #expect(comment.parameters["format"] == "flowed")
        let quoted = ContentHeader.parse(#"image/png; name="C:\\TEMP\\a \"b\".png""#)
        #expect(quoted.parameters["name"] == #"C:\TEMP\a "b".png"#)
    }

    @Test func rfc2231Fixture() {
        let m = parseFixture("rfc2231.eml")
        #expect(m.attachments.map { $0.filename ?? "" } == ["æbler og pærer.txt", "øl.txt", "æøå.pdf"])
        #expect(m.attachments[0].data == Array("Fil med æøå\n".utf8))
        #expect(m.bodyText.contains("See attachment."))
    }
}
