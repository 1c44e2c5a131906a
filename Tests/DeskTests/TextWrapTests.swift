import Testing
@testable import Desk

@Suite struct TextWrapTests {
    @Test func breaksAtSpacesWithinTheWidth() {
        let text = String(repeating: "word ", count: 40).trimmingCharacters(in: .whitespaces)
        let lines = TextWrap.wrap(text).split(separator: "\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 72 && !$0.hasSuffix(" ") && !$0.hasPrefix(" ") })
        #expect(lines.joined(separator: " ") == text)
    }

    @Test func neverSplitsAURLOrAReference() {
        let url = "https://kb.example.test/articles/" + String(repeating: "x", count: 80)
        let text = "Read " + url + " and quote [PD-2026-000123] in the subject, "
            + String(repeating: "please ", count: 8)
        let lines = TextWrap.wrap(text).split(separator: "\n").map(String.init)
        #expect(lines.contains(url))
        #expect(lines.contains { $0.contains("[PD-2026-000123]") })
        #expect(lines.joined(separator: " ") == text.trimmingCharacters(in: .whitespaces))
    }

    @Test func shortLinesBlankLinesAndQuotesStayAsTheyAre() {
        let quote = "> " + String(repeating: "quoted ", count: 20)
        let text = "Hello,\n\n  indented short line\n" + quote + "\n"
        #expect(TextWrap.wrap(text) == text)
    }

    @Test func countsCharactersNotBytes() {
        let line = String(repeating: "æ", count: 36) + " " + String(repeating: "ø", count: 35)   // 72 characters
        #expect(TextWrap.wrap(line) == line)
        #expect(TextWrap.wrap(line + " å").split(separator: "\n").count == 2)
    }

    @Test func continuationsLineUpUnderLabelsAndListItems() {
        let label = "Claimed:   " + String(repeating: "reason ", count: 12)
        let wrapped = TextWrap.wrap(label).split(separator: "\n")
        #expect(wrapped.count == 2)
        #expect(wrapped[1].hasPrefix(String(repeating: " ", count: 11)))
        #expect(!wrapped[1].hasPrefix(String(repeating: " ", count: 12)))
        let item = "  2. " + String(repeating: "item ", count: 16)
        #expect(TextWrap.wrap(item).split(separator: "\n")[1].hasPrefix("     i"))
        // A sentence with a colon is not a label: its continuation starts at the margin.
        let sentence = "Please note: " + String(repeating: "text ", count: 14)
        #expect(TextWrap.wrap(sentence).split(separator: "\n")[1].hasPrefix("text"))
    }

    @Test func aNoBreakSpaceHoldsWordsTogether() {
        let text = String(repeating: "x", count: 66) + " kl.\u{A0}13:00."
        #expect(TextWrap.wrap(text).split(separator: "\n").last == "kl.\u{A0}13:00.")
    }
}
