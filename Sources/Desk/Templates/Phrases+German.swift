extension Phrases {
    /// German business mail says "Sie"; "du" for customers who use it themselves. After the greeting the text goes
    /// on in lower case (DIN 5008), so every sentence that can open a mail starts with a word written small here.
    /// The refusals name no gender: "berechtigte Ansprechpersonen", not "Administratoren … er".
    static func german(_ formality: Formality) -> Phrases {
        let formal = formality == .formal
        let Ihre = formal ? "Ihre" : "deine", Ihrer = formal ? "Ihrer" : "deiner"
        return Phrases(
            greeting: { name, salutation in
                guard formal else { return name.map { "Hallo \($0.first)," } ?? "Hallo," }
                guard let name, let last = name.last else { return "Guten Tag," }
                switch salutation {
                case .mr?: return "Guten Tag Herr \(last),"
                case .ms?: return "Guten Tag Frau \(last),"
                case nil: return "Guten Tag \(name.full),"
                }
            },
            thanksForRequest: "vielen Dank für \(Ihre) Anfrage.",
            registered: { "Wir haben sie unter der Ticketnummer \($0) mit der Priorität \($1) erfasst." },
            promise: { day, time in
                formal ? "Sie erhalten spätestens am \(day), um \(time)\(noBreak)Uhr eine Rückmeldung."
                    : "Du erhältst spätestens am \(day), um \(time)\(noBreak)Uhr eine Rückmeldung."
            },
            noTarget: "Wir melden uns so schnell wie möglich; für diese Art von Anfrage gilt keine feste "
                + "Reaktionszeit.",
            onCallAlerted: "Da \(Ihre) Anfrage außerhalb unserer Geschäftszeiten eingegangen ist, haben wir unseren "
                + "Bereitschaftsdienst verständigt, der sich so schnell wie möglich bei \(formal ? "Ihnen" : "dir") "
                + "meldet. " + (formal ? "Bitte stellen Sie sicher, dass wir per Fernwartung auf Ihre Systeme "
                    : "Bitte sorge dafür, dass wir per Fernwartung auf eure Systeme ") + "zugreifen können.",
            openingHours: { formal ? "Sie erreichen uns \($0)." : "Du erreichst uns \($0)." },
            addMore: formal
                ? "Wenn Sie etwas ergänzen möchten, antworten Sie einfach auf diese E-Mail. Bitte lassen Sie dabei "
                    + "die Ticketnummer im Betreff stehen."
                : "Wenn du etwas ergänzen möchtest, antworte einfach auf diese E-Mail. Bitte lass dabei die "
                    + "Ticketnummer im Betreff stehen.",
            knowledgeBase: formal ? "Antworten auf viele Fragen finden Sie auch in unserer Wissensdatenbank:"
                : "Antworten auf viele Fragen findest du auch in unserer Wissensdatenbank:",
            regards: formal ? "Mit freundlichen Grüßen" : "Viele Grüße",
            priorityNames: [.p1: "kritische Störung", .p2: "erhebliche Störung", .p3: "leichte Störung",
                            .p4: "geringfügige Störung", .p5: "Informationsanfrage"],
            thanksForMessage: "vielen Dank für \(Ihre) Nachricht.",
            followUpAdded: { "Wir haben sie in das Ticket \($0) aufgenommen und berücksichtigen sie bei der "
                + "weiteren Bearbeitung." },
            reopened: { "Wir haben das Ticket \($0) wieder geöffnet und kümmern uns erneut um "
                + (formal ? "Ihr" : "dein") + " Anliegen." },
            closed: { reference, days in
                "wir haben das Ticket \(reference) abgeschlossen. Falls noch etwas offen ist, "
                    + (formal ? "antworten Sie" : "antworte") + " einfach innerhalb von \(days) Tagen auf diese "
                    + "E-Mail; wir öffnen das Ticket dann erneut."
            },
            administratorsOnly: "leider können wir \(Ihre) E-Mail nicht als Supportanfrage annehmen, denn laut "
                + "Vertrag nehmen wir Anfragen nur von den berechtigten Ansprechpersonen \(Ihrer) Organisation "
                + "entgegen. Ein Ticket haben wir deshalb nicht eröffnet. "
                + (formal ? "Bitte leiten Sie Ihre" : "Bitte leite deine")
                + " Nachricht an eine dieser Personen weiter; sie kann die Anfrage dann an uns richten.",
            unknownSender: "leider konnten wir \(Ihre) E-Mail-Adresse keinem Kundenvertrag zuordnen und haben "
                + "daher kein Ticket eröffnet. Ist \(Ihre) Organisation bereits Kunde bei uns, "
                + (formal ? "bitten Sie" : "bitte")
                + " eine der berechtigten Ansprechpersonen, sich an uns zu wenden.",
            oversized: { size, limit in
                "leider war \(Ihre) E-Mail zu groß, um sie anzunehmen (\(size); die Grenze liegt bei \(limit)). Wir "
                    + "haben daher kein Ticket eröffnet. Die E-Mail ist bei uns gespeichert und nicht verloren. "
                    + (formal ? "Bitte senden Sie" : "Bitte sende")
                    + " sie ohne große Anhänge erneut – am besten mit einem Link zur Datei oder einem kürzeren "
                    + "Auszug aus dem Log."
            },
            refusalCopySubject: { "E-Mail von \($0) – kein Ticket eröffnet" },
            refusalCopy: { who, name, subject in
                "wir haben eine E-Mail von \(who) mit dem Betreff „\(subject)“ erhalten. Laut Vertrag nehmen wir "
                    + "Anfragen nur von den berechtigten Ansprechpersonen \(Ihrer) Organisation entgegen; ein Ticket "
                    + "haben wir deshalb nicht eröffnet und \(name) entsprechend informiert."
            },
            refusalCopyHelp: {
                "Soll die Anfrage bearbeitet werden, " + (formal ? "leiten Sie" : "leite")
                    + " die E-Mail einfach an uns weiter; wir eröffnen dann ein Ticket. Künftig kann sich \($0) an "
                    + "eine der berechtigten Ansprechpersonen wenden, die das Ticket dann bei uns eröffnet."
            },
            decimalSeparator: ",")
    }
}
