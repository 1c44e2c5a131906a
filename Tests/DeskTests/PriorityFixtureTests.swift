import Foundation
import MIME
import Testing
@testable import Desk

enum PriorityFixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/priority")

    /// (expected priority, file name, bytes) for every `Fixtures/priority/P?/*.eml`.
    static func all() -> [(Priority, String, [UInt8])] {
        var out: [(Priority, String, [UInt8])] = []
        for p in Priority.allCases {
            let dir = root.appendingPathComponent(p.rawValue)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where name.hasSuffix(".eml") {
                let data = FileManager.default.contents(atPath: dir.appendingPathComponent(name).path) ?? Data()
                out.append((p, name, [UInt8](data)))
            }
        }
        return out
    }
}

@Suite struct PriorityFixtureTests {
    @Test func everyFixtureGetsItsFolderPriority() {
        let fixtures = PriorityFixtures.all()
        #expect(fixtures.count >= 40)
        let classifier = PriorityClassifier()
        var failures = 0
        for (expected, name, bytes) in fixtures {
            let decision = classifier.classify(MessageParser.parse(bytes))
            print("\(expected.rawValue)/\(name): \(decision.priority.rawValue) — \(decision.reason)")
            if decision.priority != expected { failures += 1 }
            #expect(decision.priority == expected,
                "\(expected.rawValue)/\(name): got \(decision.priority.rawValue) (\(decision.reason))")
        }
        print("fixtures: \(fixtures.count), misclassified: \(failures)")
    }

    @Test func atLeastEightPerPriorityAndAllFourLanguages() {
        let fixtures = PriorityFixtures.all()
        for p in Priority.allCases {
            let names = fixtures.filter { $0.0 == p }.map(\.1)
            #expect(names.count >= 8, "\(p.rawValue): \(names.count)")
            for lang in ["da-", "en-", "de-", "nl-"] { #expect(
                names.contains { $0.hasPrefix(lang) }, "\(p.rawValue) lacks \(lang)") }
        }
    }

    @Test func fixturesAreWellFormedMail() {
        for (p, name, bytes) in PriorityFixtures.all() {
            let m = MessageParser.parse(bytes)
            #expect(m.from != nil && !m.subject.isEmpty && m.messageID != nil && m.header("Date") != nil,
                "\(p.rawValue)/\(name)")
            #expect(m.to.first?.email == "support@example.test", "\(p.rawValue)/\(name)")
        }
    }
}
