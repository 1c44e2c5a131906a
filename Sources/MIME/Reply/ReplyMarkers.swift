/// The lines mail clients write around quoted history and forwards (en/da/de/nl), each test on one normalized
/// line (lower case, trimmed) and at most a few lines after it, so a scan over a body stays linear.
extension ReplyExtractor {
    typealias Line = ArraySlice<UInt8>

    /// `-----Original Message-----` and its kin: the history below is a reply's, not part of this mail.
    static let historySeparators = [
        "original message", "oprindelig meddelelse", "ursprüngliche nachricht", "oorspronkelijk bericht",
        "original meddelelse", "originalnachricht", "ursprungliche nachricht", "oorspronkelijke bericht",
        "original-nachricht", "originalmeddelelse", "oprindelig besked", "reply message", "antwort nachricht",
        "antwort-nachricht", "svar meddelelse", "antwoord bericht",
    ].map(Prefix.init)
    /// Dashed lines that start a forwarded mail (Gmail, Thunderbird, mutt `----- Forwarded message from … -----`).
    static let forwardSeparators = [
        "forwarded message", "videresendt meddelelse", "videresendt besked", "videresendt brev", "videresendt e-mail",
        "weitergeleitete nachricht", "weitergeleitete e-mail", "doorgestuurd bericht", "doorgestuurde bericht",
    ].map(Prefix.init)
    /// Dashed lines that end one (mutt).
    static let forwardEnds = [
        "end forwarded message", "end of forwarded message", "slut på videresendt", "ende weitergeleitete",
        "ende der weitergeleiteten", "einde doorgestuurd",
    ].map(Prefix.init)
    /// Apple Mail's forward line, the whole line.
    static let forwardLines = [
        "begin forwarded message:", "start på videresendt besked:", "start på videresendt meddelelse:",
        "anfang der weitergeleiteten nachricht:", "anfang der weitergeleiteten e-mail:", "begin doorgestuurd bericht:",
    ].map { Array($0.utf8) }
    static let forwardLineStarts = Prefixes(["begin ", "start på ", "anfang der "])
    /// Subjects of a forward (`FW:`, `VS:`, `WG:`, `Doorst:`): its Outlook header block starts the forwarded mail.
    static let forwardSubjects = ["fw:", "fwd:", "vs:", "wg:", "doorst:", "tr:", "fw :", "wg :"]

    /// Header labels of a quoted header block, by kind.
    static let fromLabels = Prefixes(["from:", "fra:", "von:", "van:", "afsender:", "absender:"])
    static let dateLabels = Prefixes(["sent:", "sendt:", "gesendet:", "verzonden:", "verstuurd:", "date:", "dato:",
                                      "datum:"])
    static let toLabels = Prefixes(["to:", "til:", "an:", "aan:", "cc:"])
    static let subjectLabels = Prefixes(["subject:", "emne:", "betreff:", "onderwerp:"])
    /// `From: … Sent: …` on one line (some Outlook versions, replies pasted from the web).
    static let inlineDateLabels = [" sent: ", " date: ", " dato: ", " datum: ", " gesendet: ", " verzonden: ",
                                   " sendt: "].map(Prefix.init)

    /// `On … wrote:` starts with one of these; the verb may come anywhere before the final colon.
    static let attributionLeads = Prefixes(["on ", "den ", "d. ", "am ", "op ", "le "])
    static let attributionVerbs = [" wrote", " skrev", " schrieb", " schreef", " geschreven", " writes", " skriver",
                                   " schreibt", " schrijft", " sent:"].map(Prefix.init)
    /// A short line ending in one of these, directly above a quote, is an attribution too (`Name <a> wrote:`).
    static let attributionEnds = ["wrote:", "skrev:", "schrieb:", "schreef:", "geschreven:", "writes:", "skriver:",
                                  "schreibt:", "schrijft:", "sent:"].map(Prefix.init)
    /// `---- Mette Holm wrote ----`.
    static let dashedAttributionEnds = [" wrote", " skrev", " schrieb", " schreef", " writes"].map(Prefix.init)

