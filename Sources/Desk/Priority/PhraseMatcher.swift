/// A small backtracking matcher for the lexicon's phrase patterns, over normalized text as UTF-8 bytes.
///
/// Why not ICU: the phrase sets were the worker's hottest step (ICU converts to UTF-16 and tries every
/// alternative at every position). The patterns only need a regex subset, and the text is normalized (lower
/// case, words of letters/digits/apostrophes separated by single spaces), so matches can only start at a word
/// start, and each alternative can be skipped unless the word begins with one of its possible first bytes.
///
/// Supported syntax: literals, `(?:…)`, `(?!…)`, `|`, `?`, `*`, `+`, `{m,n}`, ASCII classes `[abc]`, `\w`.
/// Semantics are ICU's (Perl's): leftmost match, first alternative that matches, greedy quantifiers; every
/// match is on whole words (`(?<![\p{L}\p{N}'])(?:…)(?![\p{L}\p{N}])` in ICU terms). A test runs it against
/// ICU on every fixture sentence.
struct PhraseMatcher: Sendable {
    enum Instruction: Sendable {
        case byte(UInt8)
        /// One byte out of an ASCII set (bit per byte value < 128).
        case set(lo: UInt64, hi: UInt64)
        /// One word character: a whole UTF-8 scalar other than space and apostrophe.
        case word
        /// Try `first`; on failure resume at `second` with the same position.
        case split(first: Int, second: Int)
        case jump(Int)
        /// Negative lookahead: the sub-program at pc+1 (ending in `.match`) must not match here; go on at `next`.
        case notAhead(next: Int)
        /// The next character is no letter or digit (end of text, a space or an apostrophe).
        case wordEnd
        case match
    }

    struct Program: Sendable {
        var code: [Instruction]
    }

    /// One program per top-level alternative, in pattern order.
    let alternatives: [Program]
    /// For each first byte, the alternatives (ascending) that can start with it, each with the bytes that can
    /// follow that first byte (256 bits; all set where anything may follow).
    let byFirstByte: [[Candidate]]

    struct Candidate: Sendable {
        var index: Int
        var second: (UInt64, UInt64, UInt64, UInt64)

        @inline(__always) func allows(_ b: UInt8) -> Bool {
            let word: UInt64
            switch b >> 6 {
            case 0: word = second.0
            case 1: word = second.1
            case 2: word = second.2
            default: word = second.3
            }
            return (word >> UInt64(b & 63)) & 1 == 1
        }
    }

    /// `pattern` is an alternation in the supported syntax (without the word-boundary wrapper).
    init(_ pattern: String) {
        var parser = PatternParser(Array(pattern.utf8))
        let branches = parser.topLevelBranches()
        alternatives = branches.map { node in
            var code: [Instruction] = []
            PatternCompiler.emit(node, into: &code)
            code.append(.wordEnd)
            code.append(.match)
            return Program(code: code)
        }
        var table = Array(repeating: [Candidate](), count: 256)
        for (index, program) in alternatives.enumerated() {
            for (first, next) in PatternCompiler.firstTwoBytes(program.code) {
                var bits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
                for b in 0..<256 where next[b] {
                    let bit = UInt64(1) << UInt64(b & 63)
                    switch b >> 6 {
                    case 0: bits.0 |= bit
                    case 1: bits.1 |= bit
                    case 2: bits.2 |= bit
                    default: bits.3 |= bit
                    }
                }
                table[first].append(Candidate(index: index, second: bits))
            }
        }
        byFirstByte = table
    }

    /// Non-overlapping matches, leftmost first, as byte ranges into `text`.
    func matches(in text: [UInt8]) -> [Range<Int>] {
        var steps = 0
        return matches(in: text, steps: &steps)
    }

    /// Steps allowed per byte of text (and per call) before matching gives up: a bound on the work whatever the
    /// patterns, far above what the lexicon needs (tests hold the lexicon to a small fraction of it).
    static let stepsPerByte = 4096

