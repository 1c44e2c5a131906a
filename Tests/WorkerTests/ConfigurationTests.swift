import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline

@Suite struct ConfigurationTests {
    func load(_ json: String) -> Result<Configuration, Error> {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString).json").path
        FileManager.default.createFile(atPath: path, contents: Data(json.utf8))
        return Result { try Configuration.load(path: path) }
    }

    @Test func shippedConfigIsValid() throws {
        let c = try Configuration.load(path: Sandbox.repo.appendingPathComponent("Config/postdesk.json").path)
        #expect(c.policy.plans.keys.sorted() == ["extended", "standard"])
        #expect(c.policy.plans["extended"]?.targets[.p1] == 120)
        #expect(c.policy.plans["extended"]?.targets[.p5] == nil)
        #expect(c.policy.customers.first { $0.id == "bergmann" }?.csm?.email == "csm@example.test")
    }

    @Test func errorsNameFileFieldAndFix() throws {
        let result = load("""
            { "support": { "address": "not an address" },
              "mailbox": { "kind": "pop3" }, "outbox": { "kind": "files", "path": "x" },
              "plans": { "standard": { "days": ["mon", "funday"], "opens": "9", "closes": "17:00", "targets": { "P1":\
             "soon", "P9": "2h" } } },
              "customers": [ { "id": "a", "plan": "gold", "administrators": [] } ],
              "unknownSenders": "maybe" }
            """)
        guard case .failure(let error as ConfigErrors) = result else { Issue.record("expected config errors"); return }
        let text = error.description
        for field in ["support.address", "mailbox.kind", "plans.standard.days", "plans.standard.opens",
            "plans.standard.targets.P1",
                      "plans.standard.targets.P9", "customers[0].plan", "customers[0].administrators",
                      "unknownSenders"] {
            #expect(text.contains(": \(field): "), "no issue for \(field) in:\n\(text)")
        }
        #expect(error.issues.allSatisfy { $0.file.hasSuffix(".json") && !$0.fix.isEmpty })
    }

    @Test func missingFileAndBadJSON() {
        guard case .failure(let e as ConfigErrors) = Result(
            catching: { try Configuration.load(path: "/nonexistent/postdesk.json") }) else { Issue.record(
                "expected error"); return }
        #expect(e.description.contains("/nonexistent/postdesk.json: (file): cannot be read"))
        guard case .failure(let j as ConfigErrors) = load("{ nope") else { Issue.record("expected error"); return }
        #expect(j.description.contains("is not valid JSON"))
    }

    @Test func commandLineExitCodes() {
        #expect(PostdeskCommand.main(["--help"]) == 0)
        #expect(PostdeskCommand.main(["run", "--help"]) == 0)
        #expect(PostdeskCommand.main(["frobnicate"]) == 2)
        #expect(PostdeskCommand.main(["check-config", "--config", "/nonexistent.json"]) == 2)
        #expect(PostdeskCommand.main(["due", "--config", Sandbox.repo.appendingPathComponent(
            "Config/postdesk.json").path,
                                      "--plan", "extended", "--priority", "P9", "--at", "2026-01-01T00:00:00Z"]) == 2)
        for command in PostdeskCommand.commands.map(\.name) {
            #expect(PostdeskCommand.main([command, "--help"]) == 0)
            #expect(PostdeskCommand.usage.contains("  " + command + " "), "usage lists \(command)")
        }
    }
}

@Suite struct ConfigurationNumberTests {
    @Test func smallIntegersAreNumbersAndNotBooleans() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString).json").path
        var json = try JSONSerialization.jsonObject(with: Data(
            contentsOf: Sandbox.repo.appendingPathComponent("Config/postdesk.json"))) as! [String: Any]
        json["pollSeconds"] = 1
        json["reopenDays"] = 0
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        let c = try Configuration.load(path: path)
        #expect(c.pollSeconds == 1)
        #expect(c.policy.reopenDays == 0)
        json["restartClockOnFollowUp"] = 1
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: path))
        #expect(throws: ConfigErrors.self) { try Configuration.load(path: path) }
    }
}
