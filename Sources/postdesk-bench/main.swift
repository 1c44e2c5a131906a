import Foundation
import Glibc
import MIME
import Desk

/// postdesk-bench parse FILE            — print ParseReport JSON for FILE
/// postdesk-bench bench N PATH...       — parse every message under PATHs N times; print MB/s and messages/s
/// postdesk-bench big FILE              — parse one (large) file once; print a summary (for peak-RSS runs)
/// postdesk-bench fuzz SEED START COUNT OUTDIR PATH... — deterministic mutation fuzzing (see Fuzz.swift)
/// postdesk-bench analyse PATH...     — the per-mail CPU steps of intake, one core, µs per mail for each
/// postdesk-bench dump PATH...        — per message: new text hash, priority, language (to diff two builds)
/// postdesk-bench intake CONFIG         — the worker's intake and its SMTP delivery timed apart (IntakeBench.swift)
/// postdesk-bench linear STEP BYTES     — one text step on hostile text, for callgrind (LinearBench.swift)
/// postdesk-bench scale CACHE [SIZE...]  — issue 19's flat-cost figures per desk size (ScaleBench.swift)
/// postdesk-bench scale-intake CACHE SIZE KIND N — one counted intake for callgrind (ScaleBench.swift)
/// postdesk-bench sha256 [MB]           — SHA-256 MB/s on every path this CPU runs

func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    fseek(f, 0, SEEK_END)
    let size = ftell(f)
    fseek(f, 0, SEEK_SET)
    guard size >= 0 else { return nil }
    return [UInt8](unsafeUninitializedCapacity: size) { buf, count in
        count = size > 0 ? fread(buf.baseAddress, 1, size, f) : 0
    }
}

func messageFiles(_ roots: [String]) -> [String] {
    var out: [String] = []
    let fm = FileManager.default
    for root in roots {
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDir) else { continue }
        if !isDir.boolValue { out.append(root); continue }
        let items = (fm.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        for rel in items.sorted() {
            let name = (rel as NSString).lastPathComponent
            if name.hasPrefix(".") || name.hasSuffix(".json") || name.hasSuffix(".md") { continue }
            let path = root + "/" + rel
            var d: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &d), !d.boolValue { out.append(path) }
        }
    }
    return out
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let args = CommandLine.arguments
guard args.count >= 3 else {
    FileHandle.standardError.write(
        Data(("usage: postdesk-bench parse FILE | bench N PATH... | big FILE | intake CONFIG | imap URL USER " +
            "PASSWORD CAFILE FOLDER\n").utf8))
    exit(2)
}
switch args[1] {
case "parse":
    guard let bytes = readFile(args[2]) else {
        FileHandle.standardError.write(Data("cannot read \(args[2])\n".utf8))
        exit(1)
    }
    print(ParseReport.json(for: MessageParser.parse(bytes)))
case "bench":
    let iterations = Int(args[2]) ?? 20
    let files = messageFiles(Array(args.dropFirst(3)))
    let messages = files.compactMap(readFile)
    let totalBytes = messages.reduce(0) { $0 + $1.count }
    var sink = 0
    // Warm-up.
    for m in messages { sink &+= MessageParser.parse(m).bodyText.utf8.count }
    var best = Double.infinity
    var times: [Double] = []
    for _ in 0..<iterations {
        let t0 = now()
        for m in messages {
            let p = MessageParser.parse(m)
            sink &+= p.bodyText.utf8.count &+ p.attachments.count
        }
        let dt = now() - t0
        times.append(dt)
        best = min(best, dt)
    }
    times.sort()
    let median = times[times.count / 2]
    let mb = Double(totalBytes) / 1_000_000
    print(String(format: "swift: %d messages, %.2f MB, %d iterations", messages.count, mb, iterations))
    print(String(format: "swift: median %.4f s/pass  %.1f MB/s  %.0f messages/s  (best %.1f MB/s)",
                 median, mb / median, Double(messages.count) / median, mb / best))
    print("sink \(sink % 10)")
case "big":
    guard let bytes = readFile(args[2]) else { exit(1) }
    let t0 = now()
    let m = MessageParser.parse(bytes)
    let dt = now() - t0
    let sizes = m.attachments.map { "\($0.filename ?? "-"):\($0.size)" }.joined(separator: ",")
    print(String(format: "swift big: %.1f MB parsed in %.3f s; body %d chars; attachments %@",
        Double(bytes.count) / 1e6, dt,
                 m.bodyText.count, sizes))
case "fuzz":
    Fuzzer.run(Array(args.dropFirst(2)))
case "analyse":
    analyseBench(messageFiles(Array(args.dropFirst(2))).compactMap(readFile))
case "dump":
    dumpText(messageFiles(Array(args.dropFirst(2))))
case "intake":
    exit(intakeBench(configPath: args[2]))
case "imap":
    do { try IMAPBench.main(Array(args.dropFirst(2))) } catch {
        print("benchmark failed: \(error)")
        exit(1)
    }
case "linear":
    exit(linearBench(step: args[2], bytes: Int(args.count > 3 ? args[3] : "") ?? 1 << 20))
case "scale":
    do {
        let sizes = args.dropFirst(3).compactMap { Int($0) }
        try ScaleBench(cache: URL(fileURLWithPath: args[2])).run(sizes: sizes.isEmpty ? [0, 100_000, 1_000_000] : sizes)
    } catch {
        FileHandle.standardError.write(Data("postdesk-bench scale: \(error)\n".utf8))
        exit(1)
    }
case "scale-intake":
    do {
        try ScaleBench(cache: URL(fileURLWithPath: args[2]))
            .countedIntake(size: Int(args[3]) ?? 0, kind: args[4], count: Int(args[5]) ?? 100)
    } catch {
        FileHandle.standardError.write(Data("postdesk-bench scale-intake: \(error)\n".utf8))
        exit(1)
    }
case "sha256":
    sha256Bench(megabytes: Int(args[2]) ?? 256)
default:
    FileHandle.standardError.write(Data("unknown command \(args[1])\n".utf8))
    exit(2)
}
