import Foundation
import Glibc

/// The embedded default mailbox: a Maildir, as Postfix and Dovecot write it.
/// New mail sits in `new/`; it moves to `cur/` only after its transaction committed, and quarantined mail to the
/// Maildir++ folder `.Postdesk.Quarantine`, so a mail client sees it and nothing is ever deleted.
public final class MaildirSource: MailboxSource {
    public let root: URL
    public var mailboxName: String { "maildir:" + root.path }
    /// File names of fetched, unsettled mail by key, so settling does not list new/ again (that was O(n²)).
    private var fileNames: [String: String] = [:]
    /// new/ as last listed, oldest first; `listedHead` is the first name not yet handed out. A pass lists new/
    /// once and takes batches from here; only when it runs short is new/ listed again, for what arrived since.
    private var listed: [String] = []
    private var listedHead = 0
    /// Names handed out and perhaps still in new/ (in hand, or a settle that failed), so a new listing leaves
    /// them to the next pass.
    private var handedOut: Set<String> = []
    /// How often new/ was listed for a fetch (tests and the scale benchmark read it).
    private(set) public var listings = 0

    /// Larger mail is not read whole: only its head (for the sender and subject of the polite answer).
    let maxMessageBytes: Int
    /// A batch stops growing past this many bytes (at least one mail is always taken).
    let batchBytes: Int
    static let headBytes = 64 * 1024
    /// What the first start does with mail already in new/ (see `StartAt`); the boundary is `backfillBefore`.
    public var startAt: StartAt = .all
    /// With `startAt: new`: a mail file last modified before this instant (the first start) was there already and
    /// is imported as backfill. Kept across restarts by the caller, like IMAP's UID boundary.
    public var backfillBefore: Date?
    /// Where entries of new/ that are no mail files go (see `settle`).
    public static let setAsideFolder = "postdesk-set-aside"

    public init(path: String, maxMessageBytes: Int = .max, batchBytes: Int = 64 * 1024 * 1024) throws {
        root = URL(fileURLWithPath: path)
        self.maxMessageBytes = maxMessageBytes
        self.batchBytes = batchBytes
        for sub in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(sub),
                withIntermediateDirectories: true)
        }
    }

    /// The unique part of a Maildir file name (before the `:2,` info), stable across new/ → cur/.
    static func key(of name: String) -> String {
        name.split(separator: ":", maxSplits: 1).first.map(String.init) ?? name
    }

    func waiting() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(
            atPath: root.appendingPathComponent("new").path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted()
    }

    /// A pass begins: new/ is listed afresh.
    public func fetch(after checkpoint: MailboxCheckpoint?, limit: Int) throws -> [IncomingMail] {
        handedOut = []
        relist()
        return take(limit, listedNow: true)
    }

    /// The next mails of the listing, up to `limit` and the batch's bytes; when the listing runs short, new/ is
    /// listed again (once) for what arrived since. A name counts as handed out only once it is read.
    private func take(_ limit: Int, listedNow: Bool = false) -> [IncomingMail] {
        var mails: [IncomingMail] = []
        var bytes = 0
        var relisted = listedNow
        while mails.count < limit && (mails.isEmpty || bytes < batchBytes) {
            if listedHead == listed.count {
                if relisted { break }
                relist()
                relisted = true
                continue
            }
            let name = listed[listedHead]
            listedHead += 1
            handedOut.insert(name)
            let path = root.appendingPathComponent("new").appendingPathComponent(name).path
            // A file that vanished (another reader settled it) is simply skipped.
            guard let mail = read(path, key: Self.key(of: name)) else { continue }
            fileNames[mail.key] = name
            bytes += mail.bytes.count
            mails.append(mail)
        }
        return mails
    }

    private func relist() {
        let all = waiting()
        listings += 1
        handedOut = handedOut.intersection(all)   // settled names left new/ and never return
        listed = all.filter { !handedOut.contains($0) }
        listedHead = 0
    }

    /// One entry of new/, never following a symlink and never blocking on a FIFO; the size is known before a
    /// byte is read, so an oversized mail costs its head only. nil when the entry is gone.
    func read(_ path: String, key: String) -> IncomingMail? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what = kind == S_IFLNK ? "a symbolic link" : kind == S_IFDIR ? "a folder" : kind == S_IFIFO ? "a FIFO"
                : "a special file"
            return IncomingMail(key: key, bytes: [],
                                unreadable: "not a mail file: \(what) in new/ (set aside unopened)")
        }
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            return IncomingMail(key: key, bytes: [], unreadable: "unreadable: \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(fd) }
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            return IncomingMail(key: key, bytes: [], unreadable: "not a mail file: replaced while read")
        }
        let size = Int(st.st_size)
        let wanted = size > maxMessageBytes ? min(size, Self.headBytes) : size
        var data = [UInt8](repeating: 0, count: wanted)
        var done = 0
        while done < wanted {
            let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, wanted - done, off_t(done)) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                return IncomingMail(key: key, bytes: [], unreadable: "unreadable: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            done += n
        }
        data.removeLast(wanted - done)
        var mail = IncomingMail(key: key, bytes: data, size: max(size, done))
        if let before = backfillBefore {
            let modified = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
            mail.backfill = modified < before.timeIntervalSince1970
        }
        return mail
    }

    /// The batch after `previous` (still in new/ until settled): the rest of the listing, then new arrivals.
    public func fetch(following previous: [IncomingMail], limit: Int) throws -> [IncomingMail] {
        take(limit)
    }

    public func settle(_ mail: IncomingMail, as disposition: Disposition) throws {
        guard let name = fileNames.removeValue(forKey: mail.key) ?? waiting().first(
            where: { Self.key(of: $0) == mail.key }) else { return }
        let source = root.appendingPathComponent("new").appendingPathComponent(name)
        if mail.unreadable != nil {
            // Not into the Maildir++ quarantine folder: IMAP would follow a symlink there. A plain folder is no
            // mail folder to Dovecot, and the entry is renamed, never opened.
            let aside = root.appendingPathComponent(Self.setAsideFolder)
            try PrivateFile.folder(aside.path)
            try Self.move(source, to: aside.appendingPathComponent(name))
            return
        }
        let folder: URL
        switch disposition {
        case .processed: folder = root
        case .quarantined: folder = root.appendingPathComponent(Self.quarantineFolder)
        }
        if disposition != .processed {
            for sub in ["new", "cur", "tmp"] {
                try PrivateFile.folder(folder.appendingPathComponent(sub).path)
            }
        }
        try Self.move(source, to: folder.appendingPathComponent("cur").appendingPathComponent(mail.key + ":2,"))
    }

    /// The Maildir++ folder quarantined mail moves to, whole.
    static let quarantineFolder = ".Postdesk.Quarantine"

    public func quarantinePlace(of mail: IncomingMail) -> String {
        "the quarantine folder " + Self.quarantinedFile(root: root.path, key: mail.key)
    }

    /// Where the whole mail of a quarantined key lies (the record may hold only its head: an oversized mail).
    public static func quarantinedFile(root: String, key: String) -> String {
        URL(fileURLWithPath: root).appendingPathComponent(quarantineFolder).appendingPathComponent("cur")
            .appendingPathComponent(key + ":2,").path
    }

    /// rename(2): atomic, and a symlink moves as itself.
    static func move(_ source: URL, to target: URL) throws {
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
