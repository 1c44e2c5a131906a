import MIME

/// The text work on one message that needs nothing from the store: new text, priority, language.
/// Pure and Sendable, so the worker computes it for a whole batch on all cores before its transaction.
public struct MessageAnalysis: Sendable {
    public var newText: String
    public var priority: PriorityDecision
    public var detectedLanguage: String?
    /// Whether a program sent it (RFC 3834 and common practice); nil for a person.
    public var automatic: AutomaticMail?

    public init(_ message: ParsedMessage, classifier: PriorityClassifier) {
        automatic = AutomaticMail.classify(message)
        newText = ReplyExtractor.newText(message.bodyText)
        priority = classifier.classify(message, newText: newText)
        detectedLanguage = LanguageDetector.detect(String((message.subject + "\n" + newText).prefix(PriorityClassifier.readLimit)))
    }
}
