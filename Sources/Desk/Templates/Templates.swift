import Foundation
import MIME

/// The words of every mail Postdesk writes: customer mails in da/en/de/nl (one `Phrases` table per language), staff
/// notices in English. Each kind of mail is in a file of its own (`Templates+Acknowledgement.swift`, …); every one
/// is shown in every language by the golden files under `Fixtures/templates/`.
public enum Templates {
    public static let languages = ["da", "en", "de", "nl"]

    // MARK: customer mails

    /// Greeting, the paragraphs, the knowledge base when configured (and the mail is about support questions), the
    /// sign-off with the support desk's name.
    static func customerMail(_ to: Addressee, _ p: Phrases, _ paragraphs: [String], policy: Policy,
                             knowledgeBase: Bool = true) -> String {
        var text = MailText()
        text.paragraph(p.greeting(to.name, to.salutation))
        paragraphs.forEach { text.paragraph($0) }
        if knowledgeBase, let kb = policy.knowledgeBaseURL { text.paragraph(p.knowledgeBase + "\n" + kb) }
        text.paragraph(p.regards + "\n" + (policy.supportAddress.name ?? policy.supportAddress.email))
        return text.text
    }

    static func phrases(_ to: Addressee) -> Phrases { Phrases.table(to.language, to.formality) }

    /// "P3 (problem på lavt niveau)".
    static func priorityText(_ priority: Priority, _ p: Phrases) -> String {
        "\(priority.rawValue) (\(p.priorityNames[priority] ?? ""))"
    }

    /// The promise as people say it, or that there is no fixed time; then the opening hours.
    static func promise(_ deadline: Date?, _ p: Phrases, language: String, plan: SupportPlan) -> String {
        let zone = plan.calendar.timeZone
        let first = deadline.map {
            p.promise(BusinessTimeFormat.day($0, in: zone, language: language), BusinessTimeFormat.clock($0, in: zone))
        } ?? p.noTarget
        return first + " " + p.openingHours(plan.openingHours(language: language))
    }

    // MARK: staff notices

    /// How a reply to the staff notification reaches the customer, and when it stays internal (the routing rule).
    static let replyHelp = """
        Reply to answer the customer (sent on from the support address).
        A reply from a CSM or the team lead stays internal unless it starts with #reply.
        """
    /// The same for a warning or breach notice: every reply to it stays internal unless it starts with #reply.
    static let noticeReplyHelp = """
        A reply or reply-all to this notice stays internal (a note on the ticket).
        Start it with #reply to answer the customer.
        """
    /// One command a line, so wrapping never separates a command from its argument.
    static let commandHelp = """
        Commands, each on a line of its own at the top of your reply:
          #priority P1..P5   set the priority
          #note              internal, not sent to the customer
          #reply             send it to the customer after all
          #close             close the ticket and tell the customer
          #close silent      close it without telling the customer
          #reopen            reopen it
        """

    static func display(_ a: Address) -> String {
        a.name.flatMap { $0.isEmpty ? nil : "\($0) <\(a.email)>" } ?? a.email
    }

    /// Where the first `count` scalars of `text` end, moved back to a character boundary; nil when the text is no
    /// longer. Counted over UTF-8 lead bytes: walking characters, or even the scalar view, cost more per mail than
    /// the rest of the ticket's intake.
    static func scalarPrefixEnd(_ text: String, _ count: Int) -> String.Index? {
        guard text.utf8.count > count else { return nil }
        var contiguous = text
        let offset = contiguous.withUTF8 { bytes -> Int? in
            var scalars = 0
            for (i, b) in bytes.enumerated() where b & 0xC0 != 0x80 {
                if scalars == count { return i }
                scalars += 1
            }
            return nil
        }
        guard let offset else { return nil }
        var end = text.utf8.index(text.startIndex, offsetBy: offset)
        // Back to the start of the character the cut would split (a letter and its combining marks stay together).
        while end > text.startIndex, end.samePosition(in: text) == nil { end = text.unicodeScalars.index(before: end) }
        return end
    }
}

/// A mail body built from blocks separated by blank lines; our own text is wrapped at 72 columns, text a person
/// wrote (a quoted request) is kept as it is.
struct MailText {
    private var blocks: [String] = []

    mutating func paragraph(_ text: String) { blocks.append(TextWrap.wrap(text)) }
    mutating func verbatim(_ text: String) { blocks.append(text) }

    var text: String { blocks.joined(separator: "\n\n") }
}

public enum EscalationKind: String, Sendable, Codable {
    case warning, breach
}