    static let deviceSignatures = Prefixes([
        "sent from my ", "sendt fra min ", "sendt fra mit ", "von meinem ", "gesendet von meinem ",
        "verzonden vanaf mijn ", "verstuurd vanaf mijn ", "verzonden met ", "get outlook for ", "hent outlook til ",
        "outlook für ", "download outlook voor ", "sent from outlook", "sendt fra outlook",
    ])
    static let ruleStarts = Prefixes(["--", "__", "=="])

    // MARK: byte helpers

    @inline(__always) static func starts(_ s: Line, _ p: Prefix) -> Bool {
        s.count >= p.bytes.count && s.prefix(p.bytes.count).elementsEqual(p.bytes)
    }
    @inline(__always) static func starts(_ s: Line, anyOf p: Prefixes) -> Bool {
        guard let f = s.first, p.mayStart(with: f) else { return false }
        return p.list.contains { starts(s, $0) }
    }
    static func ends(_ s: Line, _ p: Prefix) -> Bool {
        s.count >= p.bytes.count && s.suffix(p.bytes.count).elementsEqual(p.bytes)
    }
    /// Whether `p` occurs in `s`; linear in `s` for the short needles used here.
    static func contains(_ s: Line, _ p: Prefix) -> Bool {
        let n = p.bytes, m = n.count
        guard m > 0, s.count >= m, let f = n.first else { return m == 0 }
        var i = s.startIndex
        let last = s.endIndex - m
        while i <= last {
            if s[i] == f, s[i..<(i + m)].elementsEqual(n) { return true }
            i += 1
        }
        return false
    }
    /// Without the dashes, underscores, equals signs, stars and blanks around it.
    static func core(_ s: Line) -> Line {
        func trim(_ b: UInt8) -> Bool { b == 0x2D || b == 0x5F || b == 0x3D || b == 0x2A || b == 0x20 || b == 0x09 }
        var lo = s.startIndex, hi = s.endIndex
        while lo < hi, trim(s[lo]) { lo += 1 }
        while hi > lo, trim(s[hi - 1]) { hi -= 1 }
        return s[lo..<hi]
    }
    /// Without one level of `>` and the blank after it.
    static func unquoted(_ s: Line) -> Line {
        var t = s.dropFirst()
        while let f = t.first, f == 0x20 || f == 0x09 { t = t.dropFirst() }
        return t
    }

    // MARK: line kinds

    /// First bytes of the lines that may be separators, forward lines or device signatures.
    static let markerStarts: [Bool] = {
        var t = [Bool](repeating: false, count: 256)
        for p in [ruleStarts, forwardLineStarts, deviceSignatures] {
            for b in 0..<256 where p.mayStart(with: UInt8(b)) { t[b] = true }
        }
        return t
    }()

    /// A line no marker test can take (nearly every line): no marker start, no colon among its first bytes (header
    /// labels) and none ending it or the next two (attributions).
    @inline(__always) static func isPlainText(_ norm: NormalizedLines, _ i: Int) -> Bool {
        guard let f = norm.first(i), !markerStarts[Int(f)], !norm.hasColon(i, within: 11) else { return false }
        let end = min(norm.count, i + 3)
        var j = i
        while j < end { if norm.endsWithColon(j) { return false }; j += 1 }
        return true
    }

    enum Marker { case history, forward, forwardEnd, attribution }

