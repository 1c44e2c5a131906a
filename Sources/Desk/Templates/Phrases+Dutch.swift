extension Phrases {
    /// Dutch IT providers write "u" to business customers by default and "je" to those who prefer it; both greet
    /// with "Beste" and the first name.
    static func dutch(_ formality: Formality) -> Phrases {
        let formal = formality == .formal
        let U = formal ? "U" : "Je", uw = formal ? "uw" : "je", Uw = formal ? "Uw" : "Je"
        return Phrases(
            greeting: { name, _ in name.map { "Beste \($0.first)," } ?? "Goedendag," },
            thanksForRequest: "Bedankt voor \(uw) bericht.",
            registered: { "We hebben \(uw) verzoek geregistreerd onder ticketnummer \($0) met prioriteit \($1)." },
            promise: { "\(U) krijgt uiterlijk \($0) om \($1) een reactie." },
            noTarget: "We reageren zo snel mogelijk; voor dit soort verzoeken geldt geen vaste reactietermijn.",
            onCallAlerted: "Omdat \(uw) melding buiten onze openingstijden binnenkwam, hebben we onze storingsdienst "
                + "ingeschakeld; die neemt zo snel mogelijk contact met \(formal ? "u" : "je") op. "
                + (formal ? "Zorgt u er wel voor" : "Zorg er wel voor") + " dat we op afstand toegang hebben tot "
                + "\(uw) systemen.",
            openingHours: { "Onze openingstijden zijn \($0)." },
            addMore: (formal ? "Wilt u" : "Wil je") + " nog iets aanvullen? Beantwoord dan deze e-mail en laat het "
                + "ticketnummer in het onderwerp staan.",
            knowledgeBase: "Op veel vragen " + (formal ? "vindt u" : "vind je")
                + " het antwoord al in onze kennisbank:",
            regards: "Met vriendelijke groet,",
            priorityNames: [.p1: "kritieke storing", .p2: "aanzienlijke storing", .p3: "beperkte storing",
                            .p4: "kleine storing", .p5: "informatieverzoek"],
            thanksForMessage: "Bedankt voor \(uw) bericht.",
            followUpAdded: { "We hebben het bij ticket \($0) gevoegd en nemen het mee in de verdere behandeling." },
            reopened: { "We hebben ticket \($0) heropend en nemen \(uw) verzoek opnieuw in behandeling." },
            closed: { "We hebben ticket \($0) afgesloten. Is er toch nog iets, beantwoord dan binnen \($1) dagen "
                + "deze e-mail; dan openen we het ticket opnieuw." },
            administratorsOnly: "Volgens onze overeenkomst kunnen alleen de beheerders van \(uw) organisatie "
                + "supportverzoeken indienen; daarom hebben we geen ticket aangemaakt. Vraag een van hen om contact "
                + "met ons op te nemen; zij kunnen \(uw) bericht ook naar ons doorsturen.",
            unknownSender: "We konden \(uw) e-mailadres niet koppelen aan een klantovereenkomst; daarom is er "
                + "geen ticket aangemaakt. Is \(uw) organisatie klant bij ons? Vraag dan een van de beheerders "
                + "om contact met ons op te nemen.",
            oversized: { size, limit in
                "\(Uw) e-mail was te groot om te ontvangen (\(size); de limiet is \(limit)), daarom is er geen ticket "
                    + "aangemaakt. De e-mail is bij ons bewaard en niet verloren gegaan. Stuur hem gerust opnieuw "
                    + "zonder grote bijlagen – een link naar het bestand of een korter fragment uit het logbestand "
                    + "werkt het best."
            },
            refusalCopySubject: { "E-mail van \($0) – geen ticket aangemaakt" },
            refusalCopy: { who, name, subject in
                "We hebben een e-mail ontvangen van \(who) met het onderwerp ‘\(subject)’. Volgens onze "
                    + "overeenkomst kunnen alleen de beheerders van \(uw) organisatie supportverzoeken indienen; "
                    + "daarom hebben we geen ticket aangemaakt en \(name) daarover geïnformeerd."
            },
            refusalCopyHelp: {
                "Moet het verzoek toch worden behandeld? Stuur de e-mail dan naar ons door; dan maken we een ticket "
                    + "aan. Voortaan kan \($0) een van de beheerders vragen om het verzoek bij ons in te dienen."
            },
            decimalSeparator: ",")
    }
}
