import MIME

/// The person a customer mail speaks to, with everything the greeting and the pronouns depend on.
public struct Addressee: Sendable, Equatable {
    public var address: Address
    public var language: String
    public var formality: Formality
    public var salutation: Salutation?

    public init(_ address: Address, language: String, formality: Formality? = nil, salutation: Salutation? = nil) {
        self.address = address
        self.language = Templates.languages.contains(language) ? language : "en"
        self.formality = formality ?? Formality.usual(for: self.language)
        self.salutation = salutation
    }

    /// Formality and salutation as configured for the customer (nil: the language's usual form, no salutation).
    public init(_ address: Address, language: String, customer: Customer?) {
        self.init(address, language: language, formality: customer?.formality,
                  salutation: customer?.salutations[address.normalized])
    }

    public var name: PersonName? { PersonName(address.name ?? "") }
}

/// A display name split into first and last name: "Mette Holm", "Holm, Mette", "Dr. Oliver Wagner".
public struct PersonName: Sendable, Equatable {
    public var first: String
    public var last: String?

    /// Nil for what is not a person's name: empty, an address, or holding digits ("IT Support 2").
    public init?(_ displayName: String) {
        // Splitting at spaces also drops the blanks around the name (cheaper than trimmingCharacters).
        guard !displayName.contains("@"), !displayName.contains(where: \.isNumber) else { return nil }
        var words: [Substring]
        if let comma = displayName.firstIndex(of: ",") {
            // "Holm, Mette": the family name first, as directories write it.
            let family = displayName[..<comma].split(separator: " ")
            words = displayName[displayName.index(after: comma)...].split(separator: " ") + family
        } else {
            words = displayName.split(separator: " ")
        }
        words.removeAll { Self.titles.contains($0.lowercased()) }
        guard let first = words.first else { return nil }
        self.first = String(first)
        self.last = words.count > 1 ? String(words.last!) : nil
    }

    public var full: String { [first, last].compactMap { $0 }.joined(separator: " ") }

    static let titles: Set<String> = ["dr.", "dr", "prof.", "prof", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "herr",
                                      "frau", "hr.", "fr.", "dhr.", "mevr.", "ing.", "dipl.-ing."]
}
