import Foundation
import Testing
@testable import Desk
import MIME

/// Every normalized sentence (and subject) of the priority and demo fixtures, with its file name.
func fixtureSentences() throws -> [(file: String, sentence: String)] {
    let root = URL(
        fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var out: [(String, String)] = []
    for folder in ["Fixtures/priority", "Fixtures/demo"] {
        let dir = root.appendingPathComponent(folder)
        guard let files = FileManager.default.enumerator(atPath: dir.path) else { continue }
        for case let file as String in files where file.hasSuffix(".eml") {
            let m = MessageParser.parse([UInt8](try Data(contentsOf: dir.appendingPathComponent(file))))
            for sentence in [m.subject] + PriorityClassifier.sentences(
                m.bodyText) { out.append((file, PriorityClassifier.normalize(sentence))) }
        }
    }
    return out
}

@Suite struct PhrasePrefilterTests {
    @Test func necessaryFactorsOfPatterns() {
        #expect(NecessaryFactors.of("abc") == ["abc"])
        #expect(Set(NecessaryFactors.of("foo|bar") ?? []) == ["foo", "bar"])
        #expect(NecessaryFactors.of("(?:the )?whole company") == ["whole company"])
        #expect(NecessaryFactors.of("x?|yy") == nil)                       // one branch guarantees nothing
        #expect(NecessaryFactors.of("all (?:of )?(?:\\w+ )?users") == ["users"])   // the longer mandatory literal
        #expect(NecessaryFactors.of("nobody(?! else) can") == ["nobody"])
        #expect(NecessaryFactors.of("users?") == ["user"])
        #expect(Set(NecessaryFactors.of("st(?:å|aa)r") ?? []) == ["st"])
    }

    @Test func everySetHasSelectiveFactors() {
        let lex = PriorityLexicon.shared
        for set in lex.all {
            let f = set.factors
            #expect(f != nil)
            #expect((f ?? []).allSatisfy { $0.utf8.count >= 2 })
        }
    }

    /// Soundness on real text: whenever the prefilter rules a set out, its regex indeed finds nothing.
    @Test func prefilterNeverHidesAMatchInTheFixtures() throws {
        let lex = PriorityLexicon.shared
        var sentences = 0, skipped = 0
        for (file, s) in try fixtureSentences() {
            let mask = lex.prefilter.candidates(Array(s.utf8))
            sentences += 1
            for set in lex.all where mask & lex.bit(set) == 0 {
                skipped += 1
                #expect(set.matches(in: Array(s.utf8)).isEmpty, "prefilter hid a match in \(file): \(s)")
            }
        }
        #expect(sentences > 300)
        #expect(skipped > sentences * 5)   // and it is selective
    }
}

@Suite struct DemoFixturePriorityTests {
    /// The README's demo mails carry their intended priority in the file name.
    @Test(arguments: [("01-da-p1-nordlys.eml", Priority.p1), ("02-en-p2-acme.eml", .p2),
        ("03-de-p3-bergmann-html.eml", .p3),
                      ("04-nl-p4-vandijk-attachment.eml", .p4), ("05-da-p5-nordlys-latin1.eml", .p5)])
    func demoMailsGetTheirPriority(_ file: String, _ expected: Priority) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let m = MessageParser.parse([UInt8](try Data(contentsOf: root.appendingPathComponent("Fixtures/demo/\(file)"))))
        let d = PriorityClassifier().classify(m)
        #expect(d.priority == expected, "\(file): \(d.reason)")
        #expect(d.reason != "default" || expected == .p3)
    }
}
