import Foundation
import Testing
@testable import Desk

/// Issue 15: a stranger's mail must not stall intake. Every text step of the classifier is held to a bound on its
/// work, counted in steps (bytes read by its passes, instructions of the phrase matcher), never in seconds: 1 MB of
/// lexicon words costs a bounded amount, and twice the input costs at most twice the matcher's work.
@Suite struct LinearTextTests {
    static let mega = 1 << 20

    /// `unit` repeated to `bytes` bytes or a little more.
    static func repeated(_ unit: String, _ bytes: Int = mega) -> String {
        String(repeating: unit, count: bytes / unit.utf8.count + 1)
    }

    /// Words of the lexicon's patterns, as `PhraseMatcherTests` draws its salad from them.
    static let vocabulary: [String] = {
        var words = Set<String>()
        for set in PriorityLexicon.shared.all {
            let letters = set.icuPattern.unicodeScalars.map {
                CharacterSet.letters.contains($0) || $0 == "'" ? Character($0) : " "
            }
            for w in String(letters).split(separator: " ") where w.count > 1 && w != "p" && w != "L" && w != "N" {
                words.insert(String(w))
            }
        }
        return words.sorted()
    }()

    static func salad(_ bytes: Int = mega, seed: UInt64 = 15) -> String {
        var rng = SplitMix(seed: seed)
        var out = ""
        out.reserveCapacity(bytes + 32)
        while out.utf8.count < bytes {
            out += vocabulary[Int(rng.next() % UInt64(vocabulary.count))]
            out += " "
        }
        return out
    }

    /// Inputs aimed at the matcher's worst cases: the issue's payload, negations before every phrase, starts of
    /// `ingen(?: \w+){0,4} kan` at every word, `\w*afdeling` and `(?:\w+ ){1,5}` over long words, lexicon salad.
    static func adversarial(_ bytes: Int) -> [(name: String, text: String)] {
        [
            ("not all users", repeated("not all users ", bytes)),
            ("ikke alle brugere", repeated("ikke helt alle brugere er ramt ", bytes)),
            ("nicht alle", repeated("nicht alle benutzer kann nicht ", bytes)),
            ("ingen", repeated("ingen ", bytes)),
            ("kan ikke", repeated("kan kan kan ikke ", bytes)),
            ("niemand", repeated("niemand kan niet ", bytes)),
            ("one long word", String(repeating: "a", count: bytes) + "afdeling"),
            ("long words", repeated(String(repeating: "x", count: 997) + "afdeling ", bytes)),
            ("words of every length", String(decoding: (1...1500).map { String(repeating: "e", count: $0) }
                .joined(separator: " ").utf8.prefix(bytes), as: UTF8.self)),
            ("only me", repeated("only me only my laptop ", bytes)),
            ("salad", salad(bytes)),
        ]
    }

    static func steps(_ set: PhraseSet, _ text: String) -> Int {
        var steps = 0
        _ = set.matches(in: Array(text.utf8), steps: &steps)
        return steps
    }

    @Test func phraseMatcherIsLinearOnAdversarialText() {
        let lexicon = PriorityLexicon.shared
        let small = Self.adversarial(Self.mega / 4), large = Self.adversarial(Self.mega)
        var worst = 0.0
        for (a, b) in zip(small, large) {
            for (k, set) in lexicon.all.enumerated() {
                let s = Self.steps(set, a.text), l = Self.steps(set, b.text)
                let perByte = Double(l) / Double(b.text.utf8.count)
                worst = max(worst, perByte)
                // A bound far below the matcher's own cap: the cap never cuts a lexicon match short.
                #expect(perByte <= 200, "\(b.name), set \(k): \(perByte) steps per byte")
                // Four times the text, four times the work (a quadratic matcher would show 16×).
                #expect(Double(l) <= 4.2 * Double(s) + 10_000, "\(b.name), set \(k): \(s) → \(l) steps")
            }
        }
        print("phrase matcher: at most \(worst) steps per byte of adversarial text")
    }

    /// The cap itself: even a pattern outside the lexicon's style stops at `stepsPerByte` per byte.
    @Test func matcherWorkIsCappedForAnyPattern() {
        let nested = PhraseSet(["(?:(?:\\w|\\w\\w)(?:\\w|\\w\\w)(?:\\w|\\w\\w)(?:\\w|\\w\\w))* x"])
        let text = String(repeating: "a", count: 400) + " y"
        let steps = Self.steps(nested, text)
        #expect(steps <= (PhraseMatcher.stepsPerByte + 1) * (text.utf8.count + 1) + 1_000)
    }

    /// 1 MB in the subject, in the body, in both: the classifier's work is the same as for 2 MB (it reads a bounded
    /// head of each) and small.
    @Test func classifierWorkIsBoundedWhateverTheSize() {
        let classifier = PriorityClassifier()
        let payloads = Self.adversarial(Self.mega) + [("critical", Self.repeated("not critical, ")),
                                                      ("markers", Self.repeated("prioritet      ")),
                                                      ("sentences", Self.repeated("all users down. "))]
        for (name, text) in payloads {
            let double = text + text
            for place in ["subject", "body", "both"] {
                func work(_ t: String) -> TextWork {
                    var w = TextWork()
                    let subject = place == "body" ? "Hjælp" : t, body = place == "subject" ? "Hej" : t
                    _ = classifier.classify(subject: subject, newText: body, headers: [:], work: &w)
                    return w
                }
                let one = work(text), two = work(double)
                #expect(one.total == two.total, "\(name) in \(place): \(one.total) vs \(two.total)")
                #expect(one.total <= 400_000, "\(name) in \(place): \(one.bytes) bytes + \(one.matcherSteps) steps")
            }
        }
    }

    /// The issue's payload: `Subject: ` + `not all users ` × 8,000 took 30–50 s.
    @Test func theIssuesSubjectIsCheap() {
        var w = TextWork()
        let subject = String(repeating: "not all users ", count: 8_000)
        let d = PriorityClassifier().classify(subject: subject, newText: "Hej", headers: [:], work: &w)
        #expect(w.total < 100_000)
        #expect(d.priority == .p3)
    }

    @Test func languageDetectionIsBounded() {
        for (name, text) in Self.adversarial(Self.mega) + [("danish", Self.repeated("og jeg ikke det "))] {
            var one = 0, two = 0
            _ = LanguageDetector.detect(text, work: &one)
            _ = LanguageDetector.detect(text + text, work: &two)
            #expect(one == two, "\(name)")
            #expect(one <= 2 * LanguageDetector.maxScalars, "\(name): \(one)")
        }
    }
}
