import Foundation
import Glibc
import MIME

/// Deterministic mutation fuzzer: input i depends only on (seed, i), so a run can resume after a crash.
/// On a crash (trap/segfault) the current input is written to OUTDIR/crash-SEED-I.eml from the signal handler
/// and the process exits 70; an input that runs longer than 10 s is written as hang-SEED-I.eml (exit 71).

nonisolated(unsafe) var fuzzCurrent: UnsafeMutablePointer<UInt8>? = nil
nonisolated(unsafe) var fuzzCurrentCount = 0
nonisolated(unsafe) var fuzzIndex = 0
nonisolated(unsafe) var fuzzPathBuffer = [CChar](repeating: 0, count: 4096)
nonisolated(unsafe) var fuzzOutDir = ""
nonisolated(unsafe) var fuzzSeed: UInt64 = 0

/// Writes the current input to OUTDIR/<kind>-SEED-I.eml with async-signal-safe calls only.
func fuzzDump(_ kind: String) {
    // Build the path before any crash can happen is not possible for the index, so format by hand here.
    var path = [UInt8](fuzzOutDir.utf8) + [UInt8(ascii: "/")] + [UInt8](kind.utf8) + [UInt8(ascii: "-")]
    func digits(_ v: UInt64) -> [UInt8] {
        var v = v
        var d: [UInt8] = []
        repeat { d.append(UInt8(48 + v % 10)); v /= 10 } while v > 0
        return d.reversed()
    }
    path += digits(fuzzSeed) + [UInt8(ascii: "-")] + digits(UInt64(fuzzIndex)) + Array(".eml".utf8) + [0]
    path.withUnsafeBufferPointer { p in
        p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { cpath in
            let fd = open(cpath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd >= 0 {
                if let cur = fuzzCurrent { _ = write(fd, cur, fuzzCurrentCount) }
                close(fd)
            }
        }
    }
    let msg = Array("FUZZ-\(kind.uppercased()) \(fuzzIndex)\n".utf8)
    _ = msg.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count) }
}

struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
}

enum Fuzzer {
    static let tokens: [[UInt8]] = [
        "--", "\r\n", "\n", "\n\n", "\r\n\r\n", ":", ";", "=", "\"", "(", ")", "<", ">", "?=", "=?", "=?utf-8?B?",
        "=?utf-8?Q?",
        "=?iso-2022-jp?B?GyRC", "Content-Type: multipart/mixed; boundary=", "Content-Type: message/rfc822\n",
        "Content-Type: text/html; charset=", "Content-Transfer-Encoding: base64\n",
        "Content-Transfer-Encoding: quoted-printable\n",
        "Content-Transfer-Encoding: x-uuencode\n", "begin 644 x\n", "end\n", "; filename*0*=utf-8''%E2%82", "; name*1=",
        "charset=utf-7", "charset=iso-2022-jp", "charset=utf-16", "charset=shift_jis", "charset=x-bogus", "&#x",
        "&amp", "&#99999999;",
        "<script>", "</", "<a href=\"", "<!--", "<pre>", "=\r\n", "=ZZ", "====", "\u{1B}$B", "\u{1B}(B", "+AGE-",
        "From ", "From: ",
        " \t", "\t", "\0", "\u{FF}", "multipart/digest", "boundary=\"\"", "-----Original Message-----\n",
        "On x wrote:\n", "> ",
        "Date: Tue, 1 Jul 2003 10:52:37 +0200\n", "Message-ID: <", "@", ",", "group:;",
    ].map { Array($0.utf8) }

