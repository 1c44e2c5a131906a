import MIME

/// Guesses the language of a mail text among Danish, English, German and Dutch from function-word counts.
///
/// Only words that belong to exactly one of the four lists count (so "de", "en", "er", "die", "van" decide nothing),
/// plus letters typical of one language (æ ø å → da; ä ö ü ß → de; the "ij" digraph → nl). Returns nil for
/// too little evidence or a tie. Reads at most `maxScalars` scalars: the evidence is in the first lines, and the work
/// stays bounded whatever the caller passes.
public enum LanguageDetector {
    public static let maxScalars = 16_384

    public static func detect(_ text: String) -> String? {
        var work = 0
        return detect(text, work: &work)
    }

    /// `detect`, adding to `work` the scalars read and the bytes of the words looked up.
    static func detect(_ text: String, work: inout Int) -> String? {
        var da = 0, en = 0, de = 0, nl = 0
        var word: [UInt8] = []
        func finish() {
            defer { word.removeAll(keepingCapacity: true) }
            guard !word.isEmpty else { return }
            work += word.count
            // No listed word is longer than 15 bytes, so longer ones need no lookup (nor a String).
            if word.count <= 15, let lang = unique[String(decoding: word, as: UTF8.self)] {
                switch lang {
                case "da": da += 2
                case "en": en += 2
                case "de": de += 2
                default: nl += 2
                }
            }
            // "ij"
            if word.count >= 2, zip(word, word.dropFirst()).contains(where: { $0 == 0x69 && $1 == 0x6A }) { nl += 1 }
        }
        for scalar in text.unicodeScalars.prefix(maxScalars) {
            work += 1
            // Letters as Character.isLetter sees them: a combining mark continues the letter before it.
            let lower = ScalarText.lowercase(scalar) ?? scalar
            if lower == "'" || lower == "’" {
                word.append(0x27)
            } else if ScalarText.isLetter(lower) || (ScalarText.mayExtendCharacter(lower) && !word.isEmpty) {
                switch lower {
                case "æ", "ø", "å": da += 1
                case "ä", "ö", "ü", "ß": de += 1
                default: break
                }
                if lower.isASCII { word.append(UInt8(lower.value)) } else { word.append(
                    contentsOf: String(lower).utf8) }
            } else {
                finish()
            }
        }
        finish()
        let ranked = [("da", da), ("de", de), ("en", en),
            ("nl", nl)].sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        guard ranked[0].1 >= 4, ranked[0].1 > ranked[1].1 else { return nil }
        return ranked[0].0
    }

    static let words: [String: [String]] = [
        "da": ["og", "jeg", "ikke", "det", "at", "til", "på", "af", "med", "har", "kan", "vi", "vores", "hvis", "men",
               "så", "også", "skal", "være", "noget", "ingen", "alle", "fra", "hej", "venlig", "hilsen", "mvh", "tak",
               "jeres", "hvordan", "hvad", "hvorfor", "når", "eller", "siden", "bliver", "blev", "kunne", "gerne",
               "mig", "min", "mit", "mine", "os", "der", "som", "efter", "igen", "godt", "nede", "virker", "ikk", "af",
               "denne", "dette", "disse", "lidt", "meget"],
        "en": ["the", "and", "is", "are", "you", "we", "our", "not", "with", "this", "that", "have", "has", "please",
               "thanks", "thank", "can't", "cannot", "it", "of", "to", "for", "on", "my", "i", "me", "your", "would",
               "could", "should", "hi", "hello", "regards", "best", "since", "there", "what", "how", "when", "which",
               "from", "been", "was", "were", "all", "users", "any", "some", "still", "it's", "i'm", "don't", "doesn't",
               "isn't", "a", "an", "be", "do"],
        "de": ["und", "ist", "nicht", "ich", "wir", "sie", "mit", "das", "der", "dem", "den", "des", "ein", "eine",
               "einen", "einem", "auf", "für", "von", "zu", "bei", "auch", "es", "sind", "haben", "hat", "kann",
               "können", "bitte", "danke", "grüße", "gruß", "hallo", "guten", "tag", "morgen", "seit", "noch", "nur",
               "schon", "wie", "was", "wenn", "oder", "aber", "unser", "unsere", "unseren", "mein", "meine", "kein",
               "keine", "wird", "werden", "mehr", "freundlichen"],
        "nl": ["het", "en", "een", "ik", "wij", "we", "niet", "is", "zijn", "met", "van", "voor", "op", "bij", "ook",
               "maar", "dat", "deze", "dit", "kan", "kunnen", "geen", "graag", "groet", "groeten", "vriendelijke",
               "bedankt", "hoi", "goedemorgen", "sinds", "nog", "al", "wel", "naar", "hebben", "heeft", "onze", "ons",
               "mijn", "jullie", "u", "wat", "hoe", "wanneer", "omdat", "meer", "alle", "iets", "niets", "werkt",
               "moet", "zou", "worden", "er"],
    ]

    /// word → the one language that uses it (words on two or more lists are dropped).
    static let unique: [String: String] = {
        var owners: [String: Set<String>] = [:]
        for (lang, list) in words { for w in list { owners[w, default: []].insert(lang) } }
        var out: [String: String] = [:]
        for (w, langs) in owners where langs.count == 1 { out[w] = langs.first! }
        return out
    }()
}