    /// A dashed separator line or Apple's forward line.
    static func separator(_ s: Line) -> Marker? {
        if starts(s, anyOf: forwardLineStarts), forwardLines.contains(where: { s.elementsEqual($0) }) {
            return .forward
        }
        guard starts(s, anyOf: ruleStarts) else { return nil }
        let c = core(s)
        if historySeparators.contains(where: { starts(c, $0) }) { return .history }
        if forwardSeparators.contains(where: { starts(c, $0) }) { return .forward }
        if forwardEnds.contains(where: { starts(c, $0) }) { return .forwardEnd }
        if starts(s, Prefix("--")), c.count < 120, dashedAttributionEnds.contains(where: { ends(c, $0) }) {
            return .attribution
        }
        return nil
    }

    /// A line of underscores or dashes alone: Outlook's rule above a header block, `<hr>` in HTML.
    static func isRule(_ s: Line) -> Bool { s.count >= 10 && starts(s, anyOf: ruleStarts) && core(s).isEmpty }

    enum LabelKind { case from, date, to, subject }

    static func label(_ s: Line) -> LabelKind? {
        // Labels are at most ten letters and a colon: most lines have no colon that early.
        guard let f = s.first, f >= 0x61, s.prefix(11).contains(0x3A) else { return nil }
        if starts(s, anyOf: fromLabels) { return .from }
        if starts(s, anyOf: dateLabels) { return .date }
        if starts(s, anyOf: toLabels) { return .to }
        if starts(s, anyOf: subjectLabels) { return .subject }
        return nil
    }

    /// `Label: value` in any language: one to three words before a colon near the start of the line.
    static func looksLikeHeader(_ s: Line) -> Bool {
        var words = 1
        for (k, b) in s.prefix(30).enumerated() {
            if b == 0x3A { return k > 1 && (k + 1 == s.count || s[s.startIndex + k + 1] == 0x20) }
            if b == 0x20 { words += 1; if words > 3 { return false } }
            if b >= 0x30 && b <= 0x39 { return false }
        }
        return false
    }

    /// The length in lines of the quoted header block starting at `i` (From/Sent/To/Subject in any order, or
    /// `From: … Date: …` on one line), nil when none starts there.
    static func headerBlock(_ norm: NormalizedLines, _ i: Int) -> Int? {
        let s = norm[i]
        guard let first = label(s), first == .from || first == .date else { return nil }
        if first == .from, inlineDateLabels.contains(where: { contains(s, $0) }) { return 1 }
        var from = false, date = false, to = false, subject = false
        var j = i, end = i
        while j < min(norm.count, i + 8) {
            if norm.isEmpty(j) { j += 1; continue }
            guard let kind = label(norm[j]) else { break }
            switch kind {
            case .from: from = true
            case .date: date = true
            case .to: to = true
            case .subject: subject = true
            }
            j += 1
            end = j
        }
        return from && (date || (to && subject)) ? end - i : nil
    }

    /// A rule (`____`, `<hr>`) above a header block, in a language we know or not.
    static func ruleAboveHeaders(_ norm: NormalizedLines, _ i: Int) -> Bool {
        guard isRule(norm[i]) else { return false }
        var j = i + 1
        while j < min(norm.count, i + 4), norm.isEmpty(j) || isRule(norm[j]) { j += 1 }
        guard j < norm.count else { return false }
        if headerBlock(norm, j) != nil { return true }
        return j + 1 < norm.count && looksLikeHeader(norm[j]) && looksLikeHeader(norm[j + 1])
    }

    /// `Sent from my iPhone` and its kin: a short phrase, not a sentence that happens to start that way.
    static func isDeviceSignature(_ s: Line) -> Bool {
        guard s.count < 80, starts(s, anyOf: deviceSignatures) else { return false }
        var words = 1
        for b in s {
            if b == 0x2C || b == 0x3B { return false }   // "Sent from my desk, which is …"
            if b == 0x20 { words += 1 }
        }
        return words <= 7
    }

    /// The next line after `j` that is not blank, looking a few lines ahead.
    static func nextText(_ norm: NormalizedLines, after j: Int) -> Int? {
        var k = j + 1
        while k < min(norm.count, j + 5), norm.isEmpty(k) { k += 1 }
        return k < norm.count && !norm.isEmpty(k) ? k : nil
    }
    static func isQuote(_ norm: NormalizedLines, _ k: Int?) -> Bool { k.map { norm.first($0) == 0x3E } ?? false }

