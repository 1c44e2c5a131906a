import Foundation
import Testing
@testable import MIME

@Suite struct ReplyExtractorTests {
    static let cases: [(String, String)] = [
        // English Outlook separator
        ("Thanks, fixed.\n\n-----Original Message-----\nFrom: A\nSent: Monday\n\nold text", "Thanks, fixed."),
        // Danish / German / Dutch separators
        ("Tak!\n\n-----Oprindelig meddelelse-----\nFra: A\nSendt: 1. januar\n\ngammel", "Tak!"),
        ("Danke!\n\n-----Ursprüngliche Nachricht-----\nVon: A\nGesendet: Montag\n\nalt", "Danke!"),
        ("Bedankt!\n\n-----Oorspronkelijk bericht-----\nVan: A\nVerzonden: maandag\n\noud", "Bedankt!"),
        // Outlook header blocks without separator line, with the underscore rule
        ("New text\n\n________________________________\nFrom: Support <s@x.com>\nSent: Monday, 1 January 2024 " +
            "10:00\nTo: me\nSubject: Re: x\n\nold", "New text"),
        ("Ny tekst\n\nFra: Support <s@x.dk>\nSendt: 1. januar 2024 10:00\nTil: mig\nEmne: SV: x\n\ngammel", "Ny tekst"),
        ("Neuer Text\n\nVon: Support <s@x.de>\nGesendet: Montag, 1. Januar 2024 10:00\nAn: mich\nBetreff: AW: " +
            "x\n\nalt", "Neuer Text"),
        ("Nieuwe tekst\n\nVan: Support <s@x.nl>\nVerzonden: maandag 1 januari 2024 10:00\nAan: mij\nOnderwerp: RE: " +
            "x\n\noud", "Nieuwe tekst"),
        ("*From:* Support\n*Sent:* Monday", "*From:* Support\n*Sent:* Monday"),   // nothing new: the whole body
        // Attribution lines
        ("Sounds good.\n\nOn Mon, Jan 1, 2024 at 10:00 AM Support <s@x.com> wrote:\n> old\n> text", "Sounds good."),
        ("Wrapped.\n\nOn Mon, Jan 1, 2024 at 10:00 AM Some Very Long Name <\nsupport@example.com> wrote:\n\n> old",
        "Wrapped."),
        ("Fint.\n\nDen 1. jan. 2024 kl. 10.00 skrev Support <s@x.dk>:\n> gammel", "Fint."),
        ("Gut.\n\nAm 01.01.2024 um 10:00 schrieb Support <s@x.de>:\n> alt", "Gut."),
        ("Goed.\n\nOp 1 jan. 2024 om 10:00 schreef Support <s@x.nl>:\n> oud", "Goed."),
        // Quotes interleaved, signature, device signature
        ("> question?\nanswer\n> second?\nsecond answer", "answer\nsecond answer"),
        ("Body text\n-- \nJane Doe\nACME", "Body text"),
        ("Body text\n\nSent from my iPhone", "Body text"),
        ("Hej\n\nSendt fra min iPhone\n\nDen 1. jan. 2024 skrev A <a@b>:\n> x", "Hej"),
        ("Just text,\nno history.", "Just text,\nno history."),
        ("Line with On in it: we wrote: nothing\nmore", "Line with On in it: we wrote: nothing\nmore"),
        ("", ""),
    ]

    @Test(arguments: 0..<cases.count) func extracts(_ i: Int) {
        let (body, expected) = Self.cases[i]
        #expect(ReplyExtractor.newText(body) == expected)
        #expect(ReplyExtractor.newText(body.replacingOccurrences(
            of: "\n", with: "\r\n")) == expected.replacingOccurrences(of: "\n", with: "\n"))
    }
}

@Suite struct HTMLTextTests {
    @Test func blocksEntitiesLinks() {
        let html = "<html><head><title>x</title><style>.a{}</style></head><body><h1>Title</h1><p>One&nbsp;&amp;&lt;tw" +
            "o&gt; &#8364; &#x263A; &eacute; &bogus;</p><div>Three<br>Four</div><script>var x = '<p>';</script><a " +
                "href=\"https://e.com/?a=1&amp;b=2\">link</a> <a " +
                    "href=\"mailto:s@e.com\">s@e.com</a><table><tr><td>a</td><td>b</td></tr></table><!-- hidden " +
                        "--></body></html>"
        let text = HTMLText.render(html)
        #expect(text.hasPrefix("Title\n\nOne &<two> € ☺ é &bogus;\n\nThree\nFour"))
        #expect(text.contains("link <https://e.com/?a=1&b=2>"))
        #expect(text.contains("s@e.com") && !text.contains("<s@e.com>"))
        #expect(text.contains("a b"))
        #expect(!text.contains("hidden") && !text.contains("var x") && !text.contains(".a{}") && !text.contains("x\n"))
    }