    /// `matches(in:)`, adding the instructions executed to `steps`.
    ///
    /// Why the work is linear in the text: a match starts only at a word start; `\w` never crosses a space, so
    /// each group of a pattern consumes its words in one way only, and a failed `\w+`/`\w*` gives back one scalar
    /// per step; lookaheads are literal. So the work from one start is bounded by the pattern's size times the
    /// bytes of the few words the pattern can span, and every word lies within reach of a bounded number of starts.
    /// `stepsPerByte` caps it all the same, so a future pattern that breaks this argument costs time linear in the
    /// text, not more (it then misses matches instead: `PhraseMatcherTests` would tell).
    func matches(in text: [UInt8], steps: inout Int) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var stack = BacktrackStack()
        defer { stack.free() }
        let limit = steps &+ Self.stepsPerByte &* (text.count &+ 1)
        text.withUnsafeBufferPointer { t in
            var p = 0
            let n = t.count
            scan: while p < n {
                if p == 0 || t[p - 1] == 0x20 {
                    let second: UInt8 = p + 1 < n ? t[p + 1] : 0x20   // the end reads as a word end
                    for candidate in byFirstByte[Int(t[p])] where candidate.allows(second) {
                        let end = alternatives[candidate.index].code.withUnsafeBufferPointer {
                            Self.run($0, from: 0, at: p, text: t, stack: &stack, steps: &steps, limit: limit)
                        }
                        if steps > limit { break scan }
                        if let end {
                            out.append(p..<end)
                            p = end
                            break
                        }
                    }
                }
                p += 1
            }
            steps &+= n   // the scan itself
        }
        return out
    }

    /// Backtrack points, in raw memory: the matcher's inner loop.
    struct BacktrackStack {
        private var base = UnsafeMutablePointer<(pc: Int32, pos: Int32)>.allocate(capacity: 64)
        private var capacity = 64
        private(set) var count = 0

        @inline(__always) mutating func push(_ pc: Int, _ pos: Int) {
            if count == capacity {
                let bigger = UnsafeMutablePointer<(pc: Int32, pos: Int32)>.allocate(capacity: capacity * 2)
                bigger.moveInitialize(from: base, count: count)
                base.deallocate()
                base = bigger
                capacity *= 2
            }
            base[count] = (Int32(pc), Int32(pos))
            count += 1
        }

        @inline(__always) mutating func pop() -> (pc: Int, pos: Int) {
            count -= 1
            return (Int(base[count].pc), Int(base[count].pos))
        }

        mutating func truncate(to n: Int) { count = n }
        func free() { base.deallocate() }
    }

    /// The end of the first match of `code` from `pc` at `pos`, trying branches in order.
    /// Counts each instruction in `steps` and gives up (nil) once it passes `limit`.
    static func run(_ code: UnsafeBufferPointer<Instruction>, from pc0: Int, at pos0: Int,
        text t: UnsafeBufferPointer<UInt8>,
                    stack: inout BacktrackStack, steps: inout Int, limit: Int) -> Int? {
        let base = stack.count
        defer { stack.truncate(to: base) }
        stack.push(pc0, pos0)
        let n = t.count
        while stack.count > base {
            var (pc, p) = stack.pop()
            if steps > limit { return nil }
            thread: while true {
                steps &+= 1
                switch code[pc] {
                case .byte(let b):
                    guard p < n, t[p] == b else { break thread }
                    pc += 1; p += 1
                case .set(let lo, let hi):
                    guard p < n, t[p] < 128 else { break thread }
                    let b = t[p]
                    guard (b < 64 ? lo >> UInt64(b) : hi >> UInt64(b - 64)) & 1 == 1 else { break thread }
                    pc += 1; p += 1
                case .word:
                    guard p < n, t[p] != 0x20, t[p] != 0x27, t[p] & 0xC0 != 0x80 else { break thread }
                    p += 1
                    while p < n, t[p] & 0xC0 == 0x80 { p += 1 }   // the rest of a multi-byte scalar
                    pc += 1
                case .split(let first, let second):
                    stack.push(second, p)
                    pc = first
                case .jump(let target):
                    pc = target
                case .notAhead(let next):
                    let inner = run(code, from: pc + 1, at: p, text: t, stack: &stack, steps: &steps, limit: limit)
                    if inner != nil { break thread }
                    pc = next
                case .wordEnd:
                    guard p == n || t[p] == 0x20 || t[p] == 0x27 else { break thread }
                    pc += 1
                case .match:
                    return p
                }
            }
        }
        return nil
    }
}

/// Syntax tree of one pattern.
indirect enum PatternNode {
    case bytes([UInt8])
    case set(lo: UInt64, hi: UInt64)
    case word
    case sequence([PatternNode])
    case alternation([PatternNode])
    case notAhead(PatternNode)
    case repeated(PatternNode, min: Int, max: Int?)
}

struct PatternParser {
    let s: [UInt8]
    var i = 0

    init(_ bytes: [UInt8]) { s = bytes }

    mutating func topLevelBranches() -> [PatternNode] {
        let all = branches()
        precondition(
            i == s.count, "phrase pattern: unexpected \")\" at byte \(i) in \(String(decoding: s, as: UTF8.self))")
        return all
    }

