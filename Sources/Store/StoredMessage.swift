import Desk
import Foundation
import MIME

/// Whether a stored message came in or went out (stored as "in" and "out").
public enum MessageDirection: String, Sendable {
    case incoming = "in", outgoing = "out"
}

/// What a stored message is: an incoming message's role, or the kind of mail we sent.
public enum StoredRole: Sendable, Equatable, CustomStringConvertible {
    case incoming(MessageRole)
    case outgoing(MailKind)
    /// A value written by a version that knew more roles.
    case other(String)

    init(_ text: String, direction: MessageDirection?) {
        if direction == .outgoing, let kind = MailKind(rawValue: text) { self = .outgoing(kind) }
        else if let role = MessageRole(rawValue: text) { self = .incoming(role) }
        else { self = .other(text) }
    }

    public var description: String {
        switch self {
        case .incoming(let role): return role.rawValue
        case .outgoing(let kind): return kind.rawValue
        case .other(let text): return text
        }
    }
}

/// A stored message of a ticket.
public struct StoredMessage: Sendable {
    public var id: Int64
    public var direction: MessageDirection
    public var role: StoredRole
    public var messageID: String?
    public var from: Address?
    public var subject: String
    public var createdAt: Date
    public var newText: String
    public var bodyText: String
    /// Reply extraction found nothing new, so the whole body is kept as the new text (`show` says so).
    public var newTextIsWholeBody: Bool
    public var attachments: [StoredAttachment]
}

public struct StoredAttachment: Sendable, Equatable {
    public var filename: String?
    public var contentType: String
    public var size: Int
    public var sha256: String
}
