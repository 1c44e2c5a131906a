import Foundation
import MIME

/// A per-mail envelope sender (VERP, issue 15): our mail goes out with SMTP `MAIL FROM:<support+b<token>@domain>`,
/// the token random per outbox row, so a bounce arrives addressed to that token — proof that it answers a mail we
/// sent, where a `mailer-daemon@` mail from anyone proves nothing. Needs a mailbox that takes plus-addressed mail
/// (Microsoft 365 and Google do; Postfix with `recipient_delimiter = +`); `outbox.verp` switches it off.
public enum EnvelopeToken {
    /// Hex digits in a token (96 bits).
    static let length = 24

    /// `local+b<token>@domain` of the support address.
    public static func address(support: Address, token: String) -> String {
        guard let at = support.email.lastIndex(of: "@") else { return support.email }
        return support.email[..<at] + "+b" + token + support.email[at...]
    }

    /// The tokens a mail was addressed to: in To, Delivered-To and X-Original-To (where servers write the
    /// envelope recipient), as `support+b<token>@domain` of our own support address only.
    public static func tokens(in message: ParsedMessage, support: Address) -> [String] {
        guard let at = support.email.lastIndex(of: "@") else { return [] }
        let local = NSRegularExpression.escapedPattern(for: String(support.email[..<at]))
        let domain = NSRegularExpression.escapedPattern(for: String(support.email[support.email.index(after: at)...]))
        let pattern = "(?i)(?<![A-Za-z0-9._%+-])" + local + "\\+b([0-9a-f]{\(length)})@" + domain + "(?![A-Za-z0-9.-])"
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        var found: [String] = []
        let fields = message.to.map(\.email) + message.headers(named: "Delivered-To")
            + message.headers(named: "X-Original-To")
        for text in fields.prefix(200).map({ String($0.prefix(998)) }) {   // a hostile To list costs little
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                guard let r = Range(match.range(at: 1), in: text) else { continue }
                let token = text[r].lowercased()
                if !found.contains(token) { found.append(token) }
            }
        }
        return found
    }
}