    @Test func preAndBrokenMarkup() {
        #expect(HTMLText.render("<pre>a\n  b</pre>after") == "a\n  b\n\nafter")
        #expect(HTMLText.render("a < b and c > d") == "a < b and c > d")
        #expect(HTMLText.render("<p>unclosed <b") == "unclosed")
        #expect(HTMLText.render("<script>never closed") == "")
        #expect(HTMLText.render("") == "")
    }
}

@Suite struct RegressionTests {
    /// Every input the fuzzer ever crashed or hung on must parse now.
    @Test func crashersParse() throws {
        let dir = packageRoot.appendingPathComponent("Fixtures/mime/crashers")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        for name in names.sorted() where !name.hasPrefix(".") {
            let bytes = [UInt8]((try? Data(contentsOf: dir.appendingPathComponent(name))) ?? Data())
            let m = MessageParser.parse(bytes)
            _ = ParseReport.json(for: m)
            _ = ReplyExtractor.newText(m.bodyText)
        }
    }

    @Test func everyFixtureParses() throws {
        let dir = packageRoot.appendingPathComponent("Fixtures/mime")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        #expect(names.filter { $0.hasSuffix(".eml") }.count >= 10)
        for name in names where name.hasSuffix(".eml") {
            let m = MessageParser.parse(fixture(name))
            #expect(!ParseReport.json(for: m).isEmpty)
        }
    }

    /// CI keeps the shared corpus at ../shared next to the package; skipped when it is not there.
    @Test func sharedCorpusParsesWhenPresent() throws {
        let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus")
        guard FileManager.default.fileExists(atPath: corpus.path) else { return }
        let files = (FileManager.default.enumerator(atPath: corpus.path)?.allObjects as? [String]) ?? []
        var count = 0
        for rel in files where !rel.hasSuffix(".json") && !rel.hasSuffix(".md") &&
            !(rel as NSString).lastPathComponent.hasPrefix(".") {
            let url = corpus.appendingPathComponent(rel)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir),
                !isDir.boolValue else { continue }
            let m = MessageParser.parse([UInt8](try Data(contentsOf: url)))
            #expect(!(m.bodyText.isEmpty && m.attachments.isEmpty && m.headers.isEmpty), "\(rel)")
            count += 1
        }
        #expect(count > 100)
    }
}

@Suite struct LinearTimeTests {
    /// Inputs that a quadratic scan would turn into minutes; each must parse in well under a second (debug build).
    @Test func pathologicalInputsStayLinear() {
        let big = 200_000
        let inputs: [String] = [
            "Subject: " + String(repeating: "=?utf-8?q?", count: big / 10) + "\n\nx",
            "Content-Type: text/plain; name=a" + String(repeating: " ", count: big) + "b\n\nx",
            "To: a@b" + String(repeating: ":c", count: big / 2) + "\n\nx",
            "Content-Type: text/html\n\n" + String(repeating: "<head>", count: big / 6),
            "Content-Type: text/html\n\n" + String(repeating: "<!-", count: big / 3),
            "Content-Type: multipart/mixed; boundary=b\n\n" + String(repeating: "--b\n", count: big / 4),
            "Content-Type: text/plain\n\n" + String(repeating: "On x\n", count: big / 5),
            "Message-ID: " + String(repeating: "<(", count: big / 2) + "\n\n",
            String(repeating: "X: y\n", count: big / 5) + "\n",
        ]
        for input in inputs {
            let start = Date()
            let m = MessageParser.parse(Array(input.utf8))
            _ = ReplyExtractor.newText(m.bodyText)
            #expect(Date().timeIntervalSince(start) < 5, "\(input.prefix(40))")
        }
    }
}

@Suite struct ParseReportTests {
    @Test func reportHasCheckerKeysAndExtras() throws {
        let m = parseFixture("rfc2231.eml")
        let json = ParseReport.json(for: m)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        for key in ["from", "from_name", "subject", "message_id", "in_reply_to", "references", "content_type",
            "body_text",
                    "new_text", "new_text_is_whole_body",
                    "attachments", "to", "cc", "date", "defects"] {
            #expect(object[key] != nil, "\(key)")
        }
        let attachments = try #require(object["attachments"] as? [[String: Any]])
        #expect(attachments.first?["filename"] as? String == "æbler og pærer.txt")
        #expect(attachments.first?["size"] as? Int == 15)
        #expect((attachments.first?["sha256"] as? String)?.count == 64)
    }
}
