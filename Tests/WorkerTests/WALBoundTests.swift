import Foundation
import Testing
@testable import Pipeline
import Store

/// Issue 19: through a backlog the WAL is truncated between commits, so it stays near its bound; without the
/// bound it grows with every batch (the lane's checkpoints alone never let SQLite start it again).
@Suite struct WALBoundTests {
    let monday = copenhagen(2026, 11, 16, 10)

    func mail(_ n: Int) -> [UInt8] {
        let body = String(repeating: "Kære support, printeren på kontor \(n) virker ikke igen.\r\n", count: 120)
        return Array(("From: IT Nordlys <it@nordlys.test>\r\nTo: support@example.test\r\nSubject: Printer \(n)\r\n"
                      + "Message-ID: <wal\(n)@nordlys.test>\r\nDate: Mon, 16 Nov 2026 09:00:00 +0100\r\n\r\n"
                      + body).utf8)
    }

    /// The largest WAL seen after each batch, and the intake's log.
    func backlog(bound: Int) throws -> (peak: Int, lines: [String], tickets: Int) {
        let box = try Sandbox(now: monday) { $0["batchSize"] = 10 }
        for n in 1...150 { try box.deliver(mail(n)) }
        let pipeline = try box.pipeline()
        pipeline.walTruncateBytes = bound
        var summary = PassSummary()
        var peak = 0
        try pipeline.intakeAll(into: &summary) { _ in peak = max(peak, pipeline.store.walBytes) }
        #expect(summary.opened == 150 && box.count("cur") == 150, "\(summary)")
        return (peak, box.logLines.lines, try pipeline.store.tickets().count)
    }

    @Test func theWALStaysBoundedThroughABacklog() throws {
        let bound = 256 << 10
        let bounded = try backlog(bound: bound)
        let unbounded = try backlog(bound: Int.max)
        #expect(bounded.tickets == 150 && unbounded.tickets == 150)
        #expect(unbounded.peak > 4 * bound, "without the bound the WAL reached only \(unbounded.peak) bytes")
        #expect(bounded.peak < bound, "WAL peaked at \(bounded.peak) bytes after a batch")
        let truncations = bounded.lines.filter { $0.contains("event=store.wal_truncated") }
        #expect(truncations.count >= 3 && truncations.allSatisfy { $0.contains("done=true") }, "\(truncations)")
        #expect(!unbounded.lines.contains { $0.contains("event=store.wal_truncated") })
    }
}