    mutating func alternation() -> PatternNode {
        let all = branches()
        return all.count == 1 ? all[0] : .alternation(all)
    }

    private mutating func branches() -> [PatternNode] {
        var out = [sequence()]
        while i < s.count, s[i] == UInt8(ascii: "|") {
            i += 1
            out.append(sequence())
        }
        return out
    }

    mutating func sequence() -> PatternNode {
        var items: [PatternNode] = []
        var run: [UInt8] = []   // adjacent literal bytes, merged into one run (appending, not copying per byte)
        while i < s.count, s[i] != UInt8(ascii: "|"), s[i] != UInt8(ascii: ")") {
            // A plain ASCII literal with no quantifier after it goes straight into the run: most of a pattern, and
            // building an atom for each byte was most of the lexicon's build.
            if Self.isPlain(s[i]), i + 1 >= s.count || !Self.isQuantifier(s[i + 1]) {
                run.append(s[i])
                i += 1
                continue
            }
            let atom = quantified(self.atom())
            if case .bytes(let b) = atom {
                run += b
            } else {
                if !run.isEmpty { items.append(.bytes(run)); run = [] }
                items.append(atom)
            }
        }
        if !run.isEmpty { items.append(.bytes(run)) }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    static func isPlain(_ c: UInt8) -> Bool {
        c < 0x80 && !"()[]\\|?*+{.^$".utf8.contains(c)
    }

    static func isQuantifier(_ c: UInt8) -> Bool {
        c == UInt8(ascii: "?") || c == UInt8(ascii: "*") || c == UInt8(ascii: "+") || c == UInt8(ascii: "{")
    }

    mutating func atom() -> PatternNode {
        let c = s[i]
        switch c {
        case UInt8(ascii: "("):
            i += 1
            var lookahead = false
            if i < s.count, s[i] == UInt8(ascii: "?") {
                precondition(s[i + 1] == UInt8(ascii: ":") || s[i + 1] == UInt8(ascii: "!"),
                    "phrase pattern: only (?: and (?! groups")
                lookahead = s[i + 1] == UInt8(ascii: "!")
                i += 2
            }
            let inner = alternation()
            precondition(i < s.count && s[i] == UInt8(ascii: ")"), "phrase pattern: missing )")
            i += 1
            return lookahead ? .notAhead(inner) : inner
        case UInt8(ascii: "["):
            i += 1
            var lo: UInt64 = 0, hi: UInt64 = 0
            while s[i] != UInt8(ascii: "]") {
                let b = s[i]
                precondition(b < 128 && b != UInt8(ascii: "\\") && b != UInt8(ascii: "-") && b != UInt8(ascii: "^"),
                    "phrase pattern: only plain ASCII classes")
                if b < 64 { lo |= 1 << UInt64(b) } else { hi |= 1 << UInt64(b - 64) }
                i += 1
            }
            i += 1
            return .set(lo: lo, hi: hi)
        case UInt8(ascii: "\\"):
            precondition(s[i + 1] == UInt8(ascii: "w"), "phrase pattern: only \\w is supported")
            i += 2
            return .word
        default:
            precondition(!"?*+{.^$".utf8.contains(c), "phrase pattern: unsupported \(Character(Unicode.Scalar(c)))")
            // A literal; a multi-byte character stays whole so a quantifier applies to all of it.
            var end = i + 1
            while end < s.count, s[end] & 0xC0 == 0x80 { end += 1 }
            let literal = Array(s[i..<end])
            i = end
            return .bytes(literal)
        }
    }

    mutating func quantified(_ atom: PatternNode) -> PatternNode {
        guard i < s.count else { return atom }
        var min = 0, max: Int? = nil
        switch s[i] {
        case UInt8(ascii: "?"): max = 1; i += 1
        case UInt8(ascii: "*"): i += 1
        case UInt8(ascii: "+"): min = 1; i += 1
        case UInt8(ascii: "{"):
            i += 1
            let start = i
            while s[i] != UInt8(ascii: "}") { i += 1 }
            let parts = String(decoding: s[start..<i], as: UTF8.self).split(
                separator: ",", omittingEmptySubsequences: false)
            i += 1
            min = Int(parts[0])!
            max = parts.count == 1 ? min : Int(parts[1])
        default:
            return atom
        }
        precondition(i >= s.count || (s[i] != UInt8(ascii: "?") && s[i] != UInt8(ascii: "+")),
            "phrase pattern: lazy/possessive quantifiers are not supported")
        return .repeated(atom, min: min, max: max)
    }
}

enum PatternCompiler {
    typealias Instruction = PhraseMatcher.Instruction

