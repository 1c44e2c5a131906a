import Foundation
import Testing
@testable import MIME

/// Every mail in Fixtures/replies (written by Scripts/gen-reply-fixtures.py) against the new text its sender wrote.
@Suite struct ReplyFixtureTests {
    static let dir = packageRoot.appendingPathComponent("Fixtures/replies")
    static let names: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
        .filter { $0.hasSuffix(".eml") }.map { String($0.dropLast(4)) }.sorted()

    @Test func thereAreEnough() {
        #expect(Self.names.count >= 120)
        for lang in ["da", "en", "de", "nl"] { #expect(Self.names.filter { $0.hasPrefix(lang + "-") }.count >= 30) }
    }

    @Test(arguments: names) func keepsWhatTheSenderWrote(_ name: String) throws {
        let raw = [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent(name + ".eml")))
        let expected = try String(contentsOf: Self.dir.appendingPathComponent(name + ".expected.txt"), encoding: .utf8)
        let message = MessageParser.parse(raw)
        let result = ReplyExtractor.extract(message)
        #expect(result.text == expected)
        #expect(!result.text.isEmpty && !result.fellBack)
        // `postdesk parse` shows the same.
        let report = Data(ParseReport.json(for: message).utf8)
        let json = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
        #expect(json["new_text"] as? String == expected)
    }
}
