import Foundation

/// A mail Postdesk writes. Everything in it is plain text; `MessageWriter` makes it safe and RFC 5322.
public struct OutgoingMail: Sendable, Equatable, Codable {
    public var from: Address
    public var to: [Address]
    public var cc: [Address]
    public var replyTo: Address?
    public var subject: String
    /// Without angle brackets.
    public var messageID: String
    public var inReplyTo: String?
    public var references: [String]
    public var date: Date
    /// The zone whose offset the Date header carries (nil: +0000); the configured zone, so a client quoting the mail
    /// shows the time its text states.
    public var timeZone: TimeZone?
    /// RFC 3834: `auto-replied` for acknowledgements, `auto-generated` for notices; nil for relayed human replies.
    public var autoSubmitted: String?
    public var extraHeaders: [ExtraHeader]
    public var body: String
    /// An HTML rendering of `body` (the CSM's monthly report): sent as multipart/alternative after the text, which
    /// stays the part every client can show. Nil for every other mail.
    public var html: String?
    /// Files sent with the text (a staff member's attachments relayed, a customer's in the staff notification).
    public var attachments: [Attachment]

    public struct ExtraHeader: Sendable, Equatable, Codable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(from: Address, to: [Address], cc: [Address] = [], replyTo: Address? = nil, subject: String,
                messageID: String, inReplyTo: String? = nil, references: [String] = [], date: Date,
                timeZone: TimeZone? = nil, autoSubmitted: String? = nil, extraHeaders: [ExtraHeader] = [],
                body: String, html: String? = nil, attachments: [Attachment] = []) {
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.date = date
        self.timeZone = timeZone
        self.autoSubmitted = autoSubmitted
        self.extraHeaders = extraHeaders
        self.body = body
        self.html = html
        self.attachments = attachments
    }

    /// Envelope recipients: To then Cc, each address once.
    public var recipients: [String] {
        var seen = Set<String>()
        return (to + cc).map(\.email).filter { seen.insert($0.lowercased()).inserted }
    }
}
