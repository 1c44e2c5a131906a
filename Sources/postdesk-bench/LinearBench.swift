import Desk
import Foundation
import MIME

/// `postdesk-bench linear STEP BYTES` — runs one text step once on BYTES of hostile text (issue 15: repeated
/// lexicon words, quote and attribution look-alikes, encoded-word and tag fragments). Run under callgrind at two
/// sizes by `Scripts/bench-linear`: the instructions per byte tell whether the step is linear in its input.
func linearBench(step: String, bytes: Int) -> Int32 {
    func repeated(_ unit: String) -> String { String(repeating: unit, count: bytes / unit.utf8.count + 1) }
    let words = "not all users can log in nobody kan ikke niemand kann nicht iedereen werkt niet "
    let body = repeated(words + "\nOn Mon, Nov 16, 2026 at 08:31, Mette wrote:\n> " + words + "\nFrom: x\n")
    var sink = 0
    switch step {
    case "newText":
        sink = ReplyExtractor.newText(body).utf8.count
    case "newTextLongLine":
        sink = ReplyExtractor.newText(repeated(words) + ":").utf8.count
    case "html":
        sink = HTMLText.render(repeated("<p>" + words + "<blockquote><div class=x>&amp;&#x41;<a href=\"")).utf8.count
    case "decode":
        sink = EncodedWords.decode(repeated("=?utf-8?q?not_all_users?= =?utf-8?b?") ).utf8.count
    case "parseSubject":
        let mail = "From: a@x.test\r\nTo: support@example.test\r\nSubject: " + repeated("not all users ")
            + "\r\nMessage-ID: <1@x.test>\r\n\r\nHej\r\n"
        sink = MessageParser.parse(Array(mail.utf8)).subject.utf8.count
    case "classify":
        sink = PriorityClassifier().classify(subject: repeated("not all users "), newText: body).reason.utf8.count
    case "language":
        sink = LanguageDetector.detect(body)?.utf8.count ?? 0
    case "analysis":
        let mail = "From: a@x.test\r\nTo: support@example.test\r\nSubject: " + repeated("not all users ")
            + "\r\nMessage-ID: <1@x.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body
        let message = MessageParser.parse(Array(mail.utf8))
        sink = MessageAnalysis(message, classifier: PriorityClassifier()).newText.utf8.count
    case "none":
        sink = repeated(words).utf8.count
    default:
        FileHandle.standardError.write(Data("unknown step \(step)\n".utf8))
        return 2
    }
    print("\(step) \(bytes) sink \(sink % 10)")
    return 0
}
