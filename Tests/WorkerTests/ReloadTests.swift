import Foundation
import Testing
@testable import Configuration
@testable import Pipeline

/// SIGHUP re-reads the policy between passes; a file with any issue leaves the running configuration alone.
@Suite(.serialized) struct ReloadTests {
    let monday = copenhagen(2026, 11, 16, 10)

    func mail(from sender: String, id: String) -> [UInt8] {
        Array(("From: \(sender)\r\nTo: support@example.test\r\nSubject: Printer offline\r\nMessage-ID: <\(id)>\r\n"
               + "Date: Mon, 16 Nov 2026 10:00:00 +0100\r\n\r\nThe printer on floor 2 is offline.\r\n").utf8)
    }

    /// Rewrites the sandbox's config file with `edit` applied to what it holds now.
    func rewrite(_ box: Sandbox, _ edit: (inout [String: Any]) -> Void) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: box.configPath))
        var json = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        edit(&json)
        try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: box.configPath))
    }

    func addCustomer(_ json: inout [String: Any]) {
        var list = json["customers"] as! [[String: Any]]
        list.append(["id": "fjord", "name": "Fjord Revision A/S", "plan": "standard", "domains": ["fjord.test"],
                     "administrators": ["it@fjord.test"]])
        json["customers"] = list
    }

    @Test func reloadTakesNewCustomersForTheNextMail() throws {
        let box = try Sandbox(now: monday)
        let pipeline = try box.pipeline()
        try box.deliver(mail(from: "IT <it@fjord.test>", id: "before@fjord.test"))
        #expect(try pipeline.runOnce().opened == 0)   // not a customer yet: a polite reply, no ticket
        try rewrite(box, addCustomer)
        #expect(pipeline.reloadConfiguration())
        #expect(pipeline.config.policy.customers.count == 5 && pipeline.decider.policy.customers.count == 5)
        try box.deliver(mail(from: "IT <it@fjord.test>", id: "after@fjord.test"))
        #expect(try pipeline.runOnce().opened == 1)
        #expect(box.logLines.lines.contains { $0.contains("event=config.reloaded") && $0.contains("customers=5") })
    }

    @Test func invalidFileKeepsTheRunningConfigurationAndSaysWhy() throws {
        let box = try Sandbox(now: monday)
        let pipeline = try box.pipeline()
        try rewrite(box) { json in
            addCustomer(&json)
            json["staff"] = ["requireAuthentication": "mx.example.test"]   // a typo: refused, not half-applied
        }
        #expect(!pipeline.reloadConfiguration())
        #expect(pipeline.config.policy.customers.count == 4 && pipeline.decider.policy.customers.count == 4)
        let lines = box.logLines.lines
        #expect(lines.contains { $0.contains("event=config.reload_refused") && $0.contains("issues=1") })
        #expect(lines.contains { $0.contains("event=config.issue") && $0.contains("field=staff.requireAuthentication")
                                 && $0.contains("requireAuthenticationFrom") })
        // A file that is not JSON at all is refused the same way.
        try Data("{ nope".utf8).write(to: URL(fileURLWithPath: box.configPath))
        #expect(!pipeline.reloadConfiguration())
        #expect(pipeline.config.policy.customers.count == 4)
    }

    @Test func transportAndDatabaseChangesWaitForARestart() throws {
        let box = try Sandbox(now: monday)
        let pipeline = try box.pipeline()
        let outbox = pipeline.config.outbox, database = pipeline.config.database
        try rewrite(box) { json in
            addCustomer(&json)
            json["outbox"] = ["kind": "files", "path": box.dir.appendingPathComponent("other-outbox").path]
            json["database"] = box.dir.appendingPathComponent("other.sqlite").path
            json["pollSeconds"] = 7
        }
        #expect(pipeline.reloadConfiguration())
        #expect(pipeline.config.outbox == outbox && pipeline.config.database == database)
        #expect(pipeline.config.pollSeconds == 7 && pipeline.config.policy.customers.count == 5)
        #expect(box.logLines.lines.contains {
            $0.contains("event=config.restart_needed") && $0.contains("changed=database,outbox")
        })
    }

    /// The real signal: SIGHUP to this process wakes the service loop's wait and the loop reloads.
    @Test func sighupReloadsTheServiceLoop() throws {
        let box = try Sandbox(now: monday) { $0["pollSeconds"] = 60 }
        let pipeline = try box.pipeline()
        let stop = StopSignal()
        let reload = ReloadSignal()
        let hangUp = reload.install()
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let running = pipeline
        Thread.detachNewThread {
            running.run(until: stop, reload: reload)
            finished.signal()
        }
        Thread.sleep(forTimeInterval: 0.5)   // the first pass is done and the loop waits for mail
        try rewrite(box, addCustomer)
        kill(getpid(), SIGHUP)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !box.logLines.lines.contains(where: { $0.contains("event=config.reloaded") }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        stop.request()
        #expect(finished.wait(timeout: .now() + 5) == .success)
        withExtendedLifetime(hangUp) {}
        #expect(box.logLines.lines.contains { $0.contains("event=config.reloaded") }, "no reload within 5 s of SIGHUP")
        #expect(pipeline.config.policy.customers.count == 5)
    }
}