    static func mutate(_ base: [UInt8], corpus: [[UInt8]], rng: inout SplitMix64) -> [UInt8] {
        var d = base
        let rounds = 1 + rng.below(8)
        for _ in 0..<rounds {
            let n = d.count
            switch rng.below(10) {
            case 0 where n > 0: // flip a byte
                d[rng.below(n)] ^= UInt8(truncatingIfNeeded: 1 << rng.below(8))
            case 1 where n > 0: // random byte
                d[rng.below(n)] = UInt8(truncatingIfNeeded: rng.next())
            case 2: // insert a token
                let t = tokens[rng.below(tokens.count)]
                d.insert(contentsOf: t, at: rng.below(n + 1))
            case 3 where n > 0: // delete a range
                let s = rng.below(n)
                let len = min(n - s, 1 + rng.below(rng.below(2) == 0 ? 8 : 512))
                d.removeSubrange(s..<(s + len))
            case 4 where n > 0: // duplicate a range
                let s = rng.below(n)
                let len = min(n - s, 1 + rng.below(256))
                let chunk = Array(d[s..<(s + len)])
                let reps = 1 + rng.below(rng.below(16) == 0 ? 200 : 3)
                var ins: [UInt8] = []
                for _ in 0..<reps { ins += chunk }
                d.insert(contentsOf: ins, at: rng.below(n + 1))
            case 5 where n > 0: // truncate
                d.removeSubrange(rng.below(n)..<n)
            case 6: // splice from another input
                let other = corpus[rng.below(corpus.count)]
                if !other.isEmpty {
                    let s = rng.below(other.count)
                    let len = min(other.count - s, 1 + rng.below(2048))
                    d.insert(contentsOf: other[s..<(s + len)], at: rng.below(n + 1))
                }
            case 7 where n > 0: // change line ends of a region
                let s = rng.below(n)
                let e = min(n, s + rng.below(4096))
                var out = Array(d[..<s])
                for b in d[s..<e] {
                    if b == 10 { if rng.below(2) == 0 { out.append(13) }; out.append(10) } else if b != 13 { out.append(
                        b) }
                }
                d = out + d[e...]
            case 8 where n > 0: // overwrite with an interesting byte
                let vals: [UInt8] = [0, 9, 10, 13, 32, 34, 45, 58, 59, 60, 61, 62, 63, 0x7F, 0x80, 0xC3, 0xFF, 0x1B]
                d[rng.below(n)] = vals[rng.below(vals.count)]
            default: // swap two ranges' order
                if n > 8 {
                    let a = rng.below(n / 2), b = n / 2 + rng.below(n / 2)
                    d.swapAt(a, b)
                }
            }
            if d.count > 256 * 1024 { d.removeSubrange((256 * 1024)...) }
        }
        return d
    }

    static func run(_ args: [String]) {
        // fuzz SEED START COUNT OUTDIR PATH...
        guard args.count >= 5, let seed = UInt64(args[0]), let start = Int(args[1]), let count = Int(args[2]) else {
            FileHandle.standardError.write(Data("usage: postdesk-bench fuzz SEED START COUNT OUTDIR PATH...\n".utf8))
            exit(2)
        }
        fuzzSeed = seed
        fuzzOutDir = args[3]
        let corpus = messageFiles(Array(args.dropFirst(4))).compactMap(readFile).map { Array($0.prefix(64 * 1024)) }
        guard !corpus.isEmpty else { FileHandle.standardError.write(Data("no inputs\n".utf8)); exit(2) }

        for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE] {
            signal(sig) { s in
                fuzzDump("crash")
                _exit(70)
            }
        }
        // Watchdog for hangs.
        let watchdog = Thread {
            var last = -1
            var same = 0
            while true {
                sleep(1)
                let now = fuzzIndex
                if now == last { same += 1 } else { same = 0; last = now }
                if same >= 10 {
                    fuzzDump("hang")
                    _exit(71)
                }
            }
        }
        watchdog.start()

        var sink = 0
        let t0 = Date()
        for i in start..<(start + count) {
            var rng = SplitMix64(state: seed &* 0x1000_0000_0000_0001 ^ UInt64(i))
            let base = corpus[rng.below(corpus.count)]
            var input = mutate(base, corpus: corpus, rng: &rng)
            input.withUnsafeMutableBufferPointer { p in
                fuzzCurrent = p.baseAddress
                fuzzCurrentCount = p.count
                fuzzIndex = i
                let m = MessageParser.parse(buffer: UnsafeBufferPointer(p))
                sink &+= ReplyExtractor.newText(m.bodyText).utf8.count
                for a in m.attachments where a.contentType.hasPrefix("message/") && a.data.count < 65536 {
                    sink &+= a.embeddedMessage?.bodyText.utf8.count ?? 0
                }
                if i % 64 == 0 { sink &+= ParseReport.json(for: m).utf8.count }
            }
            fuzzCurrent = nil
            if (i - start + 1) % 100_000 == 0 {
                let rate = Double(i - start + 1) / Date().timeIntervalSince(t0)
                FileHandle.standardError.write(Data("fuzz: \(i + 1) inputs (\(Int(rate))/s)\n".utf8))
            }
        }
        print("fuzz-done \(start + count) sink \(sink % 7)")
    }
}
