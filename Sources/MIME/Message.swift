import Foundation

/// A mailbox address: `Name <local@domain>`.
public struct Address: Equatable, Hashable, Sendable, Codable {
    public var name: String?
    public var email: String

    public init(name: String? = nil, email: String) {
        self.name = name
        self.email = email
    }

    /// The address in lower case, for comparisons (local parts are case-insensitive in practice).
    public var normalized: String { email.lowercased() }

    public var domain: String {
        guard let at = email.lastIndex(of: "@") else { return "" }
        return String(email[email.index(after: at)...]).lowercased()
    }
}

/// One header field as it appeared, unfolded, with its value decoded to text.
public struct HeaderField: Sendable, Equatable {
    public var name: String
    /// Unfolded value; raw 8-bit bytes read as UTF-8 (else windows-1252); encoded words NOT decoded.
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A named or non-text part of a message.
public struct Attachment: Sendable, Equatable, Codable {
    public var filename: String?
    public var contentType: String
    public var contentID: String?
    public var isInline: Bool
    public var data: [UInt8]

    public init(filename: String?, contentType: String, contentID: String? = nil, isInline: Bool = false,
        data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.contentID = contentID
        self.isInline = isInline
        self.data = data
    }

    public var size: Int { data.count }
    public var sha256: String { SHA256.hex(data) }
}

/// What a mail says, read once from its bytes. Parsing never fails: problems are listed in `defects`.
public struct ParsedMessage: Sendable {
    public var headers: [HeaderField]
    public var from: Address?
    public var sender: Address?
    public var replyTo: [Address]
    public var to: [Address]
    public var cc: [Address]
    public var subject: String
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var date: Date?
    /// Top-level media type, lower case (`text/plain`, `multipart/mixed`, …).
    public var contentType: String
    /// The readable body: text/plain, else HTML rendered as text.
    public var bodyText: String
    /// The HTML body when the message has one.
    public var bodyHTML: String?
    public var attachments: [Attachment]
    public var defects: [String]

    public init(headers: [HeaderField] = [], from: Address? = nil, sender: Address? = nil, replyTo: [Address] = [],
                to: [Address] = [], cc: [Address] = [], subject: String = "", messageID: String? = nil,
                inReplyTo: [String] = [], references: [String] = [], date: Date? = nil,
                contentType: String = "text/plain", bodyText: String = "", bodyHTML: String? = nil,
                attachments: [Attachment] = [], defects: [String] = []) {
        self.headers = headers
        self.from = from
        self.sender = sender
        self.replyTo = replyTo
        self.to = to
        self.cc = cc
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.date = date
        self.contentType = contentType
        self.bodyText = bodyText
        self.bodyHTML = bodyHTML
        self.attachments = attachments
        self.defects = defects
    }

    /// The first header of that name (case-insensitive), unfolded, encoded words not decoded.
    public func header(_ name: String) -> String? {
        headers.first { asciiCaseInsensitiveEqual($0.name, name) }?.value
    }

    /// Every header of that name, in order.
    public func headers(named name: String) -> [String] {
        headers.filter { asciiCaseInsensitiveEqual($0.name, name) }.map(\.value)
    }
}

/// Header-name comparison: ASCII case folding only (header names are ASCII), much cheaper than Foundation's.
@inline(__always) func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
    let x = a.utf8, y = b.utf8
    guard x.count == y.count else { return false }
    for (c, d) in zip(x, y) where c != d {
        let lc = (c >= 65 && c <= 90) ? c + 32 : c
        let ld = (d >= 65 && d <= 90) ? d + 32 : d
        if lc != ld { return false }
    }
    return true
}
