import Foundation

// The errors the transports throw, in one place: what callers switch on to decide retry, back off or fail.

/// A settings mistake found before any connection is made, with the settings field it is about
/// (`url`, `tls`, `username`, `password`, `caFile`, `heloName`, `mailbox`, …) so a config reader can point at it.
public struct TransportConfigError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var field: String
    public init(field: String = "", _ message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { message }
}

/// Everything that can go wrong talking IMAP.
public enum IMAPError: Error, CustomStringConvertible, Equatable {
    /// The settings are unusable (bad URL, tls none on a remote host, ...).
    case invalidSettings(String)
    /// The server certificate was not accepted (wrong CA file, name mismatch).
    case tlsVerificationFailed(String)
    /// Login refused.
    case authenticationFailed(String)
    /// Connect, send or receive failed, the server closed the connection, or a timeout.
    case connectionFailed(String)
    /// The server answered NO or BAD to a command.
    case commandFailed(command: String, response: String)
    /// The server said something this client cannot parse.
    case protocolError(String)
    /// Not connected and waiting before the next reconnect attempt.
    case unavailable(String)
    /// The server is at a limit or overloaded (`[LIMIT]`, `[OVERQUOTA]`, `[UNAVAILABLE]`, `BYE`, Exchange's
    /// `Server Unavailable. 15`): wait longer before trying again.
    case serverBusy(String)
    /// A settle for a mail whose UIDVALIDITY is no longer the mailbox's.
    case staleMail(String)
    /// libcurl could not start the SASL mechanism it picked (GSSAPI/NTLM here: curl error 94).
    case mechanismCannotStart(String)

    public var description: String {
        switch self {
        case .invalidSettings(let m): return "IMAP settings: \(m)"
        case .tlsVerificationFailed(let m): return m
        case .authenticationFailed(let m): return "IMAP login failed: \(m)"
        case .connectionFailed(let m): return "IMAP connection failed: \(m)"
        case .commandFailed(let c, let r): return "IMAP command '\(c)' failed: \(r)"
        case .protocolError(let m): return "IMAP protocol error: \(m)"
        case .unavailable(let m): return "IMAP unavailable: \(m)"
        case .serverBusy(let m): return "IMAP server busy or at a limit: \(m)"
        case .staleMail(let m): return "IMAP: \(m)"
        case .mechanismCannotStart(let m): return "IMAP login mechanism cannot start: \(m)"
        }
    }

    /// The server refused the credentials (a token to renew, with OAuth2).
    var isLoginRefusal: Bool {
        if case .authenticationFailed = self { return true }
        return false
    }

    /// Errors after which the connection is no longer usable.
    var losesConnection: Bool {
        switch self {
        case .connectionFailed, .protocolError, .serverBusy: return true
        default: return false
        }
    }
}

/// Why a send did not go through: retry later, or give up.
public enum SendError: Error, Equatable, CustomStringConvertible {
    case temporary(String)
    case permanent(String)
    /// The server refused our account, not this mail (530, 535, M365's 5.7.30 and 5.7.139): a configuration
    /// problem. Keep the mail pending, back off, and let `health` fail with the server's words.
    case account(String)

    public var description: String {
        switch self {
        case .temporary(let why): return "temporary: \(why)"
        case .permanent(let why): return "permanent: \(why)"
        case .account(let why): return "account refused: \(why)"
        }
    }
}

/// A transport failure with the words an operator needs.
public struct TransportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
