import Configuration
import Desk
import Foundation
import MIME
import Store
import Transport

/// The mailbox side of `Pipeline.intakeAll` on one serial queue: fetching (and analysing) the next batch and
/// settling committed ones, in the order asked, while the caller's thread commits. While a lane is in use only
/// the lane touches the source (hence @unchecked Sendable); `drain()` hands it back.
final class MailboxLane: @unchecked Sendable {
    private let source: MailboxSource
    private let log: Log
    /// Used on the lane only, after each settle.
    private let checkpoints: WALCheckpointer?
    private let queue = DispatchQueue(label: "postdesk.mailbox")
    private let lock = NSLock()
    private var settleMilliseconds = "0.0"
    private var firstSettleFailure: Error?

    /// The first settle that failed since the lane started (read after `drain()`).
    var settleFailure: Error? { lock.withLock { firstSettleFailure } }

    init(_ source: MailboxSource, log: Log, checkpoints: WALCheckpointer? = nil) {
        self.source = source
        self.log = log
        self.checkpoints = checkpoints
    }

    /// The last settle's duration (it runs on the lane, after the commit it follows).
    var lastSettleMilliseconds: String { lock.withLock { settleMilliseconds } }

    /// Fetches the batch after `batch` (not yet settled) and prepares it, on the lane and other cores.
    func fetchAhead(following batch: [IncomingMail], limit: Int, classifier: PriorityClassifier) -> Ahead {
        let ahead = Ahead()
        queue.async {
            var stopwatch = Stopwatch()
            do {
                let mails = try self.source.fetch(following: batch, limit: limit)
                let fetched = stopwatch.lap()
                let prepared = Pipeline.prepare(mails, classifier: classifier)
                ahead.finish(.success(Ahead.Batch(mails: mails, prepared: prepared, fetchMilliseconds: fetched,
                    analyseMilliseconds: stopwatch.lap())))
            } catch {
                ahead.finish(.failure(error))
            }
        }
        return ahead
    }

    /// Settles committed mail on the lane; the caller does not wait.
    func settle(_ dispositions: [(IncomingMail, Disposition)]) {
        queue.async {
            var stopwatch = Stopwatch()
            for (mail, disposition) in dispositions {
                if let failure = Pipeline.settle(mail, disposition, in: self.source, log: self.log) {
                    self.lock.withLock { if self.firstSettleFailure == nil { self.firstSettleFailure = failure } }
                }
            }
            do {
                try self.checkpoints?.checkpoint()
            } catch {
                self.log.debug("store.checkpoint_failed", [("error", "\(error)")])   // the next one catches up
            }
            let took = stopwatch.lap()
            self.lock.withLock { self.settleMilliseconds = took }
        }
    }

    /// Truncates the WAL on the lane's connection once the lane's queued work is done, and waits for it: the caller
    /// calls it between commits, so no write transaction is open and no other checkpoint runs.
    func truncateWAL() -> Bool {
        queue.sync { (try? checkpoints?.truncate()) ?? false }
    }

    /// Returns when everything asked of the lane is done.
    func drain() { queue.sync {} }

    /// A batch being fetched and prepared; `wait()` returns it (or the fetch's error).
    final class Ahead: @unchecked Sendable {
        struct Batch {
            var mails: [IncomingMail]
            var prepared: [Pipeline.Prepared]
            var fetchMilliseconds: String
            var analyseMilliseconds: String
        }
        private var result: Result<Batch, Error>?
        private let done = DispatchSemaphore(value: 0)

        func finish(_ result: Result<Batch, Error>) {
            self.result = result
            done.signal()
        }

        func wait() throws -> Batch {
            done.wait()
            done.signal()   // a second wait returns at once
            return try result!.get()
        }
    }
}

extension Pipeline {
    /// Only after the commit is durable may the mailbox forget a mail; a failed settle is retried by the next run.
    /// Returns the failure, which ends the intake pass (after the other settles of the batch were tried).
    @discardableResult
    static func settle(_ mail: IncomingMail, _ disposition: Disposition, in source: MailboxSource, log: Log) -> Error? {
        do {
            try source.settle(mail, as: disposition)
            return nil
        } catch {
            log.warning("mailbox.settle_failed", [("mailbox", source.mailboxName), ("key", mail.key),
                ("error", "\(error)")])
            return error
        }
    }
}