    /// The last line of an attribution that starts at line `i` (`On … wrote:` wrapped over up to three lines,
    /// `Name <a> wrote:`, `2014-10-17 11:28 GMT+03:00 Name <a>:`), nil when none starts there. It starts at the
    /// line itself: a reply line directly above is never part of it.
    static func attributionEnd(_ norm: NormalizedLines, _ i: Int) -> Int? {
        let s = norm[i]
        // Every attribution ends in ":" within its three lines; most lines are not followed by one.
        guard let f = s.first, f != 0x3E,
              (i..<min(norm.count, i + 3)).contains(where: norm.endsWithColon) else { return nil }
        if starts(s, anyOf: attributionLeads) {
            var verb = false
            for j in i..<min(norm.count, i + 3) {
                if j > i, norm.isEmpty(j) || norm.first(j) == 0x3E { break }
                let t = norm[j]
                if !verb { verb = attributionVerbs.contains { contains(t, $0) } }
                if verb, norm.endsWithColon(j) { return j }
            }
        }
        guard norm.endsWithColon(i), s.count < 200, isQuote(norm, nextText(norm, after: i)) else { return nil }
        // `Name <a> wrote:`, and Android's `Name <a> schrieb am Mo., 16. Nov. 2026, 08:31:`.
        if attributionEnds.contains(where: { ends(s, $0) }) || attributionVerbs.contains(where: { contains(s, $0) }) {
            return i
        }
        if f >= 0x30 && f <= 0x39, s.contains(0x40) || s.contains(0x22), hasDate(s) { return i }
        return nil
    }

    /// Digits, a `.`/`-`/`/`, digits, the same separator, digits: 26.06.2014, 2014-10-17, 17/10/2014.
    static func hasDate(_ s: Line) -> Bool {
        var i = s.startIndex
        func digits(_ k: inout Int) -> Int {
            let st = k
            while k < s.endIndex, s[k] >= 0x30 && s[k] <= 0x39 { k += 1 }
            return k - st
        }
        while i < s.endIndex {
            var k = i
            if digits(&k) > 0, k < s.endIndex {
                let sep = s[k]
                if sep == 0x2E || sep == 0x2D || sep == 0x2F {
                    k += 1
                    if digits(&k) > 0, k < s.endIndex, s[k] == sep { k += 1; if digits(&k) > 0 { return true } }
                }
            }
            i = max(k, i + 1)
        }
        return false
    }

    /// Where an attribution begins inside line `i` that holds the reply too (`Thanks. On Mon, … wrote:`), as an
    /// offset into the raw line; nil when the line is not one.
    static func trailingAttribution(_ raw: ArraySlice<UInt8>, _ norm: NormalizedLines, _ i: Int) -> Int? {
        let s = norm[i]
        guard norm.endsWithColon(i), s.count < 300, attributionVerbs.contains(where: { contains(s, $0) }),
              isQuote(norm, nextText(norm, after: i)) else { return nil }
        // A sentence end, a blank, then a lead word.
        var k = raw.startIndex
        while k + 4 < raw.endIndex {
            let b = raw[k]
            if b == 0x2E || b == 0x21 || b == 0x3F || b == 0x2C, raw[k + 1] == 0x20 {
                var st = k + 1
                while st < raw.endIndex, raw[st] == 0x20 { st += 1 }
                let rest = Array(raw[st...]).map { $0 &+ ($0 &- 0x41 < 26 ? 0x20 : 0) }[...]
                if starts(rest, anyOf: attributionLeads), attributionVerbs.contains(where: { contains(rest, $0) }) {
                    return k + 1 - raw.startIndex
                }
            }
            k += 1
        }
        return nil
    }
}
