import MIME

/// The fingerprint of what a sender wrote (sender plus new text, whitespace folded), so the desk can tell a
/// responder that repeats one text under changing subjects (see `IncomingContext.repeatsRecentText`).
public enum RepeatedText {
    /// SHA-256 hex of `from` and `newText` with every run of white space folded to one space and the ends trimmed.
    /// It walks Unicode scalars, not Characters: the fold is the same for text people write, at a fraction of
    /// the cost (a grapheme walk was most of the commit thread's work per mail).
    public static func hash(from: String, newText: String) -> String? {
        guard !from.isEmpty else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(from.utf8.count + 1 + newText.utf8.count)
        bytes += from.utf8
        bytes.append(0x0A)
        var pendingSpace = false, wroteText = false
        for scalar in newText.unicodeScalars {
            if isWhiteSpace(scalar) {
                pendingSpace = wroteText
                continue
            }
            if pendingSpace { bytes.append(0x20) }
            pendingSpace = false
            wroteText = true
            if scalar.value < 0x80 {
                bytes.append(UInt8(scalar.value))
            } else {
                UTF8.encode(scalar) { bytes.append($0) }
            }
        }
        return SHA256.hex(bytes)
    }

    static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20: return true
        case 0..<0x80: return false
        default: return scalar.properties.isWhitespace
        }
    }
}
