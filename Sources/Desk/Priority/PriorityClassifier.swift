import Foundation
import MIME

/// Classifies a customer mail P1–P5, in this order:
/// 1. explicit markers in the subject or the first lines of the new text (`[P1]`, `P1:`, `Prioritet 1`, `Priority 1`,
///    `Priorität 1`, `Prioriteit 1`, and critical/kritisk/kritisch/kritiek → P1, unless negated);
/// 2. impact wording in Danish, English, German and Dutch, per sentence: the business stopped / nobody can work (P1);
///    all or most users with something not working (P1; with only a minor problem P3); a department or many users (P2);
///    a few users (P3); one or two users / only me (P4); a question or information request (P5). The most severe match
///    wins. Scope phrases right after a negation ("not all users", "ikke alle brugere") do not count;
/// 3. `X-Priority: 1|2`, `Importance: high`, `Priority: urgent`, `X-MSMail-Priority: high` raise a P4/P5 to P3
///    (never to P1/P2);
/// 4. otherwise the default.
/// Quoted history never counts: the body goes through `ReplyExtractor.newText` first.
public struct PriorityClassifier: Sendable {
    public var defaultPriority: Priority
    /// How many non-empty lines at the top of the new text are searched for explicit markers.
    public var markerLines: Int = 5

    public init(defaultPriority: Priority = .p3) {
        self.defaultPriority = defaultPriority
    }

    public func classify(_ message: ParsedMessage) -> PriorityDecision {
        classify(message, newText: ReplyExtractor.newText(message.bodyText))
    }

    /// Classifies with the new text the caller already extracted.
    public func classify(_ message: ParsedMessage, newText: String) -> PriorityDecision {
        var headers: [String: String] = [:]
        for name in ["X-Priority", "Importance", "Priority", "X-MSMail-Priority"] {
            if let v = message.header(name) { headers[name] = v }
        }
        return classify(subject: message.subject, newText: newText, headers: headers)
    }

    /// People state the impact at the top of a request; reading further costs time (phrase matching is the
    /// worker's hottest step) and finds pasted logs and signatures rather than the customer's words.
    public static let readLimit = 800

    /// Classifies already-extracted new text (no quoted history). `headers`: name → value, any case.
    public func classify(subject: String, newText fullText: String,
        headers: [String: String] = [:]) -> PriorityDecision {
        var work = TextWork()
        return classify(subject: subject, newText: fullText, headers: headers, work: &work)
    }

    /// `classify`, counting its work: every step reads at most `readLimit` characters of the subject and of the
    /// text, so the work is bounded whatever the mail's size (a test holds it to that).
    func classify(subject fullSubject: String, newText fullText: String, headers: [String: String],
                  work: inout TextWork) -> PriorityDecision {
        let subject = Self.head(fullSubject), newText = Self.head(fullText)
        work.bytes += subject.utf8.count + newText.utf8.count
        if let marker = PriorityClassifier.marker(subject: subject, newText: newText, lines: markerLines, work: &work) {
            return marker
        }
        let wording = PriorityClassifier.wording(subject: subject, text: newText, work: &work)
        var decision = wording ?? PriorityDecision(defaultPriority, reason: "default")
        if decision.priority > .p3, let raise = PriorityClassifier.raisingHeader(headers) {
            let was = decision.reason == "default" ? "default" : "was \(decision.reason)"
            decision = PriorityDecision(
                .p3, reason: "header \(raise) raised \(decision.priority.rawValue) to P3 (\(was))")
        }
        return decision
    }

    /// The first `readLimit` characters (at most 4 bytes each): all that any rule reads.
    static func head(_ text: String) -> String { CustomerText.head(text, characters: readLimit) }

    // MARK: Rule 1: markers

    static let numericMarker = try! NSRegularExpression(pattern:
        "\\[\\s*p([1-5])\\s*\\]|\\(\\s*p([1-5])\\s*\\)|(?<![\\p{L}\\p{N}])p([1-5])\\s*:|(?<![\\p{L}\\p{N}])"
            // One optional separator with its blanks: `\\s*[:=#-]?\\s*` backtracked quadratically over a run of blanks.
            + "(?:prioritet|priority|priorität|prioritaet|prioriteit|prioritát|prio)"
            + "\\s*(?:[:=#-]\\s*)?p?([1-5])(?![\\p{L}\\p{N}])",
        options: [.caseInsensitive])
    static let criticalWord = try! NSRegularExpression(pattern:
        "(?<![\\p{L}\\p{N}-])(?:critical|kritisk|kritiske|kritisch|kritische[nmrs]?|kritiek|" +
            "kritieke)(?![\\p{L}\\p{N}])",
        options: [.caseInsensitive])

