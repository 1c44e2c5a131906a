import Configuration
import Desk
import Foundation
import MIME
import Store

/// A lost database would start the reference sequence again at 000001 and hand customers a reference another
/// customer already holds. With no reference on record, the sequence is raised to the highest reference found
/// in what survives beside it: the file outbox (our own mails) and the Maildir's settled mail (replies carrying
/// our tags). Deriving beats refusing: the operator can restart at once, and a forged tag can only push the
/// sequence up, never make it repeat. With IMAP and SMTP nothing survives locally; see README (Reliability).
enum ReferenceFloor {
    /// A subject sits in the first lines; reading more of each file would make a restart cost the whole mailbox.
    static let headBytes = 16 * 1024

    static func folders(_ config: Configuration) -> [String] {
        var folders: [String] = []
        if case .files(let path) = config.outbox { folders.append(path) }
        if case .maildir(let path, _) = config.mailbox {
            folders += [path + "/cur", path + "/.Postdesk.Quarantine/cur"]
        }
        return folders
    }

    /// The highest number per year with `prefix` in the subjects of the files in `folders`.
    static func highest(in folders: [String], prefix: String) -> [Int: Int] {
        var top: [Int: Int] = [:]
        for folder in folders {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                guard let head = FileHandle(forReadingAtPath: folder + "/" + name).flatMap({ handle in
                    defer { try? handle.close() }
                    return try? handle.read(upToCount: headBytes)
                }) else { continue }
                let subject = MessageParser.parse([UInt8](head)).subject
                for ref in TicketReference.all(in: subject, prefix: prefix) {
                    top[ref.year] = max(top[ref.year] ?? 0, ref.number)
                }
            }
        }
        return top
    }
}

extension Pipeline {
    /// Before the first pass of `run`: raises an empty reference sequence to the references already issued (see
    /// ReferenceFloor); returns the floors set.
    @discardableResult
    public func restoreReferenceFloor() throws -> [TicketReference] {
        let prefix = policy.referencePrefix
        guard try !store.hasReferences(prefix: prefix) else { return [] }
        let floors = ReferenceFloor.highest(in: ReferenceFloor.folders(config), prefix: prefix)
            .sorted { $0.key < $1.key }.map { TicketReference(prefix: prefix, year: $0.key, number: $0.value) }
        guard !floors.isEmpty else { return [] }
        try store.transaction { for floor in floors { try store.takeReference(floor) } }
        for floor in floors {
            log.warning("store.reference_floor", [("last_issued", floor.description),
                                                  ("why", "no reference on record; found in the outbox or mailbox")])
        }
        return floors
    }
}
