import Foundation
import Store
import Transport

/// `startAt: new` (issue 16): mail already in the mailbox when the worker first starts on it is imported as
/// backfill (tickets, no mails sent, no clocks). The boundary is found once — IMAP: the UIDNEXT of the first
/// fetch; Maildir: the instant of the first start, against each file's modification time — and kept in the
/// state table, so a restart in the middle of the backfill goes on with it.
enum StartBoundary {
    static func keep(_ source: MailboxSource, in store: PostdeskStore, log: Log,
                     now: @escaping () -> Date) throws {
        if let imap = source as? IMAPSource { try keep(imap, in: store, now: now) }
        if let maildir = source as? MaildirSource, maildir.startAt == .new { try keep(maildir, in: store, log: log) }
    }

    static func keep(_ imap: IMAPSource, in store: PostdeskStore, now: @escaping () -> Date) throws {
        let key = "imap_backfill_below:" + imap.mailboxName
        if let kept = try store.state(key)?.value.split(separator: "/"), kept.count == 2,
           let validity = UInt64(kept[0]), let uid = UInt64(kept[1]) {
            imap.backfillBelow = (validity, uid)
        }
        imap.onStartBoundary = { validity, uid in try? store.setState(key, "\(validity)/\(uid)", at: now()) }
    }

    /// The wall clock, not the pipeline's (which tests and `--now` move): it is compared with file times. Those
    /// come from the kernel's coarse clock (a tick behind): mail delivered within milliseconds of the very first
    /// start may count as already there.
    static func keep(_ maildir: MaildirSource, in store: PostdeskStore, log: Log) throws {
        let key = "maildir_backfill_before:" + maildir.mailboxName
        if let kept = try store.state(key), let seconds = Double(kept.value) {
            maildir.backfillBefore = Date(timeIntervalSince1970: seconds)
            return
        }
        // A Maildir this database has taken mail from is past its first start (an upgrade from before startAt).
        guard try !store.hasIntake(source: maildir.mailboxName) else { return }
        let first = Date()
        try store.setState(key, String(first.timeIntervalSince1970), at: first)
        maildir.backfillBefore = first
        log.info("mailbox.first_start", [("mailbox", maildir.mailboxName),
            ("message", "startAt new: mail already in new/ is imported as backfill (no mails, no clocks)")])
    }
}
