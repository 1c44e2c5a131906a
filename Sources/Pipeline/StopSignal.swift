import Foundation
import Synchronization

/// SIGTERM/SIGINT handling: the flag is read between messages, so the mail in hand finishes and commits.
public final class StopSignal: Sendable {
    private let requested = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let queue = DispatchQueue(label: "postdesk.signals")

    public init() {}

    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    public func request() {
        requested.store(true, ordering: .releasing)
        wake.signal()
    }

    /// Keep the returned sources alive for as long as signals should be handled.
    public func install(_ signals: [Int32] = [SIGTERM, SIGINT]) -> [DispatchSourceSignal] {
        signals.map { signo in handleSignal(signo, on: queue) { [self] in request() } }
    }

    /// Sleeps, waking early when a stop is requested.
    public func sleep(_ seconds: Double) { _ = wake.wait(timeout: .now() + seconds) }
}

/// Runs `handler` on `queue` for each `signo` instead of the default action; keep the source alive.
func handleSignal(_ signo: Int32, on queue: DispatchQueue,
                  _ handler: @escaping @Sendable () -> Void) -> DispatchSourceSignal {
    signal(signo, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: signo, queue: queue)
    source.setEventHandler(handler: handler)
    source.resume()
    return source
}
