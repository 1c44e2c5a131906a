import Foundation

/// Backfill input for `postdesk import`: an mbox file or a Maildir, read in order and never modified.
/// Keys are content hashes for mbox (so importing the same file twice is a no-op) and Maildir unique names.
public final class ImportSource: MailboxSource {
    public let path: String
    public var mailboxName: String { "import:" + path }
    private var items: [(key: String, load: () -> [UInt8]?)] = []
    private var cursor = 0

    public init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path,
            isDirectory: &isDirectory) else { throw TransportError("\(path) does not exist") }
        if isDirectory.boolValue {
            let root = URL(fileURLWithPath: path)
            for sub in ["cur", "new"] {
                let dir = root.appendingPathComponent(sub)
                let names = ((try? FileManager.default.contentsOfDirectory(
                    atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
                guard !names.isEmpty || sub == "new" else { continue }
                for name in names {
                    let url = dir.appendingPathComponent(name)
                    items.append((MaildirSource.key(of: name), { FileManager.default.contents(
                        atPath: url.path).map { [UInt8]($0) } }))
                }
            }
            if items.isEmpty, !FileManager.default.fileExists(atPath: root.appendingPathComponent("cur").path) {
                throw TransportError("\(path) is a directory but not a Maildir (no cur/ or new/)")
            }
        } else {
            guard let data = FileManager.default.contents(atPath: path) else { throw TransportError(
                "cannot read \(path)") }
            for message in Self.splitMbox([UInt8](data)) {
                items.append((Self.hashKey(message), { message }))
            }
        }
    }

    public var count: Int { items.count }

    static func hashKey(_ bytes: [UInt8]) -> String {
        // FNV-1a 64 over the bytes plus the length: cheap and stable; the intake log also dedups by Message-ID.
        var hash: UInt64 = 0xcbf29ce484222325
        for b in bytes { hash = (hash ^ UInt64(b)) &* 0x100000001b3 }
        return "mbox-\(String(hash, radix: 16))-\(bytes.count)"
    }

    static func splitMbox(_ data: [UInt8]) -> [[UInt8]] { Mbox.split(data) }

    public func fetch(after checkpoint: MailboxCheckpoint?, limit: Int) throws -> [IncomingMail] {
        var out: [IncomingMail] = []
        while cursor < items.count && out.count < limit {
            let item = items[cursor]
            cursor += 1
            if let bytes = item.load() { out.append(IncomingMail(key: item.key, bytes: bytes)) }
        }
        return out
    }

    public func settle(_ mail: IncomingMail, as disposition: Disposition) throws {}

    public func waitForMail(timeout: Double, interrupted: () -> Bool) {}

    /// Import never changes its input: the mail stays where it was read.
    public func quarantinePlace(of mail: IncomingMail) -> String { "\(path), left as it was" }
}

/// Mail already in hand (e.g. from the quarantine), offered to the pipeline once.
public final class MemorySource: MailboxSource {
    public let mailboxName: String
    private var mails: [IncomingMail]

    public init(name: String, mails: [IncomingMail]) {
        mailboxName = name
        self.mails = mails
    }

    public func fetch(after checkpoint: MailboxCheckpoint?, limit: Int) throws -> [IncomingMail] {
        let batch = Array(mails.prefix(limit))
        mails.removeFirst(batch.count)
        return batch
    }

    public func settle(_ mail: IncomingMail, as disposition: Disposition) throws {}
    public func waitForMail(timeout: Double, interrupted: () -> Bool) {}
}
