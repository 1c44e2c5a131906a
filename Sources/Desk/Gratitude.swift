import Foundation
import MIME

/// "Tak!", "Vielen Dank, alles läuft wieder!", "Thanks, all good", "Bedankt!": a short thank-you after a close is
/// recorded without reopening. Anything with a question, a "but" or a remaining problem is a real follow-up.
public enum Gratitude {
    static let thanks = ["tak", "tusind tak", "mange tak", "thanks", "thank you", "thx", "cheers", "danke",
        "vielen dank",
                         "herzlichen dank", "besten dank", "bedankt", "dank je", "dank u", "dankjewel", "dankuwel",
                         "hartelijk dank", "merci"]
    /// Words that turn a thank-you into a report: contrast, negation, "still", "again" of a problem.
    static let doubts = ["men", "but", "however", "aber", "jedoch", "allerdings", "maar", "echter", "alleen",
                         "ikke", "stadig", "igen ikke", "fejl", "not", "still", "problem", "error", "issue", "nicht",
                         "kein", "keine", "noch", "immer", "fehler", "niet", "geen", "nog", "steeds", "fout",
                         "doesn't", "don't", "isn't", "won't", "can't", "cannot", "ingen", "virker ikke"]

    public static func isOnlyThanks(_ text: String) -> Bool {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.unicodeScalars.count <= 300, !trimmed.contains("?") else { return false }
        let words = trimmed.lowercased().split { !($0.isLetter || $0 == "'" || $0 == "’") }
            .map { $0.replacingOccurrences(of: "’", with: "'") }
        guard !words.isEmpty, words.count <= 40 else { return false }
        let joined = " " + words.joined(separator: " ") + " "
        guard thanks.contains(where: { joined.contains(" \($0) ") }) else { return false }
        return !doubts.contains { joined.contains(" \($0) ") }
    }
}
