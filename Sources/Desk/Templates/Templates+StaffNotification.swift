import Foundation
import MIME

extension Templates {
    /// Shown of the customer's text in a notification: a pasted log of megabytes stays in the ticket.
    static let noticeTextLimit = 4000

    /// What staff see about a new ticket or a follow-up; they answer it by replying from their own mail client.
    public static func staffNotification(_ f: StaffNotificationFacts) -> String {
        let ref = f.reference
        var head: [String]
        switch f.event {
        case .newTicket: head = ["New ticket \(ref): \(f.subject)"]
        case .openedByStaff(let staff):
            head = ["New ticket \(ref): \(f.subject)", "Opened by \(display(staff)) for the customer."]
        case .split(let old, let staff):
            head = ["New ticket \(ref): \(f.subject)",
                    "Split from \(old) by \(display(staff)): the message came in on \(old) and is a ticket of its own."]
        case .followUp: head = ["Customer follow-up on \(ref): \(f.subject)"]
        case .reopened: head = ["\(ref) reopened by the customer: \(f.subject)"]
        }
        if !f.answeredBy.isEmpty { head.append(answeredLine(f.answeredBy, in: f.timeZone)) }
        var facts = ["From:      \(display(f.from))"]
        if !f.cc.isEmpty { facts.append("Cc:        \(f.cc.map(display).joined(separator: ", "))") }
        if !f.notAdded.isEmpty {
            facts.append("Not added: \(f.notAdded.map(display).joined(separator: ", ")) (outside the customer)")
        }
        facts += [
            "Customer:  \(f.customerName.map { "\($0) (\(f.planName) plan)" } ?? "none (\(f.planName) plan)")",
            "Priority:  \(f.priority.priority.rawValue) — \(f.priority.reason)",
            "React by:  " + (f.deadline.map { BusinessTimeFormat.deadline($0, in: f.timeZone, language: "en") }
                ?? "no target (best effort)"),
        ]
        if let claimed = f.claimedReference {
            facts.append("Claimed:   \(claimed) in the subject, not trusted from this sender, so this is a new ticket")
        }
        var text = MailText()
        text.paragraph(head.joined(separator: "\n"))
        text.paragraph(facts.joined(separator: "\n"))
        if !f.attachments.isEmpty { text.paragraph(attachmentList(f.attachments, reference: ref)) }
        let cut = scalarPrefixEnd(f.text, noticeTextLimit)
        let shown = cut.map {
            String(f.text[..<$0]) + "\n[… \(max(1, f.text.utf8[$0...].count / 1024)) KB more: postdesk show \(ref)]"
        } ?? f.text
        text.verbatim("----\n" + (shown.isEmpty ? "(no text)" : shown) + "\n----")
        text.paragraph(replyHelp)
        text.verbatim(commandHelp)
        return text.text
    }

    /// "Already answered by Anna Jensen (agent1@example.test) on Mon 16 Nov 10:10 and …": who has written to the
    /// customer, so a colleague reading a follow-up does not answer it a second time.
    static func answeredLine(_ answers: [StaffAnswer], in zone: TimeZone) -> String {
        let each = answers.map { a -> String in
            let who = a.staff.name.flatMap { $0.isEmpty ? nil : "\($0) (\(a.staff.email))" } ?? a.staff.email
            // No-break spaces: wrapping never splits the time.
            let when = BusinessTimeFormat.short(a.at, in: zone).replacingOccurrences(of: " ", with: Phrases.noBreak)
            return "\(who) on \(when)"
        }
        let listed = each.count < 2 ? each.joined() : each.dropLast().joined(separator: ", ") + " and " + each.last!
        return "Already answered by \(listed)."
    }

    /// "  1. screenshot.png (84 KB)", and for one left out the command that saves it.
    static func attachmentList(_ attachments: [StaffNotificationFacts.Attachment],
                               reference: TicketReference) -> String {
        var lines = ["Attachments:"]
        for a in attachments {
            let item = "  \(a.number). \(a.filename) (\(Phrases.english.amount(a.size)))"
            guard !a.attached else { lines.append(item); continue }
            // The command on a line of its own, so wrapping never splits it.
            lines.append(item + ", not attached; save it with")
            lines.append(String(repeating: " ", count: 4 + String(a.number).count)
                + "postdesk attachment \(reference) \(a.number) -o FILE")
        }
        return lines.joined(separator: "\n")
    }
}
