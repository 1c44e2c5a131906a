import Foundation
import MIME

extension Templates {
    /// To the customer when staff close the ticket: it is done, and how to reopen it.
    public static func closingNote(to requester: Address, reference: TicketReference, reopenDays: Int, language: String,
                                   policy: Policy) -> String {
        let w = words(language)
        let text: String
        switch language {
        case "da":
            text = "Vi har nu lukket sag \(reference). Hvis der stadig er noget, vi skal se på, kan du blot svare på "
                + "denne mail inden for \(reopenDays) dage, så genåbner vi sagen."
        case "de":
            text = "Wir haben die Anfrage \(reference) abgeschlossen. Falls noch etwas offen ist, antworten Sie einfach "
                + "innerhalb von \(reopenDays) Tagen auf diese E-Mail; wir öffnen die Anfrage dann erneut."
        case "nl":
            text = "We hebben verzoek \(reference) afgesloten. Is er toch nog iets, antwoord dan binnen \(reopenDays) "
                + "dagen op deze e-mail; dan openen we het verzoek opnieuw."
        default:
            text = "We have closed request \(reference). If anything is still not right, just reply to this mail within "
                + "\(reopenDays) days and we will reopen it."
        }
        return [greeting(w, requester), "", text, "", signature(w, policy)].joined(separator: "\n")
    }

    /// Why a staff mail did nothing, and what to write instead (English, like every staff notice).
    public enum StaffHelpReason: Sendable, Equatable {
        /// A staff mail to support naming no ticket and no customer.
        case namesNoTicket
        /// A reply on a ticket whose new text was empty (only quotes or commands).
        case relayedNothing(TicketReference)
        /// `#open` named an address we may not open a ticket for.
        case cannotOpen(String)
    }

    public static func staffHelp(_ reason: StaffHelpReason, subject: String) -> String {
        var lines = ["Postdesk did not pass on your mail \"\(subject)\"."]
        switch reason {
        case .namesNoTicket:
            lines += ["", "It names no ticket, so nothing was filed and nobody was written to.",
                      "- To answer a ticket, reply to its notification or keep [\(Self.referenceHint)] in the subject.",
                      "- To open a ticket for a customer (after a phone call, say), write `#open customer@their-domain`",
                      "  on the first line, then the request; the customer gets the acknowledgement."]
        case .relayedNothing(let reference):
            lines += ["", "It holds no text of your own for \(reference) (only quoted history or commands), so the",
                      "customer received nothing and the reaction clock runs on.",
                      "- Write your answer above the quoted text, or below it without a `>` in front, and send again.",
                      "- For an internal remark, start with `#note`."]
        case .cannotOpen(let address):
            lines += ["", "`#open \(address)` needs an address of a customer, not of staff or of the support desk."]
        }
        return lines.joined(separator: "\n")
    }

    static let referenceHint = "PD-…"
}
