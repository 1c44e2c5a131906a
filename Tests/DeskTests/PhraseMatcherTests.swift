import Foundation
import Synchronization
import Testing
@testable import Desk
import MIME

/// PhraseMatcher replaced ICU for the phrase sets; ICU stays here as the oracle it must agree with.
@Suite struct PhraseMatcherTests {
    static let icu = Mutex<[String: NSRegularExpression]>([:])

    /// (byte offset, text) of every match, from PhraseMatcher and from ICU on the same pattern.
    static func both(_ set: PhraseSet, _ s: String) -> (ours: [String], icu: [String]) {
        let ours = set.matches(in: Array(s.utf8)).map { "\($0.range.lowerBound):\($0.text)" }
        let regex = icu.withLock { cache in
            if let r = cache[set.icuPattern] { return r }
            let r = try! NSRegularExpression(pattern: set.icuPattern)
            cache[set.icuPattern] = r
            return r
        }
        let ns = s as NSString
        let icu = regex.matches(in: s, range: NSRange(location: 0, length: ns.length)).map {
            "\(ns.substring(to: $0.range.location).utf8.count):\(ns.substring(with: $0.range))"
        }
        return (ours, icu)
    }

    @Test func syntaxSubset() {
        func m(_ pattern: String, _ text: String) -> [String] {
            PhraseSet([pattern]).matches(in: Array(text.utf8)).map(\.text)
        }
        #expect(m("all users", "not all users here") == ["all users"])
        #expect(m("user", "users") == [])                                  // whole words only
        #expect(m("users?", "one user two users") == ["user", "users"])
        #expect(m("nobody(?! else) can", "nobody can and nobody else can") == ["nobody can"])
        #expect(m("ingen(?: \\w+){0,4} kan", "ingen af os på kontoret kan") == ["ingen af os på kontoret kan"])
        #expect(m("ingen(?: \\w+){0,2} kan", "ingen af os på kontoret kan") == [])
        #expect(m("\\w*afdeling", "salgsafdeling og afdeling") == ["salgsafdeling", "afdeling"])
        #expect(m("organi[sz]ation", "organization organisation organiation") == ["organization", "organisation"])
        #expect(m("står stille", "alt staar stille") == ["staar stille"])    // æøå… also match their ASCII spelling
        // the whole-word check backtracks into the alternatives…
        #expect(m("a|ab", "ab") == ["ab"])
        #expect(m("(?:a|ab) c", "ab c") == ["ab c"])                       // …as it does inside a group
        #expect(m("pc'?er", "pc'er pcer") == ["pc'er", "pcer"])
        #expect(m("x", "x'y") == ["x"])                                    // an apostrophe ends a word…
        #expect(m("y", "x'y") == [])                                       // …and is no word start
    }

    /// Every sentence of every fixture, every set: the same matches at the same places as ICU.
    @Test func agreesWithICUOnTheFixtures() throws {
        let lex = PriorityLexicon.shared
        var compared = 0, matched = 0
        for (file, s) in try fixtureSentences() {
            for set in lex.all {
                let (ours, icu) = Self.both(set, s)
                compared += 1
                matched += icu.count
                #expect(ours == icu, "\(file): \(s)")
            }
        }
        #expect(compared > 3000)
        #expect(matched > 200)
    }

    /// Word salad drawn from the lexicon's own words: dense in near-misses, negations and lookaheads.
    @Test func agreesWithICUOnLexiconWordSalad() {
        let lex = PriorityLexicon.shared
        var vocabulary = Set<String>()
        for set in lex.all {
            let letters = set.icuPattern.unicodeScalars.map { CharacterSet.letters.contains($0) ||
                $0 == "'" ? Character($0) : " " }
            for w in String(letters).split(separator: " ") where w.count > 1 && w != "p" && w != "L" &&
                w != "N" { vocabulary.insert(String(w)) }
        }
        vocabulary.formUnion(["ae", "oe", "aa", "staar", "faar", "kollegaer", "vaerelse", "x", "a", "1", "2"])
        let words = vocabulary.sorted()
        #expect(words.count > 500)
        var rng = SplitMix(seed: 42)
        var disagreements = 0, matched = 0
        for _ in 0..<3000 {
            let n = 2 + Int(rng.next() % 12)
            let s = (0..<n).map { _ in words[Int(rng.next() % UInt64(words.count))] }.joined(separator: " ")
            for set in lex.all {
                let (ours, icu) = Self.both(set, s)
                matched += icu.count
                if ours != icu {
                    disagreements += 1
                    if disagreements <= 5 { Issue.record("\(s): ours \(ours) icu \(icu)") }
                }
            }
        }
        #expect(disagreements == 0)
        #expect(matched > 2000)
    }
}

/// A tiny deterministic generator so the salad is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
