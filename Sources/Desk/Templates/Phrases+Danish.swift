extension Phrases {
    /// Danish IT providers write "du" to business customers; "De" is for the few who ask for it.
    static func danish(_ formality: Formality) -> Phrases {
        let formal = formality == .formal
        let du = formal ? "De" : "du", Du = formal ? "De" : "Du", din = formal ? "Deres" : "din"
        let Din = formal ? "Deres" : "Din", jeres = formal ? "Deres" : "jeres"
        return Phrases(
            greeting: { name, _ in
                guard let name else { return formal ? "Goddag," : "Hej," }
                return formal ? "Kære \(name.full)," : "Hej \(name.first),"
            },
            thanksForRequest: "Tak for \(din) henvendelse.",
            registered: { "Vi har oprettet den som sag \($0) med prioritet \($1)." },
            promise: { "\(Du) kan forvente svar senest \($0) kl.\(noBreak)\($1)." },
            noTarget: "Vi svarer så hurtigt, vi kan. For denne type henvendelse har vi ingen fast svartid.",
            onCallAlerted: "Da \(din) henvendelse er kommet uden for vores åbningstid, har vi tilkaldt vores døgnvagt, "
                + "som kontakter \(formal ? "Dem" : "dig") hurtigst muligt. Sørg venligst for, at vagten kan få "
                + "fjernadgang til \(jeres) systemer.",
            openingHours: { "Vores åbningstid er \($0)." },
            addMore: "Hvis \(du) vil tilføje noget, kan \(du) blot svare på denne mail. Lad sagsnummeret stå i "
                + "emnefeltet.",
            knowledgeBase: "Mange spørgsmål er allerede besvaret i vores vidensbase:",
            regards: "Venlig hilsen",
            priorityNames: [.p1: "kritisk problem", .p2: "moderat problem", .p3: "problem på lavt niveau",
                            .p4: "mindre problem", .p5: "anmodning om oplysninger"],
            thanksForMessage: "Tak for \(din) besked.",
            followUpAdded: { "Vi har lagt den ind på sag \($0), så den er med, når vi arbejder videre." },
            reopened: { "Vi har genåbnet sag \($0) og ser på den igen." },
            closed: { "Vi har nu lukket sag \($0). Hvis der stadig er noget, vi skal se på, kan \(du) blot svare på "
                + "denne mail inden for \($1) dage, så genåbner vi sagen." },
            administratorsOnly: "Ifølge vores aftale skal supporthenvendelser komme fra en af \(jeres) "
                + "administratorer, så vi har ikke oprettet en sag på \(din) mail. Bed en af dem om at kontakte os "
                + "– de kan også videresende \(din) mail til os.",
            unknownSender: "Vi kunne ikke knytte \(din) mailadresse til en kundeaftale, og vi har derfor ikke "
                + "oprettet en sag. Hvis \(jeres) organisation er kunde hos os, så bed en af \(jeres) administratorer "
                + "om at kontakte os.",
            oversized: { size, limit in
                "\(Din) mail var for stor til, at vi kunne modtage den (\(size); grænsen er \(limit)), så vi har "
                    + "ikke oprettet en sag. Mailen er gemt hos os og er ikke gået tabt. Send den gerne igen uden de "
                    + "store vedhæftede filer – et link til filen eller et kortere uddrag af loggen er bedst."
            },
            refusalCopySubject: { "Mail fra \($0) – ingen sag oprettet" },
            refusalCopy: { who, name, subject in
                "Vi har modtaget en mail fra \(who) med emnet »\(subject)«. Ifølge vores aftale opretter vi "
                    + "kun sager på henvendelser fra \(jeres) administratorer, så vi har ikke oprettet en sag, og "
                    + "\(name) har fået besked om det."
            },
            refusalCopyHelp: {
                "Skal vi hjælpe med det, kan \(du) blot videresende mailen til os, så opretter vi en sag. Fremover "
                    + "kan \($0) bede en administrator om at kontakte os."
            },
            decimalSeparator: ",")
    }
}
