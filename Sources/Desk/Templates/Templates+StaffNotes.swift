import Foundation
import MIME

extension Templates {
    /// For staff (English, like every staff notice): one of our mails could not be delivered and will not be retried.
    public static func deliveryFailure(reference: TicketReference?, recipients: [String], subject: String,
                                       messageID: String, serverSaid: String) -> (subject: String, body: String) {
        var text = MailText()
        text.paragraph("A mail from Postdesk could not be delivered and will not be retried.")
        text.paragraph([
            "Recipients:  \(recipients.joined(separator: ", "))",
            "Subject:     \(subject)",
            "Message-ID:  <\(messageID)>",
            "Server said: \(serverSaid)",
        ].joined(separator: "\n"))
        if let reference {
            text.paragraph("The customer has not received it: reach them another way (phone, another address). "
                + "The ticket: postdesk show \(reference)")
        }
        return (tag(reference, unlessIn: subject) + "Delivery failed: " + subject, text.text)
    }

    /// Why a staff member's mail reached no customer, so it never vanishes silently.
    public enum NothingRelayedReason: Sendable, Equatable {
        /// Nothing above the quoted text (or only commands).
        case noNewText
        /// A reply-all: it stays internal unless it starts with #reply.
        case replyAll
        /// The mail names no ticket (no reference in the subject, not a reply to one of ours).
        case noTicket
    }

    /// A short note to the staff member whose mail relayed nothing: why, and how to send what they meant.
    public static func nothingRelayed(to staff: Address, reason: NothingRelayedReason, reference: TicketReference?,
                                      subject: String) -> (subject: String, body: String) {
        let name = PersonName(staff.name ?? "").map { "Hello \($0.first)," } ?? "Hello,"
        let what: String, fix: String
        switch reason {
        case .noNewText:
            what = "Your mail \"\(subject)\" had no text of its own above the quoted mail, so nothing was sent "
                + "to the customer."
            fix = "To answer the customer, write your text above the quote and send it again. To keep a note on the "
                + "ticket for colleagues only, start the mail with #note."
        case .replyAll:
            what = "Your reply-all \"\(subject)\" went to colleagues and was kept on the ticket as internal; "
                + "nothing was sent to the customer."
            fix = "To send it to the customer, reply again with #reply on the first line above your text."
        case .noTicket:
            what = "Your mail \"\(subject)\" names no ticket, so it was kept but not sent to anyone."
            fix = "Reply to a Postdesk mail about the ticket, or put the ticket's reference in square brackets in "
                + "the subject."
        }
        var text = MailText()
        text.paragraph(name)
        text.paragraph(what)
        text.paragraph(fix)
        if let reference { text.paragraph("The ticket: postdesk show \(reference)") }
        text.paragraph("Postdesk")
        return (tag(reference, unlessIn: subject) + "Not sent to the customer: " + subject, text.text)
    }

    /// "[PD-…] " for a subject that does not carry the ticket's tag yet.
    static func tag(_ reference: TicketReference?, unlessIn subject: String) -> String {
        reference.flatMap { subject.contains($0.tag) ? nil : $0.tag + " " } ?? ""
    }
}
