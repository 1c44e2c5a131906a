import Foundation
import Testing
@testable import Transport

/// Issue 19: a Maildir backlog is listed once per pass, not once per batch, and arrivals still come in.
@Suite struct MaildirListingTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("pdmaildir-\(UUID().uuidString)")

    func deliver(_ n: Int) throws {
        let name = String(format: "1800000000.M%06dP1.host", n)
        try Data("Subject: \(n)\r\n\r\nbody \(n)\r\n".utf8).write(to: root.appendingPathComponent("tmp/\(name)"))
        try FileManager.default.moveItem(at: root.appendingPathComponent("tmp/\(name)"),
                                         to: root.appendingPathComponent("new/\(name)"))
    }

    func subject(_ mail: IncomingMail) -> String {
        String(decoding: mail.bytes, as: UTF8.self).split(separator: "\r\n").first.map(String.init) ?? ""
    }

    /// The intake's order: fetch ahead while the batch before is unsettled, settle it, go on.
    @Test func aBacklogIsListedOnceAndArrivalsFollow() throws {
        let source = try MaildirSource(path: root.path)
        defer { try? FileManager.default.removeItem(at: root) }
        for n in 1...1000 { try deliver(n) }
        var batch = try source.fetch(after: nil, limit: 10)
        var taken: [String] = []
        var batches = 0
        while !batch.isEmpty {
            taken += batch.map(subject)
            batches += 1
            if batches == 50 { for n in 1001...1005 { try deliver(n) } }   // mail arriving mid-backlog
            let next = try source.fetch(following: batch, limit: 10)
            for mail in batch { try source.settle(mail, as: .processed) }
            batch = next
        }
        #expect(taken == (1...1005).map { "Subject: \($0)" }, "each mail once, in order")
        #expect(batches == 101)
        // One listing for the backlog, one when it ran dry (the arrivals), one that found nothing more.
        #expect(source.listings == 3)
        #expect(source.waiting().isEmpty)
    }

    /// A batch cut short by its byte budget leaves the rest of the listing for the next batch, not for the next pass.
    @Test func aBatchCutByBytesLosesNothing() throws {
        let source = try MaildirSource(path: root.path, batchBytes: 60)
        defer { try? FileManager.default.removeItem(at: root) }
        for n in 1...9 { try deliver(n) }
        var batch = try source.fetch(after: nil, limit: 4)
        var taken: [String] = []
        while !batch.isEmpty {
            #expect(batch.count < 4, "the byte budget cuts each batch (\(batch.count) mails)")
            taken += batch.map(subject)
            let next = try source.fetch(following: batch, limit: 4)
            for mail in batch { try source.settle(mail, as: .processed) }
            batch = next
        }
        #expect(taken == (1...9).map { "Subject: \($0)" })
        #expect(source.listings == 2)
    }

    /// A mail whose settle did not happen stays in new/: not fetched again in the same pass, but in the next.
    @Test func anUnsettledMailWaitsForTheNextPass() throws {
        let source = try MaildirSource(path: root.path)
        defer { try? FileManager.default.removeItem(at: root) }
        for n in 1...3 { try deliver(n) }
        let first = try source.fetch(after: nil, limit: 2)
        #expect(first.map(subject) == ["Subject: 1", "Subject: 2"])
        let second = try source.fetch(following: first, limit: 2)
        try source.settle(first[1], as: .processed)   // mail 1 is left unsettled
        #expect(second.map(subject) == ["Subject: 3"])
        try source.settle(second[0], as: .processed)
        #expect(try source.fetch(following: second, limit: 2).isEmpty)
        #expect(try source.fetch(after: nil, limit: 2).map(subject) == ["Subject: 1"])
    }
}
