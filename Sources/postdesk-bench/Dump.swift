import Desk
import Foundation
import MIME

/// Differential dump: per message, what the text steps produce.
func dumpText(_ paths: [String]) {
    let classifier = PriorityClassifier()
    for path in paths {
        guard let bytes = readFile(path) else { continue }
        let m = MessageParser.parse(bytes)
        let nt = ReplyExtractor.newText(of: m)
        let d = classifier.classify(m, newText: nt)
        let lang = LanguageDetector.detect(String((m.subject + "\n" + nt).prefix(PriorityClassifier.readLimit))) ?? "-"
        print("\(path)\t\(SHA256.hex(Array(nt.utf8)))\t\(d.priority.rawValue) \(d.reason)\t\(lang)")
    }
}
