import Configuration
import Desk
import Foundation
import MIME
import Store
import Transport

extension Pipeline {
    /// Queues every warning and breach notice that is due; each ticket update and its notice commit together. The
    /// notices are held per recipient and go out (alone or as a digest) from `flushNotices`.
    @discardableResult
    public func escalate(into summary: inout PassSummary) throws -> Int {
        let instant = now()
        var count = 0
        for due in try store.ticketsNeedingEscalation(now: instant) {
            let ticket = try page(due, at: instant)
            guard let (marked, queued) = Escalations.due(ticket, policy: policy, now: instant,
                history: try history(of: ticket),
                                                         makeMessageID: makeMessageID) else { continue }
            try store.transaction {
                try store.updateTicket(marked, at: instant)
                if let queued { try enqueue([queued], ticketID: ticket.id, at: instant) }
                try store.logEscalation(
                    ticketID: ticket.id, kind: marked.clock?.breachSent == true ? "breach" : "warning", at: instant)
            }
            if let queued {
                count += 1
                log.info("ticket.\(queued.kind.rawValue)", [("ref", ticket.reference.description),
                    ("to", queued.mail.recipients.joined(separator: ","))])
            }
        }
        summary.escalations += count
        try flushNotices()
        try sendRefusedDigest()
        return count
    }

    /// Which held group a notice gathers in, and for how long after the last one sent; nil: it is sent at once.
    /// Warnings and breaches gather apart, so a breach never waits behind its own ticket's warning.
    func digestWindow(_ kind: MailKind) -> (grouping: String, seconds: Double)? {
        switch kind {
        case .escalationWarning, .escalationBreach: return (kind.rawValue, policy.noticeDigestSeconds)
        case .answeredNote where policy.answeredNotes == .daily: return ("answered", 86_400)
        default: return nil
        }
    }

    /// Holds a digested notice, one row per recipient, inside the caller's transaction; false when it is not held.
    func hold(_ queued: QueuedMail, ticketID: Int64?, at: Date) throws -> Bool {
        guard let window = digestWindow(queued.kind) else { return false }
        var seen = Set<String>()
        for recipient in queued.mail.to + queued.mail.cc where seen.insert(recipient.normalized).inserted {
            try store.holdNotice(queued, to: recipient, grouping: window.grouping, window: window.seconds,
                                 ticketID: ticketID, at: at)
        }
        return true
    }

    /// Sends what is due of the held notices: per person and group, one notice as written or one digest of several.
    @discardableResult
    public func flushNotices() throws -> Int {
        let instant = now()
        let due = try store.dueNotices(now: instant)
        var groups: [[HeldNotice]] = []
        for held in due {
            if let last = groups.last?.last, last.recipient.normalized == held.recipient.normalized,
               last.grouping == held.grouping {
                groups[groups.count - 1].append(held)
            } else {
                groups.append([held])
            }
        }
        for group in groups {
            guard let first = group.first,
                  let mail = NoticeDigest.mail(group.map(\.notice), to: first.recipient, policy: policy, now: instant,
                                               messageID: makeMessageID()) else { continue }
            try store.transaction {
                try store.enqueue(mail, raw: MessageWriter.render(mail.mail),
                                  ticketID: group.count == 1 ? first.ticketID : nil, at: instant)
                try store.markNoticesSent(group.map(\.id), at: instant)
            }
            if group.count > 1 {
                log.info("notice.digest", [("to", first.recipient.normalized), ("notices", "\(group.count)"),
                                           ("refs", mail.mail.extraHeaders.first?.value ?? "")])
            }
        }
        return groups.count
    }
}

extension Pipeline {
    /// The daily refused-mail digest to the notify list, once per day across restarts (a `scheduled_runs` job like
    /// the monthly reports and the purge; its time is where the next digest starts); a day with nothing refused
    /// sends nothing but is marked done.
    @discardableResult
    public func sendRefusedDigest() throws -> Bool {
        let instant = now()
        guard let day = RefusedDigest.dueDay(at: instant, policy: policy) else { return false }
        let last = try store.lastRun("refused-digest")
        guard last?.period != day else { return false }
        // The first digest covers the day before; each later one, everything since the last.
        let since = last?.at ?? instant.addingTimeInterval(-86_400)
        let refused = try store.refusedMails(after: since, upTo: instant)
        let mail = RefusedDigest.mail(refused, day: day, policy: policy, now: instant, messageID: makeMessageID())
        try store.transaction {
            guard try store.claimRun("refused-digest", period: day, at: instant) else { return }
            if let mail { try store.enqueue(mail, raw: MessageWriter.render(mail.mail), ticketID: nil, at: instant) }
        }
        if mail != nil { log.info("refused.digest", [("day", day), ("mails", "\(refused.count)")]) }
        return mail != nil
    }
}
