import Desk
import Foundation
import MIME

/// `postdesk-bench analyse PATH...` — the pure per-mail steps of intake on one core, each timed apart over all
/// messages (best of 5 passes), in µs per mail. Tells which step to cheapen before profiling.
func analyseBench(_ messages: [[UInt8]]) {
    guard !messages.isEmpty else { print("no messages"); return }
    let classifier = PriorityClassifier()
    var sink = 0
    func time(_ name: String, _ body: () -> Int) {
        var best = Double.infinity
        for _ in 0..<5 {
            let t0 = now()
            sink &+= body()
            best = min(best, now() - t0)
        }
        print(String(format: "%-12@ %8.1f µs/mail", name as NSString, best * 1e6 / Double(messages.count)))
    }
    let parsed = messages.map { MessageParser.parse($0) }
    let texts = parsed.map { ReplyExtractor.newText(of: $0) }
    print("\(messages.count) messages, \(messages.reduce(0) { $0 + $1.count } / messages.count) bytes on average")
    time("parse") { messages.reduce(0) { $0 &+ MessageParser.parse($1).bodyText.utf8.count } }
    time("sha256") { messages.reduce(0) { $0 &+ SHA256.hex($1).utf8.count } }
    time("newText") { parsed.reduce(0) { $0 &+ ReplyExtractor.newText(of: $1).utf8.count } }
    time("classify") { zip(parsed, texts).reduce(0) { $0 &+ classifier.classify(
        $1.0, newText: $1.1).reason.utf8.count } }
    time("language") {
        zip(parsed, texts).reduce(0) { $0 &+ (LanguageDetector.detect(
            String(($1.0.subject + "\n" + $1.1).prefix(PriorityClassifier.readLimit)))?.utf8.count ?? 0) }
    }
    time("analysis") { parsed.reduce(0) { $0 &+ MessageAnalysis($1, classifier: classifier).newText.utf8.count } }
    print("sink \(sink % 10)")
}
