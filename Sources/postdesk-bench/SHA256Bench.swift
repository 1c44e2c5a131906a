import Foundation
import MIME

/// `postdesk-bench sha256 MB` — hashes MB megabytes (in 16 KiB messages, as `openssl speed` does at its largest
/// size, and as one buffer) on every path this CPU runs; prints MB/s of this thread's CPU time (as `openssl speed`
/// divides by user time), best of three, so other load on the machine does not count.
func sha256Bench(megabytes: Int) {
    func cpuNow() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    let total = megabytes << 20
    let buffer = (0..<total).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
    let chunk = 16_384
    let chunks = stride(from: 0, to: total, by: chunk).map { Array(buffer[$0..<min($0 + chunk, total)]) }
    for path in SHA256.Path.allCases where path.isAvailable {
        var best16k = Double.infinity, bestWhole = Double.infinity
        var sink = 0
        for _ in 0..<3 {
            var t0 = cpuNow()
            for c in chunks { sink &+= Int(SHA256.digest(c, path: path)[0]) }
            best16k = min(best16k, cpuNow() - t0)
            t0 = cpuNow()
            sink &+= Int(SHA256.digest(buffer, path: path)[0])
            bestWhole = min(bestWhole, cpuNow() - t0)
        }
        print(String(format: "sha256 %@: %.0f MB/s in 16 KiB messages, %.0f MB/s as one %d MB buffer%@ (sink %d)",
                     "\(path)", Double(total) / best16k / 1e6, Double(total) / bestWhole / 1e6, megabytes,
                     path == .best ? ", the path chosen" : "", sink % 10))
    }
}
