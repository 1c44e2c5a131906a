// Debug builds only: Transport's IMAP connection is internal, and `@testable import` needs a module built for
// testing, which a release build is not (`swift build -c release` builds this target too, as an empty module).
import Foundation
#if DEBUG
@testable import Transport

/// Raw IMAP as one stack user (plain login on loopback) for test setup and inspection, on the connection
/// class the worker's source uses.
public final class StackIMAP {
    public let user: String
    let c: IMAPConnection

    public init(_ stack: MailStack, user: String, timeout: Double = 30) throws {
        self.user = user
        let ep = try IMAPSettings(url: "imap://\(stack.host):\(stack.imapPort)", username: user,
            password: stack.password,
                                  tls: TLSMode.none).validated()
        c = try IMAPConnection(endpoint: ep, username: user, password: stack.password, caFile: nil, connectTimeout: 5,
            timeout: timeout)
    }

    deinit { c.logout() }

    /// An IMAP quoted string.
    public static func q(_ s: String) -> String { IMAPConnection.quote(s) }

    /// Sends one command and waits for its completion; NO or BAD throw.
    public func command(_ cmd: String) throws { try c.command(cmd) }

    /// Creates `box`; one that exists already is fine.
    public func create(_ box: String) throws {
        do { try c.command("CREATE \(Self.q(box))") } catch IMAPError.commandFailed(
            _, let r) where r.uppercased().contains("ALREADYEXISTS") {}
    }

    public func delete(_ box: String) throws { try c.command("DELETE \(Self.q(box))") }

    public func append(_ box: String, _ bytes: [UInt8]) throws {
        let tag = c.nextTag()
        try c.sendRaw(Array("\(tag) APPEND \(Self.q(box)) {\(bytes.count)}\r\n".utf8))
        guard let r = try c.readResponse(deadline: Date().addingTimeInterval(20)), r.tag == "+" else {
            throw IMAPError.protocolError("APPEND: no continuation")
        }
        try c.sendRaw(bytes + [13, 10])
        _ = try c.complete(tag: tag, cmd: "APPEND")
    }

    /// UIDs in `box` matching an IMAP SEARCH `criteria` (e.g. `SUBJECT "x"`), ascending; a fresh EXAMINE each time.
    public func search(_ box: String, _ criteria: String) throws -> [UInt64] {
        try c.command("EXAMINE \(Self.q(box))")
        return try c.uidSearch(criteria)
    }

    /// UIDs in `box` whose Message-ID header contains `id`.
    public func search(_ box: String, messageID id: String) throws -> [UInt64] {
        try search(box, "HEADER Message-ID \(Self.q(id))")
    }

    /// Polls `search` until at least `count` messages match or `timeout` passes; returns the last result.
    public func waitFor(_ box: String, _ criteria: String, count: Int = 1, timeout: Double = 20) throws -> [UInt64] {
        var uids: [UInt64] = []
        try waitUntil(timeout, every: 0.2) {
            uids = try search(box, criteria)
            return uids.count >= count
        }
        return uids
    }

    public func waitFor(_ box: String, messageID id: String, timeout: Double = 10) throws -> [UInt64] {
        try waitFor(box, "HEADER Message-ID \(Self.q(id))", timeout: timeout)
    }

    public func count(_ box: String) throws -> Int { try search(box, "ALL").count }

    /// The raw message (BODY.PEEK: no \Seen).
    public func fetch(_ box: String, uid: UInt64) throws -> String {
        try c.command("EXAMINE \(Self.q(box))")
        var out: [UInt8] = []
        try c.command("UID FETCH \(uid) (BODY.PEEK[])") { r in
            guard let lit = r.literals.last, r.text.contains("FETCH") else { return false }
            out = lit
            return true
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The FETCH responses with the FLAGS of every message in `box`.
    public func flags(_ box: String) throws -> [String] { try fetchFlags(box, "1:*") }

    /// The FETCH response with the FLAGS of the message `uid` in `box`.
    public func flags(_ box: String, uid: UInt64) throws -> String { try fetchFlags(box,
        "\(uid)").joined(separator: "\n") }

    private func fetchFlags(_ box: String, _ uids: String) throws -> [String] {
        try c.command("EXAMINE \(Self.q(box))")
        var out: [String] = []
        try c.command("UID FETCH \(uids) (FLAGS)") { r in
            guard r.text.contains("FETCH") else { return false }
            out.append(r.text)
            return true
        }
        return out
    }

    public func move(_ box: String, uids: [UInt64], to target: String) throws {
        guard !uids.isEmpty else { return }
        try c.command("SELECT \(Self.q(box))")
        try c.command("UID MOVE \(IMAPSource.uidSet(uids)) \(Self.q(target))")
        try c.command("CLOSE")
    }

    /// MESSAGES, UIDNEXT and UIDVALIDITY of `box` (-1/0/0 when it does not exist).
    public func status(_ box: String) throws -> (messages: Int, uidNext: UInt64, validity: UInt64) {
        var out: (Int, UInt64, UInt64) = (-1, 0, 0)
        // STATUS of the mailbox this session has selected may show the session's stale view: select another.
        try c.command("EXAMINE INBOX") { _ in true }
        do {
            try c.command("STATUS \(Self.q(box)) (MESSAGES UIDNEXT UIDVALIDITY)") { r in
                guard r.text.hasPrefix("STATUS") else { return false }
                let w = r.text.replacingOccurrences(of: "(", with: " ").replacingOccurrences(of: ")", with: " ").split(
                    separator: " ")
                for (i, k) in w.enumerated() where i + 1 < w.count {
                    if k == "MESSAGES" { out.0 = Int(w[i + 1]) ?? -1 }
                    if k == "UIDNEXT" { out.1 = UInt64(w[i + 1]) ?? 0 }
                    if k == "UIDVALIDITY" { out.2 = UInt64(w[i + 1]) ?? 0 }
                }
                return true
            }
        } catch IMAPError.commandFailed { return (-1, 0, 0) }
        return out
    }

    public struct Head: Sendable {
        public var uid: UInt64
        public var messageID: String
        public var inReplyTo: String
        public var subject: String
        public var autoSubmitted: String
    }

    /// Message-ID, In-Reply-To, Subject and Auto-Submitted of every mail in `box` (empty when it does not exist).
    public func heads(_ box: String) throws -> [Head] {
        do { try c.command("EXAMINE \(Self.q(box))") } catch IMAPError.commandFailed { return [] }
        if c.exists == 0 { return [] }
        var out: [Head] = []
        try c.command(
            "UID FETCH 1:* (UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID IN-REPLY-TO SUBJECT AUTO-SUBMITTED)])") { r in
            guard let lit = r.literals.last, let uid = IMAPConnection.fetchUID(r.text) else { return false }
            let text = String(decoding: lit, as: UTF8.self)
            func field(_ name: String) -> String { Self.bare(header(name, in: text) ?? "") }
            out.append(Head(uid: uid, messageID: field("Message-ID"), inReplyTo: field("In-Reply-To"),
                            subject: header("Subject", in: text) ?? "", autoSubmitted: header(
                                "Auto-Submitted", in: text) ?? ""))
            return true
        }
        return out
    }

    static func bare(_ id: String) -> String {
        id.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
    }
}
#endif

/// One header's value (unfolded) from a raw message or a header block.
public func header(_ name: String, in raw: String) -> String? {
    let head = raw.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")[0]
        .replacingOccurrences(of: "\n ", with: " ").replacingOccurrences(of: "\n\t", with: " ")
    return head.components(separatedBy: "\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
        .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
}
