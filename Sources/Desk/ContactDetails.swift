/// The phone numbers and the signature block in a customer's mail, so a CSM can call the requester without opening
/// the ticket. Pure and heuristic: it reads what people write under a sign-off in da/de/nl/en.
public struct ContactDetails: Sendable, Equatable {
    /// As written ("+45 20 30 40 50"), each number once.
    public var phones: [String]
    /// The lines under the sign-off ("Venlig hilsen", "-- "), without it; empty when none was found.
    public var signature: [String]
    /// The lines of the message itself: before the sign-off and any quoted or forwarded text.
    public var message: [String]

    public init(phones: [String] = [], signature: [String] = [], message: [String] = []) {
        self.phones = phones
        self.signature = signature
        self.message = message
    }

    /// Reads a mail's text (the whole body: the signature has to be there).
    public static func extract(from text: String) -> ContactDetails {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { String($0).trimmingCharacters(in: .whitespaces) }
        let (messageEnd, signature) = signatureBlock(lines)
        var phones: [String] = [], seen = Set<String>()
        let signatureLines = Set(signature)
        for line in lines where !line.hasPrefix(">") {
            for number in phoneNumbers(in: line, inSignature: signatureLines.contains(line)) {
                if seen.insert(number.filter(\.isNumber)).inserted { phones.append(number) }
            }
        }
        var message = Array(lines[..<messageEnd])
        while message.last?.isEmpty == true { message.removeLast() }
        while message.first?.isEmpty == true { message.removeFirst() }
        return ContactDetails(phones: phones, signature: signature, message: message)
    }

    /// Where the message ends (the sign-off, else quoted text, else the end) and the lines after the last sign-off:
    /// a "-- " separator, else a closing phrase near the end.
    static func signatureBlock(_ lines: [String]) -> (messageEnd: Int, signature: [String]) {
        let end = lines.firstIndex { $0.hasPrefix(">") || $0.hasPrefix("-----") } ?? lines.count
        let body = lines[..<end]
        let start = body.lastIndex { $0 == "--" }
            ?? body.suffix(20).lastIndex { closings.contains(normalizedClosing($0)) }
        guard let start else { return (end, []) }
        var block = Array(body[(start + 1)...].prefix(8))
        while block.last?.isEmpty == true { block.removeLast() }
        while block.first?.isEmpty == true { block.removeFirst() }
        return (start, block)
    }

    static func normalizedClosing(_ line: String) -> String {
        var s = line.lowercased()
        while let last = s.last, ",.!:".contains(last) { s.removeLast() }
        return s
    }

    static let closings: Set<String> = [
        "venlig hilsen", "med venlig hilsen", "venlige hilsner", "mvh", "vh", "hilsen", "de bedste hilsner",
        "bedste hilsner", "på forhånd tak",
        "mit freundlichen grüßen", "mit freundlichen grüssen", "freundliche grüße", "freundliche grüsse",
        "viele grüße", "viele grüsse", "beste grüße", "beste grüsse", "liebe grüße", "mfg", "gruß", "grüße",
        "vielen dank",
        "met vriendelijke groet", "met vriendelijke groeten", "vriendelijke groet", "mvg", "groet", "groeten",
        "hartelijke groet", "alvast bedankt",
        "kind regards", "best regards", "regards", "best wishes", "thanks", "thank you", "many thanks", "cheers",
        "sincerely", "yours sincerely", "all the best",
    ]

    /// A phone number: 8–15 digits (E.164 allows 15) with the separators people use. Outside a signature a number
    /// needs a label ("Tel.", "Mobil", "tlf") or an international prefix, so order numbers and dates stay out.
    static func phoneNumbers(in line: String, inSignature: Bool) -> [String] {
        let lower = line.lowercased()
        let labelled = ["tel", "tlf", "phone", "mobil", "mob.", "mobile", "handy", "direkte", "direct", "call me",
                        "ring ", "bel me", "rufnummer"].contains { lower.contains($0) }
            || lower.hasPrefix("t:") || lower.hasPrefix("m:") || lower.hasPrefix("t ") || lower.hasPrefix("m ")
        guard !lower.hasPrefix("fax") else { return [] }
        let chars = Array(line)
        var found: [String] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            let startsRun = c == "+" || c == "(" || c.isASCIIDigit
            let glued = i > 0 && (chars[i - 1].isLetter || chars[i - 1].isASCIIDigit || "-/.".contains(chars[i - 1]))
            guard startsRun, !glued else { i += 1; continue }
            var j = i
            while j < chars.count, chars[j].isASCIIDigit || " +-/().".contains(chars[j]) { j += 1 }
            var run = String(chars[i..<j])
            while let last = run.last, !last.isASCIIDigit { run.removeLast() }
            let digits = run.filter(\.isASCIIDigit).count
            let international = run.hasPrefix("+") || run.hasPrefix("00")
            if (8...15).contains(digits), !looksLikeDateOrAddress(run), labelled || international || inSignature {
                found.append(run)
            }
            i = max(j, i + 1)
        }
        return found
    }

    /// "2026-12-02", "02.12.2026", "10.0.0.12": groups joined by one kind of separator without spaces.
    static func looksLikeDateOrAddress(_ run: String) -> Bool {
        guard !run.contains(" "), !run.hasPrefix("+") else { return false }
        return run.split(whereSeparator: { ".-/".contains($0) }).count >= 3
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
