/// Per-scalar text tests for hot loops. Iterating `Character`s and comparing them in a `switch` costs a string
/// comparison per case; these look at one `Unicode.Scalar`, with ASCII and Latin-1 answered without tables.
public enum ScalarText {
    /// The scalar's lower case when that is one scalar; nil when lowercasing yields several (then callers take
    /// their exact, slower path).
    @inlinable
    public static func lowercase(_ s: Unicode.Scalar) -> Unicode.Scalar? {
        let v = s.value
        if v < 0x80 { return v >= 0x41 && v <= 0x5A ? Unicode.Scalar(v + 0x20)! : s }
        if v >= 0xC0 && v <= 0xDE && v != 0xD7 { return Unicode.Scalar(v + 0x20)! }
        if v < 0xC0 || (v >= 0xDF && v <= 0xFF) { return s }
        guard s.properties.changesWhenLowercased else { return s }
        let mapped = s.properties.lowercaseMapping.unicodeScalars
        return mapped.count == 1 ? mapped.first : nil
    }

    /// What `Character.isLetter` answers for a one-scalar character.
    @inlinable
    public static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) }
        if v >= 0xC0 && v <= 0xFF { return v != 0xD7 && v != 0xF7 }
        return s.properties.isAlphabetic
    }

    /// What `Character.isLetter || Character.isNumber` answers for a one-scalar character.
    @inlinable
    public static func isLetterOrNumber(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v >= 0x61 && v <= 0x7A) || (v >= 0x41 && v <= 0x5A) || (v >= 0x30 && v <= 0x39) }
        if v >= 0xC0 && v <= 0xFF { return v != 0xD7 && v != 0xF7 }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// True when a scalar may join the one before it into a single `Character` (combining marks, joiners,
    /// variation selectors, Hangul jamo, regional indicators, emoji modifiers): text without any of these has one
    /// Character per scalar (CR LF aside), so scalar loops agree with Character loops on it.
    @inlinable
    public static func mayExtendCharacter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x300 { return false }
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .format: return true
        default: break
        }
        return (v >= 0x1100 && v <= 0x11FF) || (v >= 0xA960 && v <= 0xA97F) || (v >= 0xD7B0 && v <= 0xD7FF)
            || (v >= 0xAC00 && v <= 0xD7A3) || (v >= 0x1F1E6 && v <= 0x1F1FF) || (v >= 0x1F3FB && v <= 0x1F3FF)
            || (v >= 0xFE00 && v <= 0xFE0F) || (v >= 0xE0100 && v <= 0xE01EF)
    }
}

extension String {
    /// Substring test on UTF-8 bytes. Foundation's `contains` (CFStringFind) is slow on Linux; byte equality is
    /// what callers with lower-cased text and fixed needles mean anyway.
    public func containsBytes(_ needle: String) -> Bool {
        let n = Array(needle.utf8)
        guard let first = n.first else { return true }
        let h = Array(utf8)
        guard h.count >= n.count else { return false }
        var i = 0
        while i <= h.count - n.count {
            if h[i] == first, h[i..<(i + n.count)].elementsEqual(n) { return true }
            i += 1
        }
        return false
    }
}

extension String {
    /// Zeros in front up to `width` characters (references, message IDs, timestamps).
    public func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
