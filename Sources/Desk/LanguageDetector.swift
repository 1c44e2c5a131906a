/// First cut; the business-time/priority work replaces it.
public enum LanguageDetector {
    public static func detect(_ text: String) -> String? { nil }
}
