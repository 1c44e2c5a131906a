import MIME

/// The text work on one message that needs nothing from the store: new text, priority, language.
/// Pure and Sendable, so the worker computes it for a whole batch on all cores before its transaction.
public struct MessageAnalysis: Sendable {
    public var newText: String
    /// The reply rules left nothing of a body that holds text, so `newText` is the whole body
    /// (`ReplyExtraction.fellBack`): a staff mail like that relays nothing new.
    public var newTextIsWholeBody: Bool
    public var priority: PriorityDecision
    public var detectedLanguage: String?
    /// Whether a program sent it (RFC 3834 and common practice); nil for a person.
    public var automatic: AutomaticMail?
    /// The sender's text fingerprint (`RepeatedText`), worked out here in the parallel step, not on the commit thread.
    public var textHash: String?

    public init(_ message: ParsedMessage, classifier: PriorityClassifier) {
        automatic = AutomaticMail.classify(message)
        let extraction = ReplyExtractor.extract(message)
        newText = extraction.text
        newTextIsWholeBody = extraction.fellBack
        priority = classifier.classify(message, newText: newText)
        textHash = RepeatedText.hash(from: message.from?.normalized ?? "", newText: newText)
        detectedLanguage = LanguageDetector.detect(String(
            (message.subject + "\n" + newText).prefix(PriorityClassifier.readLimit)))
    }
}
