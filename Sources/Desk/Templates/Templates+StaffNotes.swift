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

    /// Why a staff mail did nothing, and what to write instead.
    public enum StaffHelpReason: Sendable, Equatable {
        /// A staff mail to support naming no ticket and no customer.
        case namesNoTicket
        /// A reply on a ticket whose new text was empty (only quotes or commands).
        case relayedNothing(TicketReference)
        /// `#open` named an address we may not open a ticket for.
        case cannotOpen(String)
        /// A `#time` line on this ticket that could not be read (the line as written).
        case unreadableTime(TicketReference, String)
        /// `#split` on a ticket with no customer message besides its first.
        case cannotSplit(TicketReference)
        /// `#merge` refused: the ticket, the reference named, and why.
        case cannotMerge(TicketReference, String, String)
    }

    /// The short note to a staff member whose mail was passed on to nobody, so a staff mail never vanishes silently.
    public static func staffHelp(_ reason: StaffHelpReason, subject: String) -> String {
        var text = MailText()
        text.paragraph("Postdesk did not pass on your mail \"\(subject)\".")
        switch reason {
        case .namesNoTicket:
            text.paragraph("It names no ticket, so nothing was filed and nobody was written to.")
            text.paragraph("- To answer a ticket, reply to its notification or keep [\(referenceHint)] in the "
                + "subject.\n"
                + "- To open a ticket for a customer (after a phone call, say), put this on the first line, then "
                + "the request; the customer gets the acknowledgement:\n      #open customer@their-domain")
        case .relayedNothing(let reference):
            text.paragraph("It holds no text of your own for \(reference) (only quoted history or commands), so the "
                + "customer received nothing and the reaction clock runs on.")
            text.paragraph("- Write your answer above the quoted text, or below it without a > in front, and send it "
                + "again.\n- For an internal remark, start with #note.")
        case .cannotOpen(let address):
            text.paragraph("#open \(address) needs an address of a customer, not of staff or of the support desk.")
        case .unreadableTime(let reference, let line):
            for paragraph in TimeHelpText.unreadable(line, on: reference) { text.paragraph(paragraph) }
        case .cannotSplit(let reference):
            text.paragraph("#split found no customer message on \(reference) to make a ticket of its own: the ticket "
                + "holds only its first request. Nothing was changed.")
            text.paragraph("- Reply with #split to the notification of the message that carries the new problem.")
        case .cannotMerge(let reference, let named, let why):
            text.paragraph("#merge \(named) was not done: \(why). \(reference) is unchanged.")
            text.paragraph("- Name the ticket to keep, as in #merge PD-2026-000123, in a reply about the ticket to "
                + "fold into it.")
        }
        return text.text
    }

    static let referenceHint = "PD-…"

    /// "[PD-…] " for a subject that does not carry the ticket's tag yet.
    static func tag(_ reference: TicketReference?, unlessIn subject: String) -> String {
        reference.flatMap { subject.contains($0.tag) ? nil : $0.tag + " " } ?? ""
    }
}
