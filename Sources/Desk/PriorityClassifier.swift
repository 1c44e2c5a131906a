import MIME

/// Classifies a customer mail P1–P5 (markers → impact wording → X-Priority/Importance → default). First cut.
public struct PriorityClassifier: Sendable {
    public var defaultPriority: Priority

    public init(defaultPriority: Priority = .p3) {
        self.defaultPriority = defaultPriority
    }

    public func classify(_ message: ParsedMessage) -> PriorityDecision {
        let text = (message.subject + "\n" + ReplyExtractor.newText(message.bodyText)).lowercased()
        for p in Priority.allCases where text.contains("[\(p.rawValue.lowercased())]") {
            return PriorityDecision(p, reason: "marker [\(p.rawValue)]")
        }
        return PriorityDecision(defaultPriority, reason: "default")
    }
}