    static func marker(subject: String, newText: String, lines count: Int, work: inout TextWork) -> PriorityDecision? {
        let places = [("subject", subject)] + firstLines(of: newText, count).map { ("first lines", $0) }
        // Cheap, sound tests first: a numeric marker needs a digit 1–5, every critical word contains "riti".
        for (place, text) in places where text.utf8.contains(where: { $0 >= 0x31 && $0 <= 0x35 }) {
            work.bytes += 2 * text.utf8.count
            let ns = text as NSString
            if let m = numericMarker.firstMatch(in: text, range: NSRange(location: 0, length: ns.length)) {
                for g in 1...4 where m.range(at: g).location != NSNotFound {
                    let p = Priority(text: "P" + ns.substring(with: m.range(at: g)))!
                    return PriorityDecision(p, reason: "marker \"\(ns.substring(with: m.range))\" in \(place)")
                }
            }
        }
        let lex = PriorityLexicon.shared
        for (place, text) in places where containsRiti(text) {
            work.bytes += 2 * text.utf8.count
            let ns = text as NSString
            for m in criticalWord.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
                // Only the words right before the match decide; normalizing all of them per match was quadratic.
                let from = max(0, m.range.location - tailUnits)
                let before = ns.substring(with: NSRange(location: from, length: m.range.location - from))
                let tail = Array(normalize(before).utf8)
                work.bytes += tail.count + tailUnits
                if isNegated(tail, before: tail.count, partialFirstWord: from > 0, lexicon: lex) { continue }
                return PriorityDecision(.p1, reason: "marker \"\(ns.substring(with: m.range))\" in \(place)")
            }
        }
        return nil
    }

    /// UTF-16 units before a marker that are read for its negation: two words of a negation or filler fit.
    static let tailUnits = 64

    /// The first `count` non-blank lines, trimmed; the rest of the text is not split (it can be long). Walks
    /// scalars, not Characters: a newline is always a Character of its own (CR LF aside, whose empty middle line
    /// is dropped like any blank one), so the lines are the same, found several times faster.
    static func firstLines(of text: String, _ count: Int) -> [String] {
        var lines: [String] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        while lines.count < count, start < scalars.endIndex {
            let end = scalars[start...].firstIndex(where: isNewline) ?? scalars.endIndex
            let line = String(scalars[start..<end]).trimmingBlanks()
            if !line.isEmpty { lines.append(line) }
            start = end == scalars.endIndex ? end : scalars.index(after: end)
        }
        return lines
    }

    /// "riti" in any ASCII case.
    static func containsRiti(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 4 else { return false }
        for i in 0...(bytes.count - 4) where bytes[i] | 0x20 == 0x72 && bytes[i + 1] | 0x20 == 0x69 &&
            bytes[i + 2] | 0x20 == 0x74 && bytes[i + 3] | 0x20 == 0x69 {
            return true
        }
        return false
    }

    // MARK: Rule 2: wording

    struct Candidate {
        var priority: Priority
        var words: [String]
    }

    static func wording(subject: String, text: String, work: inout TextWork) -> PriorityDecision? {
        let lex = PriorityLexicon.shared
        var best: Candidate?
        var negated: String?
        func offer(_ p: Priority, _ words: [String]) {
            if best == nil || p < best!.priority { best = Candidate(priority: p, words: words) }
        }
        work.bytes += text.utf8.count
        for sentence in [subject] + sentences(text) {
            let s = normalize(sentence)
            work.bytes += sentence.utf8.count + 2 * s.utf8.count   // normalizing, the prefilter
            if s.isEmpty { continue }
            let bytes = Array(s.utf8)
            // Only sets whose necessary literals occur in the sentence are matched.
            let mask = lex.prefilter.candidates(bytes)
            if mask == 0 { continue }
            func run(_ set: PhraseSet) -> [PhraseMatch] {
                mask & lex.bit(set) == 0 ? [] : set.matches(in: bytes, steps: &work.matcherSteps)
            }
            func live(_ set: PhraseSet) -> [PhraseMatch] {
                run(set).filter { m in
                    work.bytes += 2 * (Self.longestShortWord + 1)
                    let at = m.range.lowerBound
                    if lex.needNegation.contains(where: m.text.hasPrefix) { return true }
                    let restricts = lex.restrictors.contains(String(m.text.prefix { $0 != " " }))
                    guard isNegated(bytes, before: at, partialFirstWord: false, directOnly: restricts, lexicon: lex)
                    else { return true }
                    if negated == nil {
                        negated = (wordsBefore(bytes, at, 2, longest: .max) + [m.text]).joined(separator: " ")
                    }
                    return false
                }
            }
            let dept = live(lex.department)
            let inverted = live(lex.inverted).filter { m in
                !lex.subjectPronouns.contains(wordsBefore(bytes, m.range.lowerBound, 1).last ?? "")
            }
            if let m = (live(lex.stopped) + inverted).min(by: { $0.range.lowerBound < $1.range.lowerBound }) {
                // "nobody in the accounting department can …" stops a department, not the business.
                let scoped = dept.contains { $0.range.overlaps(m.range) }
                offer(scoped ? .p2 : .p1, [m.text])
            }
            let everyone = excluding(live(lex.everyone), overlapping: dept)
            let few = live(lex.few)
            let single = excluding(live(lex.single), overlapping: few)
            let calm = run(lex.reassurance)
            let minor = excluding(run(lex.minor), overlapping: calm)
            let soft = (minor + calm).sorted { $0.range.lowerBound < $1.range.lowerBound }
            let hard = excluding(run(lex.hard), overlapping: soft)
            work.bytes += dept.count + everyone.count + few.count + single.count + 3 * soft.count + hard.count
            let impact = minor.first ?? hard.first
            let mild = soft.first
            if let e = everyone.first, let i = impact { offer(mild == nil ? .p1 : .p3, [e.text, (mild ?? i).text]) }
            if let d = dept.first, let i = impact { offer(mild == nil ? .p2 : .p3, [d.text, (mild ?? i).text]) }
            if let f = few.first, let i = impact { offer(.p3, [f.text, i.text]) }
            if let o = single.first, let i = impact {
                offer(.p4, o.text == i.text || o.range.contains(i.range.lowerBound) ? [o.text] : [o.text, i.text])
            } else if let o = live(lex.onlyMe).first { offer(.p4, [o.text]) }
            if let q = run(lex.question).first { offer(.p5, [q.text]) }
        }
        guard let best else { return nil }
        var reason = "wording \(best.priority.rawValue): " + best.words.map { "\"\($0)\"" }.joined(separator: " + ")
        if let negated { reason += "; negated \"\(negated)\" ignored" }
        return PriorityDecision(best.priority, reason: reason)
    }

    /// The matches of `a` that overlap none of `b`; both sorted and without overlaps of their own, as a phrase set
    /// returns them. One pass over each (testing every pair was quadratic in the matches of a sentence).
    static func excluding(_ a: [PhraseMatch], overlapping b: [PhraseMatch]) -> [PhraseMatch] {
        guard !b.isEmpty else { return a }
        var j = 0
        return a.filter { x in
            while j < b.count, b[j].range.upperBound <= x.range.lowerBound { j += 1 }
            return !(j < b.count && b[j].range.lowerBound < x.range.upperBound)
        }
    }

    /// The words before byte `end` of normalized text end with a negation, possibly followed by one filler
    /// ("not all", "ikke helt alle") or a verb of affecting ("not affecting all users"); `directOnly`: only a
    /// negation right before counts. `partialFirstWord`: the text was cut, so its first word may be a fragment.
    static func isNegated(_ bytes: [UInt8], before end: Int, partialFirstWord: Bool, directOnly: Bool = false,
                          lexicon: PriorityLexicon) -> Bool {
        var words = wordsBefore(bytes, end, 3)
        if partialFirstWord, let first = words.first, wordStart(bytes, end, words) == 0, !first.isEmpty {
            words.removeFirst()
        }
        let n = words.count
        guard n > 0 else { return false }
        if lexicon.negators.contains(words[n - 1]) { return true }
        if directOnly { return false }
        // The negation reaches over one filler, or over the verb of affecting that carries it ("not affecting all
        // users", "isn't happening for everyone").
        let carries = { (w: String) in lexicon.fillers.contains(w) || lexicon.scopeVerbs.contains(w) }
        if n >= 2, carries(words[n - 1]), lexicon.negators.contains(words[n - 2]) { return true }
        if n >= 3, lexicon.fillers.contains(words[n - 1]), lexicon.scopeVerbs.contains(words[n - 2]),
           lexicon.negators.contains(words[n - 3]) { return true }
        return false
    }

    /// No negator or filler is longer than this many bytes; a longer word ends the look back.
    static let longestShortWord = 16

    /// Up to `n` words right before byte `end` (a word start or the end of normalized text), in text order; a word
    /// longer than `longest` shows as "" and ends the list. So negation reads a few bytes back, whatever the
    /// length of the text before (building that text per match was quadratic).
    static func wordsBefore(_ bytes: [UInt8], _ end: Int, _ n: Int, longest: Int = longestShortWord) -> [String] {
        var words: [String] = []
        var hi = end
        while hi > 0, bytes[hi - 1] == 0x20 { hi -= 1 }
        while words.count < n, hi > 0 {
            var lo = hi
            while lo > 0, bytes[lo - 1] != 0x20, hi - lo <= longest { lo -= 1 }
            if lo > 0, bytes[lo - 1] != 0x20 {
                words.insert("", at: 0)
                break
            }
            words.insert(String(decoding: bytes[lo..<hi], as: UTF8.self), at: 0)
            hi = lo
            while hi > 0, bytes[hi - 1] == 0x20 { hi -= 1 }
        }
        return words
    }

    /// Byte offset where the first of `words` (as `wordsBefore` found them before `end`) starts.
    static func wordStart(_ bytes: [UInt8], _ end: Int, _ words: [String]) -> Int {
        var hi = end
        for w in words.reversed() {
            while hi > 0, bytes[hi - 1] == 0x20 { hi -= 1 }
            hi -= w.utf8.count
        }
        return max(0, hi)
    }

    // MARK: Rule 3: headers

    static func raisingHeader(_ headers: [String: String]) -> String? {
        func value(_ name: String) -> String? {
            headers.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value.trimmingCharacters(
                in: .whitespaces)
        }
        if let v = value("X-Priority"), let first = v.first, first == "1" || first == "2" { return "X-Priority: \(v)" }
        if let v = value("Importance"), v.lowercased().hasPrefix("high") { return "Importance: \(v)" }
        if let v = value("Priority"), v.lowercased().hasPrefix("urgent") { return "Priority: \(v)" }
        if let v = value("X-MSMail-Priority"), v.lowercased().hasPrefix("high") { return "X-MSMail-Priority: \(v)" }
        return nil
    }

    // MARK: Text

    /// Splits text into sentences: at . ! ? ; followed by a space or line end, at blank lines, and after a line
    /// that is short or ends in punctuation (greetings, sign-offs, list items).
    static func sentences(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        if scalars.contains(where: ScalarText.mayExtendCharacter) { return sentencesByCharacter(text) }
        // One Character per scalar here (CR LF aside), so this walks scalars exactly as the Character version walks.
        var out: [String] = []
        // Scalars are collected in an array and encoded once per sentence: appending to a String's scalar view
        // one scalar at a time cost several hundred instructions per character.
        var current: [Unicode.Scalar] = []
        var utf8: [UInt8] = []
        func flush() {
            var lo = 0, hi = current.count
            while lo < hi, isBlank(current[lo]) { lo += 1 }
            while hi > lo, isBlank(current[hi - 1]) { hi -= 1 }
            if lo < hi {
                utf8.removeAll(keepingCapacity: true)
                for scalar in current[lo..<hi] { UTF8.encode(scalar) { utf8.append($0) } }
                out.append(String(decoding: utf8, as: UTF8.self))
            }
            current.removeAll(keepingCapacity: true)
        }
        let n = scalars.count
        var lineStart = 0
        while true {
            var lineEnd = lineStart
            while lineEnd < n, !isNewline(scalars[lineEnd]) { lineEnd += 1 }
            var lo = lineStart, hi = lineEnd
            while lo < hi, isBlank(scalars[lo]) { lo += 1 }
            while hi > lo, isBlank(scalars[hi - 1]) { hi -= 1 }
            if lo == hi {
                flush()
            } else {
                var previous: Unicode.Scalar = " "
                for ch in scalars[lo..<hi] {
                    if (previous == "." || previous == "!" || previous == "?" || previous == ";") &&
                        ch == " " { flush() } else { current.append(ch) }
                    previous = ch
                }
                let last = scalars[hi - 1]
                if ".!?;:,".unicodeScalars.contains(last) || hi - lo < 40 { flush() } else { current.append(" ") }
            }
            if lineEnd >= n { break }
            lineStart = scalars[lineEnd] == "\r" && lineEnd + 1 < n &&
                scalars[lineEnd + 1] == "\n" ? lineEnd + 2 : lineEnd + 1
        }
        flush()
        return out
    }

    /// `Character.isNewline` for one scalar.
    static func isNewline(_ s: Unicode.Scalar) -> Bool {
        (s.value >= 0x0A && s.value <= 0x0D) || s.value == 0x85 || s.value == 0x2028 || s.value == 0x2029
    }

    /// `CharacterSet.whitespaces`: tab and the space separators (Zs).
    static func isBlank(_ s: Unicode.Scalar) -> Bool {
        s == " " || s == "\t" || (s.value >= 0xA0 && s.properties.generalCategory == .spaceSeparator)
    }

    /// `sentences` by Characters: exact for text with combining marks and other multi-scalar characters.
    static func sentencesByCharacter(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        func flush() {
            let t = current.trimmingCharacters(in: .whitespaces)
            if !t.isEmpty { out.append(t) }
            current = ""
        }
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty { flush(); continue }
            var previous: Character = " "
            for ch in line {
                if (previous == "." || previous == "!" || previous == "?" || previous == ";") &&
                    ch == " " { flush() } else { current.append(ch) }
                previous = ch
            }
            if let last = line.last, ".!?;:,".contains(last) || line.count < 40 { flush() } else { current.append(" ") }
        }
        flush()
        return out
    }

    /// Lower case; accents other than æøåäöüß folded; apostrophes kept as `'`; other non-letters → one space.
    static func normalize(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            guard !ScalarText.mayExtendCharacter(scalar), let lower = ScalarText.lowercase(scalar) else {
                return normalizeCharacters(text)
            }
            let c = fold(lower)
            if c == "'" || ScalarText.isLetterOrNumber(c) {
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                if c.isASCII { out.append(UInt8(c.value)) } else { out.append(contentsOf: String(c).utf8) }
            } else {
                pendingSpace = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Accents other than æøåäöüß folded; typographic apostrophes → `'`.
    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar {
        switch s.value {
        case 0xE8, 0xE9, 0xEA, 0xEB: return "e"
        case 0xE0, 0xE1, 0xE2: return "a"
        case 0xEC, 0xED, 0xEE, 0xEF: return "i"
        case 0xF2, 0xF3, 0xF4: return "o"
        case 0xF9, 0xFA, 0xFB: return "u"
        case 0x2019, 0x2018, 0x60, 0xB4: return "'"
        default: return s
        }
    }

    /// `normalize` by Characters: exact for text with combining marks and other multi-scalar characters.
    static func normalizeCharacters(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for ch in text.lowercased() {
            var c = ch
            switch ch {   // Character cases also match decomposed forms ("e" + U+0301)
            case "é", "è", "ê", "ë": c = "e"
            case "á", "à", "â": c = "a"
            case "í", "ì", "î", "ï": c = "i"
            case "ó", "ò", "ô": c = "o"
            case "ú", "ù", "û": c = "u"
            case "’", "‘", "`", "´": c = "'"
            default: break
            }
            if c.isLetter || c.isNumber || c == "'" {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(c)
            } else {
                pendingSpace = true
            }
        }
        return out
    }
}

/// What a text step did, counted where its loops run: bytes read by the linear passes and the phrase matcher's
/// instructions. Tests assert bounds on it (instruction counts of the process vary; these do not).
struct TextWork {
    var bytes = 0
    var matcherSteps = 0
    var total: Int { bytes + matcherSteps }
}
