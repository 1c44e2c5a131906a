import Foundation
import Transport

/// Figures from `IMAPSource.benchmark`.
struct IMAPBenchmarkResult: Sendable, CustomStringConvertible {
    var messages: Int
    var bytes: Int
    /// First pass: includes the server indexing freshly dropped Maildir files.
    var coldFetchSeconds: Double
    /// Second pass over the same messages (server index warm).
    var fetchSeconds: Double
    /// nil when settling was not measured.
    var settleSeconds: Double?
    var batch: Int
    var settleBatch: Int

    var fetchPerSecond: Double { Double(messages) / max(fetchSeconds, 1e-9) }
    var settlePerSecond: Double? { settleSeconds.map { Double(messages) / max($0, 1e-9) } }

    var description: String {
        var s = String(
            format: "IMAP fetch, first pass (server indexes the new files): %d messages in %.3f s = %.0f msg/s\n",
                       messages, coldFetchSeconds, Double(messages) / max(coldFetchSeconds, 1e-9))
        s += String(format: "IMAP fetch: %d messages, %.1f MB in %.3f s = %.0f msg/s, %.1f MB/s (batches of %d, " +
            "BODY.PEEK[])",
                       messages, Double(bytes) / 1e6, fetchSeconds, fetchPerSecond,
                       Double(bytes) / 1e6 / max(fetchSeconds, 1e-9), batch)
        if let settleSeconds, let per = settlePerSecond {
            s += String(format: "\nIMAP fetch + settle as processed (UID MOVE, %d UIDs per command): %d messages in " +
                "%.3f s = %.0f msg/s",
                        settleBatch, messages, settleSeconds, per)
        }
        return s
    }
}

enum IMAPBench {
    /// Measures raw intake over one connection: (1) `fetch` in batches until the mailbox is exhausted, twice
    /// (cold, then with the server's index warm), (2) when `settle` is true, a second pass that fetches again and
    /// settles every message as processed (one UID MOVE each, which empties the mailbox). Used by `postdesk-bench imap`
    /// (`Scripts/bench-imap`).
    static func run(settings: IMAPSettings, batch: Int = 500, settle: Bool = true, settleBatch: Int = 100,
                    log: @escaping TransportLog = transportLogToStandardError) throws -> IMAPBenchmarkResult {
        let src = try IMAPSource(settings: settings, log: log)
        src.settleBatchSize = settleBatch
        try src.connect()
        defer { src.close() }
        var count = 0
        var bytes = 0
        var cp: MailboxCheckpoint?
        var seconds: [Double] = []
        for _ in 0..<2 {
            count = 0
            bytes = 0
            cp = nil
            let t0 = Date()
            while true {
                let mails = try src.fetch(after: cp, limit: batch)
                if mails.isEmpty { break }
                count += mails.count
                for m in mails { bytes += m.bytes.count }
                cp = mails.last?.checkpoint
            }
            seconds.append(Date().timeIntervalSince(t0))
        }
        var result = IMAPBenchmarkResult(messages: count, bytes: bytes, coldFetchSeconds: seconds[0],
                                         fetchSeconds: seconds[1], settleSeconds: nil, batch: batch,
                                         settleBatch: src.settleBatchSize)
        if settle {
            let t1 = Date()
            var settled = 0
            cp = nil
            while true {
                let mails = try src.fetch(after: cp, limit: batch)
                if mails.isEmpty { break }
                for m in mails { try src.settle(m, as: .processed) }
                settled += mails.count
                cp = mails.last?.checkpoint
            }
            try src.flushSettled()
            result.settleSeconds = Date().timeIntervalSince(t1)
            result.messages = max(result.messages, settled)
        }
        return result
    }
}

extension IMAPBench {
    /// `postdesk-bench imap URL USER PASSWORD CAFILE FOLDER [BATCH] [SETTLE_BATCH]`
    static func main(_ a: [String]) throws {
        guard a.count >= 5 else {
            print("usage: postdesk-bench imap URL USER PASSWORD CAFILE FOLDER [BATCH] [SETTLE_BATCH]")
            exit(2)
        }
        let settings = IMAPSettings(url: a[0], username: a[1], password: a[2],
            tls: a[0].hasPrefix("imaps") ? nil : TLSMode.none,
                                    caFile: a[3], mailbox: a[4], processedFolder: a[4] + "-done")
        let batch = a.count > 5 ? Int(a[5]) ?? 500 : 500
        let settleBatch = a.count > 6 ? Int(a[6]) ?? 100 : 100
        print(try run(settings: settings, batch: batch, settle: true, settleBatch: settleBatch))
    }
}
