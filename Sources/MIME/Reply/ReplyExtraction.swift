/// What `ReplyExtractor` made of a mail: the words its sender wrote, and whether it had to give up.
public struct ReplyExtraction: Sendable, Equatable {
    /// The new text: the sender's own lines (top-, bottom- or inline-posted), forwarded text below a cover note,
    /// without quoted history and signature. Never empty when the body has any text.
    public var text: String
    /// True when the rules left nothing although the body holds text, so `text` is the whole body: the desk
    /// cannot tell what is new, and someone should look (a staff mail that relays nothing, say).
    public var fellBack: Bool

    public init(text: String, fellBack: Bool = false) {
        self.text = text
        self.fellBack = fellBack
    }
}
