/// A cheap, sound test that tells when a phrase regex cannot match, so the phrase match is skipped.
///
/// From each pattern we derive its *necessary factors*: literal strings one of which every match contains
/// (a concatenation needs any one of its mandatory parts; an alternation needs a factor of each branch;
/// optional parts, classes and lookarounds guarantee nothing). A sentence that contains none of them
/// cannot match. On ordinary mail this skips almost every regex run.
enum NecessaryFactors {
    /// nil when the pattern guarantees no literal (then it must always be run).
    static func of(_ pattern: String) -> [String]? {
        var parser = Parser(chars: Array(pattern.unicodeScalars))
        return parser.alternation()
    }

    struct Parser {
        let chars: [Unicode.Scalar]
        var i = 0

        mutating func alternation() -> [String]? {
            var branches: [[String]?] = [concatenation()]
            while i < chars.count, chars[i] == "|" {
                i += 1
                branches.append(concatenation())
            }
            guard branches.allSatisfy({ $0 != nil }) else { return nil }
            var seen = Set<String>()
            return branches.flatMap { $0! }.filter { seen.insert($0).inserted }
        }

        /// Of two factor sets, the more selective one: longer shortest factor wins.
        static func better(_ a: [String]?, _ b: [String]?) -> [String]? {
            guard let a else { return b }
            guard let b else { return a }
            let la = a.map { $0.utf8.count }.min() ?? 0, lb = b.map { $0.utf8.count }.min() ?? 0
            return lb > la || (lb == la && b.count < a.count) ? b : a
        }

        mutating func concatenation() -> [String]? {
            var best: [String]?
            var run = ""
            func endRun() {
                if !run.isEmpty { best = Self.better(best, [run]) }
                run = ""
            }
            while i < chars.count, chars[i] != "|", chars[i] != ")" {
                var atom: [String]?
                var literal: Unicode.Scalar?
                var zeroWidth = false
                let c = chars[i]
                if c == "(" {
                    i += 1
                    if i < chars.count, chars[i] == "?" {
                        i += 1
                        if chars[i] == ":" { i += 1 }
                        else if chars[i] == "!" || chars[i] == "=" { i += 1; zeroWidth = true }
                        else if chars[i] == "<" { i += 2; zeroWidth = true }
                    }
                    let inner = alternation()
                    i += 1   // ")"
                    atom = zeroWidth ? nil : inner
                } else if c == "\\" {
                    i += 1
                    let e = chars[i]
                    i += 1
                    if "wdsWDSbBpP".unicodeScalars.contains(e) {
                        if (e == "p" || e == "P"), i < chars.count, chars[i] == "{" {
                            while i < chars.count, chars[i] != "}" { i += 1 }
                            i += 1
                        }
                    } else {
                        literal = e
                    }
                } else if c == "[" {
                    while i < chars.count, chars[i] != "]" { i += 1 }
                    i += 1
                } else if c == "." || c == "^" || c == "$" {
                    i += 1
                } else {
                    literal = c
                    i += 1
                }
                // Quantifier: only an unquantified (or "+") atom is mandatory.
                var optional = false
                var quantified = false
                if i < chars.count {
                    switch chars[i] {
                    case "?", "*": optional = true; quantified = true; i += 1
                    case "+": quantified = true; i += 1
                    case "{":
                        quantified = true
                        let start = i + 1
                        while i < chars.count, chars[i] != "}" { i += 1 }
                        let minimum = String(String.UnicodeScalarView(chars[start..<i])).split(
                            separator: ",").first.flatMap { Int($0) } ?? 0
                        optional = minimum == 0
                        i += 1
                    default: break
                    }
                    if quantified, i < chars.count, chars[i] == "?" || chars[i] == "+" { i += 1 }   // lazy / possessive
                }
                if zeroWidth { endRun(); continue }
                if let literal, !quantified {
                    run.unicodeScalars.append(literal)
                    continue
                }
                endRun()
                if let literal, !optional { best = Self.better(best, [String(literal)]) }
                if !optional, literal == nil { best = Self.better(best, atom) }
            }
            endRun()
            return best
        }
    }
}

/// All phrase sets' factors in one table keyed by a factor's first two bytes: one pass over a sentence tells
/// which sets may match in it.
struct PhrasePrefilter: Sendable {
    struct Entry: Sendable {
        var factor: [UInt8]
        var bit: UInt32
    }
    private var table: [[Entry]]
    /// Sets that have no usable factor and must always run.
    private var always: UInt32 = 0

    init(_ sets: [(bit: UInt32, factors: [String]?)]) {
        table = Array(repeating: [], count: 65_536)
        for (bit, factors) in sets {
            guard let factors, factors.allSatisfy({ $0.utf8.count >= 2 }) else { always |= bit; continue }
            for f in factors {
                let bytes = Array(f.utf8)
                table[Int(bytes[0]) << 8 | Int(bytes[1])].append(Entry(factor: bytes, bit: bit))
            }
        }
    }

    /// The bits of the sets that may match somewhere in `text`.
    func candidates(_ bytes: [UInt8]) -> UInt32 {
        var mask = always
        let n = bytes.count
        var p = 0
        while p + 1 < n {   // every factor has two bytes or more
            let bucket = table[Int(bytes[p]) << 8 | Int(bytes[p + 1])]
            if !bucket.isEmpty {
                for e in bucket where mask & e.bit == 0 && p + e.factor.count <= n {
                    var k = 2
                    while k < e.factor.count && bytes[p + k] == e.factor[k] { k += 1 }
                    if k == e.factor.count { mask |= e.bit }
                }
            }
            p += 1
        }
        return mask
    }
}