    static func emit(_ node: PatternNode, into code: inout [Instruction]) {
        switch node {
        case .bytes(let bytes):
            for b in bytes { code.append(.byte(b)) }
        case .set(let lo, let hi):
            code.append(.set(lo: lo, hi: hi))
        case .word:
            code.append(.word)
        case .sequence(let items):
            for item in items { emit(item, into: &code) }
        case .alternation(let branches):
            // split L1, L2; L1: a; jump end; L2: split …; last: z; end:
            var jumps: [Int] = []
            for (k, branch) in branches.enumerated() {
                if k < branches.count - 1 {
                    let split = code.count
                    code.append(.split(first: split + 1, second: -1))
                    emit(branch, into: &code)
                    jumps.append(code.count)
                    code.append(.jump(-1))
                    code[split] = .split(first: split + 1, second: code.count)
                } else {
                    emit(branch, into: &code)
                }
            }
            for j in jumps { code[j] = .jump(code.count) }
        case .notAhead(let inner):
            let at = code.count
            code.append(.notAhead(next: -1))
            emit(inner, into: &code)
            code.append(.match)
            code[at] = .notAhead(next: code.count)
        case .repeated(let inner, let min, let max):
            for _ in 0..<min { emit(inner, into: &code) }
            if let max {
                // Greedy nested optionals, as ICU orders them: (x(x(x)?)?)?
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(code.count)
                    code.append(.split(first: code.count + 1, second: -1))
                    emit(inner, into: &code)
                }
                for s in splits { code[s] = .split(first: s + 1, second: code.count) }
            } else {
                // L: split body, end; body: x; jump L; end:
                let loop = code.count
                code.append(.split(first: loop + 1, second: -1))
                emit(inner, into: &code)
                code.append(.jump(loop))
                code[loop] = .split(first: loop + 1, second: code.count)
            }
        }
    }

    /// For each byte a match of `code` can start with, the bytes that can come right after it (over-approximated;
    /// a word end allows space and apostrophe, the end of text is checked as a space).
    static func firstTwoBytes(_ code: [Instruction]) -> [Int: [Bool]] {
        var out: [Int: [Bool]] = [:]
        let first = firstBytes(code, from: [0])
        for b in 0..<256 where first[b] {
            // The instructions that can consume `b` first, and where each continues.
            var next: [Int] = []
            var anything = false
            var seen = Set<Int>()
            var work = [0]
            while let pc = work.popLast() {
                guard seen.insert(pc).inserted else { continue }
                switch code[pc] {
                case .byte(let x): if Int(x) == b { next.append(pc + 1) }
                case .set(let lo, let hi):
                    if b < 128, (b < 64 ? lo >> UInt64(b) : hi >> UInt64(b - 64)) & 1 == 1 { next.append(pc + 1) }
                // may continue mid-scalar
                case .word: if b != 0x20 && b != 0x27 && b & 0xC0 != 0x80 { anything = true }
                case .split(let x, let y): work.append(x); work.append(y)
                case .jump(let target): work.append(target)
                case .notAhead(let target): work.append(target)
                case .wordEnd, .match: anything = true
                }
            }
            out[b] = anything ? Array(repeating: true, count: 256) : firstBytes(code, from: next)
        }
        return out
    }

    /// Bytes that can be consumed first from any of `starts`; a word end admits space and apostrophe.
    static func firstBytes(_ code: [Instruction], from starts: [Int]) -> [Bool] {
        var out = Array(repeating: false, count: 256)
        var seen = Set<Int>()
        var work = starts
        func all() { for b in 0..<256 { out[b] = true } }
        while let pc = work.popLast() {
            guard seen.insert(pc).inserted else { continue }
            switch code[pc] {
            case .byte(let b): out[Int(b)] = true
            case .set(let lo, let hi):
                for b in 0..<128 where (b < 64 ? lo >> UInt64(b) : hi >> UInt64(b - 64)) & 1 == 1 { out[b] = true }
            case .word:
                for b in 0..<256 where b != 0x20 && b != 0x27 && b & 0xC0 != 0x80 { out[b] = true }
            case .split(let a, let b): work.append(a); work.append(b)
            case .jump(let target): work.append(target)
            case .notAhead(let next): work.append(next)
            case .wordEnd: out[0x20] = true; out[0x27] = true
            case .match: all()
            }
        }
        return out
    }
}
