import Foundation

/// The embedded default mailbox: a Maildir, as Postfix and Dovecot write it.
/// New mail sits in `new/`; it moves to `cur/` only after its transaction committed, and quarantined mail to the
/// Maildir++ folder `.Postdesk.Quarantine`, so a mail client sees it and nothing is ever deleted.
public final class MaildirSource: MailboxSource {
    public let root: URL
    public var mailboxName: String { "maildir:" + root.path }
    /// File names of fetched, unsettled mail by key, so settling does not list new/ again (that was O(n²)).
    private var fileNames: [String: String] = [:]

    public init(path: String) throws {
        root = URL(fileURLWithPath: path)
        for sub in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
    }

    /// The unique part of a Maildir file name (before the `:2,` info), stable across new/ → cur/.
    static func key(of name: String) -> String {
        name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
    }

    func waiting() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("new").path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    public func fetch(after checkpoint: MailboxCheckpoint?, limit: Int) throws -> [IncomingMail] {
        load(waiting().prefix(limit))
    }

    private func load<Names: Sequence<String>>(_ names: Names) -> [IncomingMail] {
        var mails: [IncomingMail] = []
        for name in names {
            let url = root.appendingPathComponent("new").appendingPathComponent(name)
            // A file that vanished (another reader settled it) is simply skipped.
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            let key = Self.key(of: name)
            fileNames[key] = name
            mails.append(IncomingMail(key: key, bytes: [UInt8](data)))
        }
        return mails
    }

    /// What `fetch` returns, less `previous`: those files are still in new/ until settled.
    public func fetch(following previous: [IncomingMail], limit: Int) throws -> [IncomingMail] {
        let inHand = Set(previous.map(\.key))
        return load(waiting().lazy.filter { !inHand.contains(Self.key(of: $0)) }.prefix(limit))
    }

    public func settle(_ mail: IncomingMail, as disposition: Disposition) throws {
        let fm = FileManager.default
        guard let name = fileNames.removeValue(forKey: mail.key) ?? waiting().first(where: { Self.key(of: $0) == mail.key }) else { return }
        let source = root.appendingPathComponent("new").appendingPathComponent(name)
        let folder: URL
        switch disposition {
        case .processed: folder = root
        case .quarantined: folder = root.appendingPathComponent(".Postdesk.Quarantine")
        }
        if disposition != .processed {
            for sub in ["new", "cur", "tmp"] {
                try fm.createDirectory(at: folder.appendingPathComponent(sub), withIntermediateDirectories: true)
            }
        }
        let target = folder.appendingPathComponent("cur").appendingPathComponent(mail.key + ":2,")
        if rename(source.path, target.path) != 0 {
            throw TransportError("cannot move \(source.path) to \(target.path): \(String(cString: strerror(errno)))")
        }
    }

    public func waitForMail(timeout: Double, interrupted: () -> Bool) {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end && !interrupted() {
            if !waiting().isEmpty { return }
            usleep(200_000)
        }
    }
}

/// A transport failure with the words an operator needs.
public struct TransportError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
