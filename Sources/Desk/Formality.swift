/// How a customer is addressed: `du`/`De` in Danish, `du`/`Sie` in German, `je`/`u` in Dutch (English has one form).
/// A setting per customer, because it varies between customers of the same provider.
public enum Formality: String, Sendable, CaseIterable {
    case formal, informal

    /// What that country's IT providers use when nothing is configured: Danish `du`, German `Sie`, Dutch `u`.
    public static func usual(for language: String) -> Formality {
        language == "da" ? .informal : .formal
    }
}

/// How a person is addressed by surname in a formal German greeting ("Guten Tag Herr Wagner,"). Known only when
/// configured: guessing it from a first name would get it wrong often enough to offend.
public enum Salutation: String, Sendable, CaseIterable {
    case mr, ms
}
