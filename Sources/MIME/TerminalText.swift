/// Text from mail made safe to print on a terminal: C0 and C1 control characters (ESC sequences that recolour,
/// retitle or rewrite the screen, BEL, backspace, a lone CR that hides what came before) and DEL are removed;
/// tab and newline stay. For what the command line prints; templates have their own clean-up of customer text.
public enum TerminalText {
    public static func printable(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars where !isControl(s) { scalars.append(s) }
        return String(scalars)
    }

    @inlinable
    static func isControl(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v == 0x09 || v == 0x0A { return false }
        return v < 0x20 || (v >= 0x7F && v <= 0x9F)
    }
}
