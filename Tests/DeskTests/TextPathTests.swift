import Foundation
import Testing
@testable import Desk
import MIME

/// normalize/sentences walk scalars for speed and fall back to Characters for text where the two differ;
/// both paths must give the same answer.
@Suite struct TextPathTests {
    static let alphabet: [String] = ["a", "B", "z", "Æ", "ø", "Å", "ä", "Ö", "ü", "ß", "ẞ", "é", "È", "ë", "í", "ó",
        "ú", "Ǆ", "Σ", "ς", "İ",
                                     "1", "5", "½", "'", "’", "‘", "`", "´", " ", " ", " ", "\t", "\u{00A0}",
                                     "\u{2009}", "\u{3000}",
                                     ".", "!", "?", ";", ":", ",", "-", "\n", "\n", "\r\n", "\r", "\u{0B}", "\u{85}",
                                     "\u{2028}",
                                     "e\u{0301}", "😀", "👍🏽", "\u{200D}", "ij", "你", "ж"]

    @Test func scalarAndCharacterPathsAgree() throws {
        let alphabet = Self.alphabet
        var rng = SplitMix(seed: 7)
        var texts: [String] = []
        for _ in 0..<4000 {
            let n = Int(rng.next() % 60)
            // Mostly plain words, so the scalar path is taken often; the odd character forces the other.
            let plain = rng.next() % 3 != 0
            texts.append((0..<n).map { _ in
                let i = Int(rng.next() % UInt64(alphabet.count))
                return plain && (alphabet[i] == "e\u{0301}" || alphabet[i] == "👍🏽" ||
                    alphabet[i] == "\u{200D}") ? "x" : alphabet[i]
            }.joined())
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for folder in ["Fixtures/priority", "Fixtures/demo"] {
            let dir = root.appendingPathComponent(folder)
            for case let file as String in FileManager.default.enumerator(atPath: dir.path)! where file.hasSuffix(
                ".eml") {
                let m = MessageParser.parse([UInt8](try Data(contentsOf: dir.appendingPathComponent(file))))
                texts.append(m.subject)
                texts.append(m.bodyText)
            }
        }
        var scalarPath = 0
        for t in texts {
            if !t.unicodeScalars.contains(where: ScalarText.mayExtendCharacter) { scalarPath += 1 }
            #expect(PriorityClassifier.normalize(t) == PriorityClassifier.normalizeCharacters(t),
                "\(t.debugDescription)")
            #expect(PriorityClassifier.sentences(t) == PriorityClassifier.sentencesByCharacter(t),
                "\(t.debugDescription)")
            // The marker's first lines: as splitting the whole text would give them.
            let split = t.split(whereSeparator: \.isNewline).map { String($0).trimmingBlanks() }.filter { !$0.isEmpty }
            #expect(PriorityClassifier.firstLines(of: t, 5) == Array(split.prefix(5)), "\(t.debugDescription)")
        }
        #expect(scalarPath > 2000)
    }
}
