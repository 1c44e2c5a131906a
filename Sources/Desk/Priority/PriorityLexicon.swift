import Foundation

/// Phrase lists for the priority classifier, in Danish, English, German and Dutch.
///
/// Patterns are ICU regular expressions over *normalized* text: lower case, accents other than æøåäöüß folded,
/// apostrophes kept as `'`, every other non-letter/digit replaced by one space. Letters æ ø å ä ö ü ß in a pattern also
/// match their ASCII spellings (ae, oe, aa, ae, oe, ue, ss), so "står stille" finds "staar stille".
/// Every pattern is matched on whole words only.
struct PriorityLexicon: @unchecked Sendable {
    static let shared = PriorityLexicon()

    /// Business stopped / nobody can work: P1 on its own.
    let stopped: PhraseSet
    /// Business stopped, said with the verb before its negative subject (verb second): P1 unless a subject pronoun
    /// stands before the verb.
    let inverted: PhraseSet
    /// Pronouns that are the subject when they stand right before the verb ("vi kan ingen …", "ich kann keine …").
    let subjectPronouns: Set<String> = ["jeg", "du", "vi", "i", "de", "man", "han", "hun", "den", "det", "dette",
                                        "ich", "du", "er", "sie", "wir", "ihr", "man", "das", "dies",
                                        "ik", "jij", "je", "hij", "zij", "ze", "we", "wij", "jullie", "u", "men", "dat",
                                        "dit", "het"]
    /// A match starting with one of these restricts rather than scopes ("not all, only me"): only a negator right
    /// before it negates it ("ikke kun mig"), not one before a filler.
    let restrictors: Set<String> = ["only", "just", "kun", "nur", "alleen"]
    /// Words that carry a negation on to the scope phrase after them ("not affecting all users").
    let scopeVerbs: Set<String> = ["affect", "affects", "affecting", "impact", "impacts", "impacting", "hit", "hitting",
                                   "happening", "happen", "happens", "occurring"]
    /// All or most users, the whole company: P1 with a hard impact, P3 with only a minor one.
    let everyone: PhraseSet
    /// A department, a site, many users: P2 with a hard impact, P3 with only a minor one.
    let department: PhraseSet
    /// A few users: P3 with any impact.
    let few: PhraseSet
    /// One or two users, only me: P4 with any impact.
    let single: PhraseSet
    /// "Only me" style phrases that are P4 even without an impact word.
    let onlyMe: PhraseSet
    /// Things that do not work.
    let hard: PhraseSet
    /// A minor problem: slow, cosmetic, now and then, a workaround exists.
    let minor: PhraseSet
    /// Reassurance: not urgent, people can still work. Lowers an everyone/department match to P3 but is no impact
    /// itself.
    let reassurance: PhraseSet
    /// A question / information request: P5.
    let question: PhraseSet
    /// Which sets may match a sentence, from their necessary literals; bits in the order of `all`.
    let prefilter: PhrasePrefilter
    var all: [PhraseSet] {
        [stopped, everyone, department, few, single, onlyMe, hard, minor, reassurance, question, inverted]
    }

    func bit(_ set: PhraseSet) -> UInt32 { bits[ObjectIdentifier(set)]! }
    /// Each set's bit in the prefilter mask, looked up per sentence.
    let bits: [ObjectIdentifier: UInt32]
    /// Words that negate the phrase right after them ("not all users").
    let negators: Set<String> = ["not", "no", "never", "non", "isn't", "aren't", "doesn't", "don't", "wasn't",
                                 "weren't", "ikke", "aldrig", "ej", "nicht", "nie", "kein", "keine", "niet", "nooit",
                                 "geen"]
    /// Scope phrases that say "everyone" only after a negation ("virker ikke for nogen", "doesn't work for anyone"):
    /// a match starting with one of these is never negated.
    let needNegation = ["for nogen", "for anyone", "for anybody"]
    /// Words allowed between a negator and the phrase it negates ("not quite all", "ikke helt alle").
    let fillers: Set<String> = ["the", "for", "about", "om", "um", "für", "voor", "bei", "bij", "hos", "quite",
                                "really", "necessarily", "all", "just", "helt", "nødvendigvis", "ganz", "wirklich",
                                "unbedingt", "gar", "heel", "echt", "per", "se", "de", "het", "die", "den", "det",
                                "das", "der", "alle", "only", "op", "in", "im", "på", "i", "on", "at", "an", "auf"]

    init() {
        let people = "users|employees|staff|colleagues|people|workstations|computers|pcs|laptops|machines|clients|" +
            "sites|locations|offices|accounts|mailboxes"
        let folk = "brugere|medarbejdere|ansatte|kolleger|kollegaer|pc'?er|computere|maskiner|arbejdspladser|" +
            "afdelinger|lokationer|kontorer|konti|postkasser"
        let leute = "benutzern?|nutzern?|anwendern?|mitarbeitern?|mitarbeiterinnen|mitarbeitenden|kollegen|" +
            "kolleginnen|arbeitsplätze|rechner|pcs|clients|standorte|konten|postfächer"
        let mensen = "gebruikers|medewerkers|werknemers|collega'?s|werkplekken|computers|pc'?s|laptops|vestigingen|" +
            "locaties|accounts|mailboxen"
        let company = "company|office|business|firm|organisation|organization|building|network|shop|store|practice|" +
            "clinic|school|staff|workforce|site"
        let firma = "firmaet|virksomheden|kontoret|huset|organisationen|forretningen|butikken|klinikken|praksis|" +
            "skolen|netværket|bygningen|personalet|domænet"
        let firmaDE = "firma|büro|unternehmen|betrieb|belegschaft|standort|haus|firmennetz|netzwerk|netz|praxis|" +
            "geschäft|kanzlei|gebäude|team"
        let bedrijf = "bedrijf|kantoor|organisatie|zaak|pand|netwerk|praktijk|winkel|school|personeel|gebouw"
        let dept = "department|dept|team|floor|branch|warehouse|accounting|accounts " +
            "department|finance|sales|reception|front desk|call ?center|helpdesk|production hall|shop floor"
        let afd = "\\w*afdeling(?:en)?|bogholderiet|regnskab(?:et)?|lageret|receptionen|salget|kundeservice|teamet|" +
            "filialen|etagen|værkstedet|produktionshallen|callcenteret|kontoret i \\w+"
        let abt = "\\w*abteilung|buchhaltung|vertrieb|lager|empfang|rezeption|filiale|niederlassung|außenstelle|" +
            "werkstatt|etage|stockwerk|kundendienst|callcenter|standort \\w+|team"
        let afdNL = "\\w*afdeling|boekhouding|administratie|magazijn|verkoop|receptie|filiaal|vestiging in " +
            "\\w+|werkplaats|verdieping|klantenservice|callcenter|team"

        stopped = PhraseSet([
            // English
            "(?:nobody(?! else)|no one(?! else)|noone|none of us|not a single (?:user|person|employee)|no user|no " +
                "employee)(?: \\w+){0,4} (?:can|could|is able|are able|has access|works?|gets? in)",
            "we (?:can'?t|cannot|can not|are unable to|are not able to) (?:work|do any work|do " +
                "anything|operate|trade|invoice|ship|sell|produce|serve)",
            "(?:production|the production line|operations|the business|the whole business|the company|the shop|the " +
                "store|the warehouse|the clinic|the office) (?:is|has|are) (?:completely |totally |entirely " +
                    ")?(?:down|stopped|halted|at a standstill|shut down|offline)",
            "(?:complete|total|full|company ?wide|site ?wide) " +
                "(?:outage|standstill|shutdown|blackout|failure|breakdown)",
            "(?:nothing|nothing at all) (?:works|is working)", "everything is (?:down|offline|dead)",
            "business (?:has )?(?:stopped|halted|is at a standstill)",
            "dead in the water", "grinding to a halt|ground to a halt",
            // Danish
            "ingen(?! andre| anden| ellers| af de andre)(?: \\w+){0,4} (?:kan|har adgang|kommer)",
                "ikke en eneste(?: \\w+){0,3} (?:kan|har)",
            "vi kan (?:slet |overhovedet |simpelthen )?ikke (?:arbejde|lave noget|lave nogenting|komme " +
                "videre|fakturere|ekspedere|producere|sende|betjene|levere)",
            "(?:alt|alting|hele forretningen|hele " +
                "butikken|produktionen|driften|butikken|firmaet|virksomheden|kontoret|forretningen|lageret|" +
                    "klinikken) (?:står|ligger) (?:helt |totalt |fuldstændig )?stille",
            "står (?:helt |totalt |fuldstændig )?stille",
            "intet virker|ingenting virker|intet fungerer|ingenting fungerer",
            "alt er nede|alt ligger nede|alt er gået ned", "(?:totalt|komplet|fuldstændigt|totalt|totalt) nedbrud",
            // German
            "(?:niemand(?! sonst| anderes?)|keiner(?! sonst)|kein mitarbeiter|kein benutzer|kein einziger(?: " +
                "\\w+)?)(?: \\w+){0,4} (?:kann|können|hat zugriff|kommt)",
            "wir können (?:gar |überhaupt |momentan |aktuell |derzeit )?(?:nicht|nichts) (?:mehr " +
                ")?(?:arbeiten|tun|machen|verkaufen|produzieren|abrechnen)",
            "(?:gar )?nichts (?:geht|funktioniert) mehr", "nichts geht",
            "(?:die produktion|der betrieb|die firma|das geschäft|der laden|das lager|die praxis|die kanzlei|alles) " +
                "steht(?: komplett| völlig| seit \\w+)?(?: still)?",
            "stillstand", "total ?ausfall|komplett ?ausfall",
            "(?:totaler|kompletter|vollständiger|kompletten|totalen) (?:ausfall|stillstand)",
            "alles (?:ist )?(?:down|ausgefallen|lahmgelegt|tot)", "(?:komplett|völlig|total) lahmgelegt",
            // Dutch
            "(?:niemand(?! anders| verder)|geen enkele (?:gebruiker|medewerker|collega))(?: \\w+){0,4} " +
                "(?:kan|kunnen|heeft toegang|komt)",
            "we kunnen (?:helemaal |echt |momenteel )?niet (?:meer )?(?:werken|verder|factureren|verkopen|produceren)",
            "we kunnen (?:helemaal )?niets (?:meer )?(?:doen)?", "(?:niets|niks) (?:werkt|doet het)(?: meer)?",
            "alles ligt (?:volledig |helemaal |compleet )?(?:plat|stil|eruit)",
            "ligt (?:volledig |helemaal |compleet )?plat",
            "(?:de productie|het bedrijf|de winkel|het magazijn|het kantoor|de praktijk|de zaak) ligt (?:volledig " +
                "|helemaal |compleet )?stil",
            "(?:volledige|complete|totale) (?:storing|uitval|stilstand)", "stilstand",
        ])

        inverted = PhraseSet([
            // Verb second after a fronted time phrase or clause ("Siden i morges kan ingen …", "Seit heute kann
            // niemand …"): the negative subject follows the verb. The classifier drops a match with a subject
            // pronoun before the verb ("vi kan ingen fejl finde": there `ingen` is the object).
            "(?:kan|kunne) ingen(?! andre| anden| ellers| af de andre| steder| ting| problemer| fejl)(?: \\w+){0,4}",
            "(?:kan|kunne) ikke (?:en eneste|nogen)(?: \\w+){0,5}",
            "(?:har|havde) ingen(?! andre| anden| af de andre) (?:adgang|forbindelse)",
            "(?:kommer|kom) ingen(?! andre| af de andre) (?:ind|på|videre)(?: \\w+){0,3}",
            "(?:kann|konnte) (?:sich )?(?:niemand(?! sonst| anderes?)|keiner(?! sonst| von den anderen))(?: \\w+){0,4}",
            "(?:kann|konnte) (?:sich )?kein einziger(?: \\w+){0,5}",
            "(?:können|konnten) keine (?:mitarbeiter|benutzer|kollegen|mitarbeitenden|nutzer)(?: \\w+){0,4}",
            "(?:können|konnten) wir nicht mehr arbeiten",
            "(?:hat|hatte) (?:niemand|keiner) (?:mehr )?(?:zugriff|zugang|verbindung)",
            "(?:kommt|kam) (?:niemand|keiner)(?! sonst) (?:mehr )?(?:rein|ins|in|an|auf)(?: \\w+){0,3}",
            "(?:kan|kon|kunnen|konden) niemand(?! anders| verder)(?: \\w+){0,4}",
            "(?:kan|kon|kunnen|konden) geen enkele (?:gebruiker|medewerker|collega)(?: \\w+){0,4}",
            "(?:heeft|had) niemand (?:meer )?(?:toegang|verbinding)",
            "(?:komt|kwam) niemand(?! anders) (?:meer )?(?:in|op|binnen)(?: \\w+){0,3}",
        ])

        everyone = PhraseSet([
            // "all other users", "everyone else", "alle andre", "bei allen anderen": the others, not everyone.
            "all (?:of )?(?:our |the |my )?(?!other )(?:\\w+ )?(?:\(people))",
            "everyone(?! else)|everybody(?! else)|every (?:single )?(?:user|employee|colleague|workstation)",
            "(?:the |our )?(?:whole|entire) (?:\(company))",
            "company ?wide|organi[sz]ation ?wide|across the (?:company|organi[sz]ation|board)",
            "most (?:of )?(?:our |the )?(?:\(people))", "for anyone|for anybody|for everyone|for all of us|all of us",
            "alle (?:vores |de |mine |vore )?(?!andre )(?:\\w+ )?(?:\(folk))",
            "alle (?:her|på kontoret|i firmaet|i virksomheden|i huset|i butikken|sammen)|allesammen",
            "hele (?:\(firma))", "de fleste (?:af )?(?:vores |de )?(?:\(folk))", "samtlige (?:\\w+ )?(?:\(folk))",
            "for nogen|for alle(?! andre)|hos alle(?! andre)|for os alle",
            "alle (?:unsere[nm]? |die |meine )?(?!anderen )(?:\\w+ )?(?:\(leute))",
            "(?:die |das |der |im |in der |im )?(?:ganze[nmn]?|gesamte[nmn]?) (?:\(firmaDE))",
            "(?:die )?meisten (?:unserer |der )?(?:\(leute))",
            "jede[rnm]? (?:benutzer|mitarbeiter|kollege|arbeitsplatz)",
            "bei allen(?! anderen)|für alle(?! anderen)|alle kollegen|firmenweit|unternehmensweit",
            "bei niemandem|bei keinem|für niemanden|alle hier|wir alle",
            "alle (?:onze |de |mijn )?(?!andere )(?:\\w+ )?(?:\(mensen))",
            "(?:het |de |ons |onze )?(?:hele|gehele|volledige) (?:\(bedrijf))", "iedereen(?! anders| behalve)",
            "de meeste (?:van onze |van de )?(?:\(mensen))",
            "bij niemand|voor niemand|bij iedereen(?! anders)|voor iedereen(?! anders)",
            "bedrijfsbreed|wij allemaal|we allemaal",
        ])

        department = PhraseSet([
            "(?:the |our )?(?:whole|entire) (?:\\w+ )?(?:\(dept))",
            "(?:everyone|everybody|all (?:\\w+ )?(?:\(people))) (?:in|at|on) (?:the |our )?(?:\\w+ )?(?:\(dept)|\\w+ " +
                "office)",
            "(?:the |our )?\\w+ (?:department|team)",
            "(?:many|lots of|a lot of|several|multiple|numerous|a number of|a dozen|dozens of|half (?:of " +
                ")?(?:the|our)|a large number of|a good number of) (?:of )?(?:our |the )?(?:\\w+ " +
                    ")?(?:\(people)|departments)",
            "half (?:of )?the office|several departments|multiple departments",
            "for (?:anyone|anybody) (?:in|at|on) (?:the |our )?(?:\\w+ )?(?:\(dept))",
            "for nogen (?:\\w+ ){0,2}(?:i|på|hos|ude på|nede i|oppe i) (?:\(afd))",
            "hele (?:\(afd))", "alle (?:\\w+ ){0,2}(?:i|på|hos|ude på|nede i|oppe i) (?:\(afd))", "\\w*afdelingen",
            "(?:mange|flere|adskillige|en del|en stor del af(?: vores)?|halvdelen af(?: vores)?|mange af vores|en " +
                "masse) (?:\(folk))", "halvdelen af kontoret",
            "(?:die |unsere )?(?:ganze|gesamte|komplette) (?:\(abt))",
            "alle (?:\\w+ ){0,2}(?:in der|im|in unserer|aus der|der) (?:\(abt))", "\\w*abteilung",
            "(?:viele|mehrere|zahlreiche|etliche|die hälfte der|ein großteil der|eine menge) (?:unserer " +
                ")?(?:\(leute)|abteilungen)", "die halbe firma|das halbe büro",
            "(?:de |onze )?(?:hele|gehele|volledige) (?:\(afdNL))",
            "(?:iedereen|alle (?:\\w+ )?(?:\(mensen))) (?:op|in|bij|van) (?:de |het |onze )?(?:\(afdNL))",
            "(?:de |onze )?afdeling " +
                "(?:verkoop|administratie|inkoop|financien|financiën|planning|logistiek|hr|personeelszaken|" +
                    "boekhouding|klantenservice|productie|techniek|marketing|ict|it)", "\\w+afdeling",
            "(?:veel|meerdere|diverse|talloze|de helft van de|de helft van onze|een groot deel van de|een groot deel " +
                "van onze|een hoop) (?:\(mensen)|afdelingen)", "half kantoor|het halve kantoor",
        ])

        few = PhraseSet([
            "(?:a few|some|a handful of|a couple of|a small number of|few) (?:of )?(?:our |the )?(?:\(people))",
            "(?:nogle (?:få )?|et par |enkelte |få |en håndfuld )(?:af )?(?:vores )?(?:\(folk))",
            "(?:ein paar|einigen?|wenigen?|vereinzelten?|manchen?|eine handvoll) (?:unserer )?(?:\(leute))",
            "vereinzelt",
            "(?:een paar|enkele|een aantal|sommige|een handvol|een klein aantal) (?:van onze )?(?:\(mensen))",
        ])

        // One person's things and roles, for the third person ("Lars kan ikke printe fra sin pc").
        let gear = "laptop|pc|computer|desktop|machine|account|mailbox|inbox|outlook|phone|mobile|iphone|printer|"
            + "monitor|screen|keyboard|mouse|headset|password|login|docking station|calendar|vpn|signature"
        let notFound = "(?:find|figure|remember|work out|see how|tell)"
        let roles = "receptionist|accountant|bookkeeper|secretary|ceo|managing director|office manager|new hire|intern|"
            + "apprentice|trainee"
        let udstyr = "pc|computer|bærbare|bærbar|laptop|skærm|mus|printer|telefon|mobil|iphone|konto|mailboks|indbakke|"
            + "adgangskode|kode|outlook|kalender|signatur|dockingstation|tastatur|headset|login|kodeord|password"
        let roller = "receptionist|bogholder|sekretær|direktør|elev|lærling|praktikant|nye kollega|nye medarbejder"
        let geraet = "laptop|rechner|pc|computer|notebook|bildschirm|monitor|drucker|telefon|handy|konto|postfach|"
            + "passwort|kennwort|maus|tastatur|headset|outlook|kalender|signatur|dockingstation|zugang"
        let rollen = "sekretärin|sekretär|buchhalterin|buchhalter|empfangsdame|chefin|chef|geschäftsführerin|"
            + "geschäftsführer|auszubildende|azubi|praktikantin|praktikant|neue kollegin|neuer kollege"
        let spullen = "laptop|computer|pc|scherm|monitor|printer|telefoon|mobiel|account|mailbox|inbox|wachtwoord|"
            + "toetsenbord|muis|headset|outlook|agenda|handtekening|dockingstation"
        let rollenNL = "receptioniste|receptionist|boekhouder|secretaresse|directeur|stagiair|stagiaire|nieuwe collega|"
            + "nieuwe medewerker"

        single = PhraseSet([
            // Someone else, one person: administrators write for their users ("Lars kan ikke printe fra sin pc").
            "(?:his|her) (?:\\w+ )?(?:\(gear))",
            "(?:he|she) (?:can'?t|cannot|can not|is unable to|'s unable to)(?! \(notFound))",
            "(?:he|she) (?:is not able to|isn't able to)(?! \(notFound))",
            "(?:he|she) (?:has no|gets an?|keeps getting|lost)",
            "only (?:him|her|for him|for her)|just (?:him|her)",
            "(?:two|2|one) of us|(?:to|2|en|én) af os|(?:zwei|2|einer) von uns|(?:twee|2|een) van ons|only mine",
            "just mine",
            "(?:mr|mrs|ms|miss) \\w+",
            "(?:our|the) (?:\(roles))",
            "(?:sin|sit|hans|hendes) (?:\\w+ )?(?:\(udstyr))",
            "(?:han|hun) (?:kan ikke|kunne ikke|har ikke adgang|har mistet)(?! (?:finde|huske|se hvordan|gennemskue))",
            "(?:han|hun) (?:får en fejl|får fejl|får en fejlbesked)",
            "kun (?:ham|hende|hos ham|hos hende|for ham|for hende)",
            "(?:vores|vor) (?:\(roller))",
            "(?:frau|herr|herrn) \\w+",
            "(?:sein|seine|seinen|seinem|seiner|ihr|ihre|ihren|ihrem) (?:\\w+ )?(?:\(geraet))",
            "(?:er|sie) (?:kann|kommt) (?:\\w+ ){0,4}(?:nicht|kein|keine)(?! (?:finden|herausfinden))",
            "nur (?:er|sie|bei ihm|bei ihr|für ihn|für sie)|bei (?:ihm|ihr)",
            "(?:unsere|unser) (?:\(rollen))",
            "(?:meneer|mevrouw|mevr|dhr|de heer) \\w+",
            "(?:zijn|haar) (?:\\w+ )?(?:\(spullen))",
            "(?:hij|zij|ze) (?:kan|komt) (?:niet|geen)(?! (?:vinden|achterhalen))",
            "alleen (?:hij|zij|bij hem|bij haar|voor hem|voor haar)|bij (?:hem|haar)",
            "onze (?:\(rollenNL))",
            "only (?:me|my \\w+|one \\w+|for me)|just (?:me|my \\w+|for me)|(?:one|1|two|2|a single) " +
                "(?:user|employee|colleague|person|laptop|pc|computer|account|mailbox)s?",
            "one or two|(?:a|one) colleague|(?:a|one|the|our) new (?:colleague|employee|hire|starter)|one of " +
                "(?:our|my) (?:\(people))",
            "my (?:own " +
                ")?(?:laptop|pc|computer|desktop|machine|account|mailbox|inbox|outlook|phone|mobile|iphone|printer|" +
                    "monitor|screen|keyboard|mouse|headset|password|login|docking " +
                        "station|dock|calendar|vpn|teams|signature)",
            "i (?:can'?t|cannot|can not|am unable to|'?m unable to|am not able to|'?m not able to|have no|get " +
                "an?|keep getting|lost)(?! (?:find|figure|remember|work out|see how|tell))",
            "for me|(?:on|with) my (?:machine|laptop|pc|computer)",
            "kun (?:mig|hos mig|min \\w+|mit \\w+|én|en enkelt|for mig)|(?:en|én|1|to|2) " +
                "(?:bruger|brugere|medarbejder|medarbejdere|kollega|kolleger|kollegaer|pc|computer)|en eller to|en " +
                    "af (?:vores|mine) (?:\(folk))|en (?:ny|nyansat) (?:medarbejder|kollega)",
            "min (?:egen " +
                ")?(?:pc|computer|bærbare|bærbar|laptop|skærm|mus|printer|telefon|mobil|iphone|konto|mailboks|" +
                    "indbakke|adgangskode|kode|outlook|kalender|signatur|dockingstation)|mit " +
                        "(?:tastatur|headset|login|kodeord|password)|hos mig|på min (?:pc|computer|bærbare|maskine)",
            "jeg (?:kan ikke|har ikke adgang|får en fejl|får fejl|får en fejlbesked|har mistet)(?! (?:finde|huske|se " +
                "hvordan|gennemskue))",
            "nur (?:ich|bei mir|mein \\w+|meine \\w+|ein(?:e[nmr]?)? " +
                "(?:benutzer|nutzer|mitarbeiter|mitarbeiterin|kollege|kollegin|rechner|pc|laptop|arbeitsplatz))|" +
                    "(?:ein|einem|einen|eine|einer|eines|1|zwei|2) " +
                        "(?:benutzer|nutzer|mitarbeiter|mitarbeiterin|kollege|kollegen|kollegin|arbeitsplatz|rechner|" +
                            "laptop)|einer unserer (?:\(leute))|eine[rn]? neue[rn]? " +
                                "(?:mitarbeiter|mitarbeiterin|kollegin|kollegen)",
            "mein(?:e|en|em)? " +
                "(?:laptop|rechner|pc|computer|notebook|bildschirm|monitor|drucker|telefon|handy|konto|postfach|" +
                    "passwort|kennwort|maus|tastatur|headset|outlook|kalender|signatur|dockingstation|zugang)|bei mir",
            "ich (?:kann|komme) (?:\\w+ ){0,4}(?:nicht|kein|keine)(?! (?:finden|herausfinden))|ich bekomme " +
                "(?:eine|einen|die) (?:fehlermeldung|fehler)",
            "alleen (?:ik|bij mij|mijn \\w+|voor mij)|(?:een|1|twee|2) " +
                "(?:gebruiker|gebruikers|medewerker|medewerkers|collega|collega'?s|werkplek|laptop)|een van " +
                    "(?:onze|mijn) (?:\(mensen))|(?:een|onze|mijn) nieuwe (?:medewerker|collega)",
            "mijn (?:laptop|computer|pc|scherm|monitor|printer|telefoon|mobiel|account|mailbox|inbox|wachtwoord|" +
                "toetsenbord|muis|headset|outlook|agenda|handtekening|dockingstation)|bij mij",
            "ik (?:kan|kom) (?:niet|geen)(?! (?:vinden|achterhalen))|ik krijg (?:een |de )?(?:foutmelding|fout)",
        ])

        onlyMe = PhraseSet([
            // "Only X" said the other way round: the others are fine.
            "only (?:him|her|for him|for her)|just (?:him|her)|(?:the|all the|all) others (?:are|can|have|work|seem)",
            "(?:everyone|everybody) else(?! (?:is|are) (?:also |too )?(?:affected|down|hit))",
            "(?:all |the )?other (?:users|colleagues|people|employees|staff|pcs|computers|machines|laptops)"
                + " (?:are|can|have|work|seem)",
            "the rest of (?:us|the office|the team|the staff) (?:are|is|can|have)",
            "the rest of (?:us|the office|the team|the staff) (?:are|is|can|have)",
            "works? (?:fine |ok |okay )?for (?:everyone|everybody) else|only mine|just mine",
            "(?:the|all the) other \\w+ (?:\\w+ )?(?:fine|ok|okay|normally|as usual|without (?:any )?problems)",
            "(?:our|my) colleague \\w+|(?:vores|min) kollega \\w+|(?:unser|mein) kollege \\w+",
            "(?:unsere|meine) kollegin \\w+",
            "(?:onze|mijn) collega(?!') \\w+|kun (?:hans|hendes|på min \\w+|(?:den|det) ene)",
            "nur (?:frau|herr|herrn) \\w+",
            "only (?:mr|mrs|ms|miss) \\w+|alleen (?:mevrouw|meneer|de heer|dhr|mevr) \\w+",
            "alleen (?:voor |bij )?(?:een|één) (?:gebruiker|medewerker|collega|werkplek)",
            "(?:alle|de) andre (?:kan|har|er|virker|får|kommer)",
            "resten (?:af (?:os|kontoret|firmaet|afdelingen) )?(?:kan|har|er|virker)",
            "(?:virker|fungerer|går) (?:fint |godt )?(?:hos|for) (?:alle )?(?:de )?andre",
            "kun (?:ham|hende|hos ham|hos hende)",
            "(?:bei|für) (?:allen |den |die )?anderen (?:geht|gehts|funktioniert|klappt|läuft)",
            "(?:alle |die )?anderen (?:kollegen |kolleginnen |mitarbeiter |benutzer )?(?:können|haben|sind|arbeiten)",
            "der rest (?:kann|hat|ist)|nur (?:er|sie|bei ihm|bei ihr)",
            "(?:bij|voor) (?:alle |de )?anderen? (?:werkt|gaat|doet)",
            "(?:alle |de )?andere (?:collega'?s |medewerkers |gebruikers )?(?:kunnen|hebben|zijn|werken)",
            "de anderen (?:kunnen|hebben|zijn|werken)|de rest (?:kan|heeft|werkt|is)",
            "alleen (?:hij|zij|bij hem|bij haar)",
            "nobody else|no one else|ingen andre|sonst niemand|niemand sonst|niemand anders|verder niemand|only " +
                "(?:me|for me|my \\w+)|just me|(?:one|a single) (?:user|employee|colleague)|one or two " +
                    "(?:users|employees|colleagues|people)",
            "kun (?:mig|hos mig|for mig|min \\w+)|(?:en|én) enkelt (?:bruger|medarbejder)|en eller to " +
                "(?:brugere|medarbejdere|kolleger|kollegaer)",
            "nur (?:ich|bei mir|für mich|mein \\w+)|ein(?:er|em)? (?:einzige[rn]?|einzelne[rn]?) " +
                "(?:benutzer|mitarbeiter|kollegen?)|ein oder zwei (?:\(leute))",
            "alleen (?:ik|bij mij|voor mij|mijn \\w+)|één (?:gebruiker|medewerker|collega)|een of twee (?:\(mensen))",
        ])

        hard = PhraseSet([
            // Things that stop one person as much as many: no mail coming in, a connection that drops, a
            // flickering screen, something missing, "has the problem".
            "can no longer|no longer (?:works?|working|able|getting|receiving|detects?|connects?|starts?)",
            "(?:is|are|isn't|aren't) (?:not )?(?:getting|receiving) (?:any )?(?:e ?mails?|mail|messages|calls)",
            "(?:has|have|having) (?:the|this|that|the same) (?:problem|issue)",
            "keeps? (?:dropping|disconnecting|freezing)",
            "får (?:\\w+ ){0,2}ikke (?:længere )?(?:mail|mails|opkald|beskeder|billede|lyd|forbindelse)",
            "(?:har|får) ikke (?:noget |nogen )?(?:billede|lyd|signal|forbindelse|internet|net)",
            "falder (?:hele tiden |konstant |tit |ofte )?ud|ryger (?:hele tiden |konstant )?(?:af|ud)|flimrer|mangler",
            "(?:har|havde) (?:det|samme|dette) problem",
            "(?:bekommt|bekommen|erhält|erhalten) (?:\\w+ ){0,2}(?:keine|keinen|kein)|bricht (?:\\w+ ){0,2}ab",
            "brechen (?:\\w+ ){0,2}ab",
            "flackert|flackern|flimmert|flimmern|fehlt|fehlen|(?:hat|haben|hatte) (?:das|dieses|dasselbe|ein) problem",
            "(?:krijgt|krijgen|ontvangt|ontvangen) (?:\\w+ ){0,3}geen|valt (?:steeds |telkens |constant |vaak )?weg",
            "vallen (?:steeds |telkens )?weg",
            "flikkert|flikkeren|knippert|ontbreekt|ontbreken|verdwijnt|verdwijnen",
            "(?:heeft|hebben) (?:het|dit|dat|hetzelfde) probleem",
            "(?:is|are|was|were|went|'s|'re|been|goes|go|keeps going) (?:\\w+ )?(?:down|offline|not working|not " +
                "responding|broken|dead|unreachable|unavailable|inaccessible)",
            "not working|doesn'?t work|don'?t work|didn'?t work|isn'?t working|aren'?t working|won'?t " +
                "(?:start|work|open|load|connect|boot|print|send|sync)|stopped working|has stopped|have stopped|no " +
                    "longer works?",
            "crash(?:ed|es|ing)?|can'?t|cannot|can not|unable to|not able to|no access|lost access|locked " +
                "out|(?:no|without) (?:internet|network|connection|email|e ?mail|power|phones?|telephony)",
            "cannot connect|outage|failure|fail(?:ed|s|ing)?|errors?|error " +
                "message|down|stuck|blocked|frozen|freezes|hangs|bounc(?:e|es|ed|ing)|affect(?:s|ed|ing)?|impact(?:s|" +
                    "ed|ing)?|hit by|disconnect(?:s|ed|ing)?|drops|dropping|flicker(?:s|ing)?|not receiving|not " +
                        "sending|disappeared|missing|lost",
            "(?:virker|fungerer|virkede) (?:\\w+ ){1,3}ikke|(?:kan|kunne) (?:\\w+ ){1,3}ikke(?! " +
                "(?:finde|huske|gennemskue))|nede|virker ikke|virkede ikke|fungerer ikke|kan ikke|kunne ikke|ingen " +
                    "adgang|har ikke adgang|mistet adgang|(?:er |har )?gået ned|går " +
                        "ned|nedbrud|fejl(?:er|en|besked|meddelelse)?|lukket ude|låst " +
                            "ude|frosset|fryser|hænger|crasher|går ikke|er " +
                                "ramt|rammer|ramt|berørt|berører|påvirket|påvirker|ude af " +
                                    "drift|offline|utilgængelig|uden " +
                                        "(?:internet|net|netværk|forbindelse|strøm|telefon|mail|adgang)|ingen " +
                                            "forbindelse|ikke muligt|umuligt|mistet " +
                                                "(?:forbindelsen|adgangen|adgang)|ikke (?:kunnet|længere kunne)|vil " +
                                                    "ikke (?:starte|åbne|virke|tænde|printe|forbinde|logge)|afbryder|" +
                                                        "forsvundet|modtager ikke|sender ikke|kommer ikke",
            "(?:funktioniert|funktionieren|geht|gehen|läuft|laufen) (?:\\w+ ){1,4}(?:nicht|nicht " +
                "mehr)|(?:kann|können|konnte|konnten) (?:\\w+ ){1,5}(?:nicht|kein|keine|keinen)(?! " +
                    "(?:finden|herausfinden))|funktioniert nicht|funktionieren nicht|funktioniert nicht mehr|geht " +
                        "nicht|gehen nicht|geht nichts|kann nicht|können nicht|konnte nicht|kann " +
                            "kein(?:e|en)?|können kein(?:e|en)?|kein(?:en)? zugriff|keine verbindung|kein " +
                                "internet|ohne (?:internet|netz|netzwerk|verbindung|strom|telefon|e " +
                                    "?mail|zugriff)|ausgefallen|ausfall|störung|gestört|abgestürzt|stürzt " +
                                        "ab|hängt|hängen|fehler(?:meldung)?|nicht erreichbar|nicht " +
                                            "möglich|betroffen|betrifft|trennt|blockiert|gesperrt|lahmgelegt|nicht " +
                                                "mehr|kommt nicht|kommen nicht|verschwunden",
            "(?:werkt|werken|doet|doen) (?:\\w+ ){1,4}niet|(?:kan|kunnen|kon|konden) (?:\\w+ ){1,5}(?:niet|geen)(?! " +
                "(?:vinden|achterhalen))|werkt niet|werken niet|werkt niet meer|doet het niet|doen het niet|kan " +
                    "niet|kunnen niet|kon niet|kan geen|kunnen geen|geen toegang|geen verbinding|geen " +
                        "internet|zonder " +
                            "(?:internet|netwerk|verbinding|stroom|telefoon|mail|e-mail|toegang)|storing|uitgevallen|" +
                                "ligt eruit|liggen eruit|plat|vastgelopen|loopt vast|lopen " +
                                    "vast|crasht|foutmelding|fout(?:en)?|niet bereikbaar|niet " +
                                        "mogelijk|getroffen|treft|verbreekt|geblokkeerd|niet meer|komt niet|komen " +
                                            "niet|verdwenen",
        ])

        reassurance = PhraseSet([
            "not urgent|no rush|not critical|can still work|are still able to work|not a big deal|not stopping " +
                "anyone|nothing urgent|whenever you have time|when you have time",
            "ikke (?:akut|kritisk|presserende|noget der haster)|haster ikke|kan (?:godt |stadig |sagtens |fint " +
                ")+arbejde|arbejde videre|kan leve med|når i får tid",
            "nicht dringend|eilt nicht|nicht kritisch|können (?:aber )?(?:noch |weiter |trotzdem " +
                ")+arbeiten|weiterarbeiten|wenn sie zeit haben",
            "niet dringend|geen haast|niet kritiek|kunnen (?:wel |nog |gewoon |verder " +
                ")+(?:door)?werken|doorwerken|als jullie tijd hebben",
        ])

        minor = PhraseSet([
            "delayed|arrives? late|slow(?:er|ly)?|sluggish|laggy|minor|small " +
                "(?:issue|problem|glitch|annoyance|bug)|slightly|a bit|a " +
                    "little|cosmetic|annoying|occasionally|sometimes|now and " +
                        "then|intermittent(?:ly)?|workaround|work around|not urgent|no rush|not critical|can still " +
                            "work|are still able to work|still working|not a big deal",
            "langsom(?:t|me|mere)?|langsommere|sløv(?:t|e)?|mindre (?:problem|fejl|irritation)|lille " +
                "(?:problem|fejl)|lidt (?:langsom\\w*|ustabil\\w*|besværlig\\w*|irriterende|forsinket)|en lille " +
                    "smule|kosmetisk|irriterende|af og til|nogle gange|ind imellem|indimellem|sporadisk|ikke " +
                        "(?:akut|kritisk|presserende|noget der haster)|haster ikke|kan (?:godt |stadig |sagtens " +
                            "|fint )+arbejde|arbejde videre|omgå|midlertidig løsning|kan leve med",
            "langsam(?:er|e)?|träge|zäh|kleine(?:s|r|n)? " +
                "(?:problem|fehler|schönheitsfehler)|kleinigkeit|schönheitsfehler|etwas " +
                    "(?:langsam\\w*|träge|verzögert)|ein bisschen|ein " +
                        "wenig|kosmetisch\\w*|lästig|nervig|manchmal|gelegentlich|ab und " +
                            "(?:zu|an)|sporadisch|zeitweise|nicht dringend|eilt nicht|nicht kritisch|können (?:aber " +
                                ")?(?:noch |weiter |trotzdem " +
                                    ")+arbeiten|weiterarbeiten|umgehen|workaround|notlösung|übergangslösung",
            "traag|trager|langzaam|langzamer|klein(?:e)? (?:probleem|probleempje|foutje|storinkje)|kleinigheid|iets " +
                "(?:trager|langzamer|vertraagd)|een beetje|cosmetisch|vervelend|soms|af en toe|sporadisch|niet " +
                    "dringend|geen haast|niet kritiek|kunnen (?:wel |nog |gewoon |verder " +
                        ")+(?:door)?werken|doorwerken|omzeilen|workaround|tijdelijke oplossing",
        ])

        question = PhraseSet([
            "(?:i have a|i'?ve got a|i have|just a|quick|small|a short|one|general|a general|a quick|a small) " +
                "question|question (?:about|regarding|on|concerning|re)",
            "(?:could|can|would) you (?:please )?(?:tell|let|explain|advise|clarify|confirm)(?: me| us)?|(?:i|we) " +
                "(?:would like|'?d like|want|wanted) to (?:know|ask|find out|understand)|(?:i was|we were|we are|i " +
                    "am|just) wondering",
            "is it possible (?:to|for)|is there a way to|how (?:do|can|should|would) " +
                "(?:i|we)|(?:information|info|details) (?:about|on|regarding)|do you " +
                    "(?:know|offer|have|support|provide|sell)|what (?:is|are) the " +
                        "(?:best|recommended|procedure|process|price|cost)|what does (?:it|\\w+) cost|request for " +
                            "information|information request",
            "(?:et|lille|hurtigt|kort|generelt|enkelt) spørgsmål|spørgsmål " +
                "(?:om|til|vedr|vedrørende|angående)|(?:jeg |vi )?(?:vil|ville) (?:gerne|bare) " +
                    "(?:vide|høre|spørge|have oplyst)|hvordan (?:jeg|vi|man)|findes der en vejledning|kan (?:i|du) " +
                        "(?:fortælle|oplyse|forklare|sige|bekræfte|rådgive|hjælpe med at forstå)|er det " +
                            "muligt|hvordan (?:gør|kan|skal|får) (?:jeg|vi|man)|(?:oplysninger|information|info) " +
                                "om|hvad koster|tilbyder i|har i mulighed for|jeg undrer mig",
            "(?:eine|kurze|kleine|allgemeine|eine kurze|eine kleine) frage|frage (?:zu|zur|zum|bezüglich|wegen|zu " +
                "unserem|zu unserer)|(?:ich|wir) (?:möchte|möchten|würde|würden|hätte|hätten) (?:gerne |gern " +
                    ")?(?:wissen|fragen|erfahren|eine frage)|(?:können|könnten) sie (?:mir|uns) (?:bitte " +
                        ")?(?:sagen|mitteilen|erklären|bestätigen)|ist es möglich|gibt es eine möglichkeit|wie " +
                            "(?:kann|können|muss|müssen|soll|sollen) (?:ich|wir|man)|informationen " +
                                "(?:zu|über|bezüglich)|auskunft|was kostet|bieten sie",
            "(?:een|korte|kleine|algemene|een korte|een kleine) vraag|vraagje|vraag (?:over|omtrent|betreffende|m b " +
                "t|mbt|aan jullie)|(?:ik|wij|we) (?:wil|willen|zou|zouden) (?:graag |heel graag " +
                    ")?(?:weten|vragen|informatie)|(?:kunt|kan|kunnen) (?:u|jij|je|jullie) (?:mij|me|ons) " +
                        "(?:vertellen|laten weten|uitleggen|bevestigen)|is het mogelijk|is er een mogelijkheid|hoe " +
                            "(?:kan|moet|kunnen|moeten) (?:ik|we|wij|je)|(?:informatie|info) (?:over|omtrent|m b " +
                                "t)|wat kost|bieden jullie",
        ])
        let sets = [stopped, everyone, department, few, single, onlyMe, hard, minor, reassurance, question, inverted]
        prefilter = PhrasePrefilter(sets.enumerated().map { (UInt32(1) << UInt32($0.offset), $0.element.factors) })
        bits = Dictionary(uniqueKeysWithValues: sets.enumerated().map { (
            ObjectIdentifier($0.element), UInt32(1) << UInt32($0.offset)) })
    }
}

/// One compiled alternation of phrases, matched on whole words of normalized text (see PhraseMatcher).
final class PhraseSet: Sendable {
    let matcher: PhraseMatcher
    /// The same phrases as one ICU pattern: what PhraseMatcher must agree with (tests compare the two).
    let icuPattern: String
    /// Literals one of which every match contains (see PhrasePrefilter); nil = none guaranteed.
    let factors: [String]?

    init(_ alternatives: [String]) {
        let body = alternatives.map(PhraseSet.expand).joined(separator: "|")
        matcher = PhraseMatcher(body)
        icuPattern = "(?<![\\p{L}\\p{N}'])(?:" + body + ")(?![\\p{L}\\p{N}])"
        factors = NecessaryFactors.of(body)
    }

    /// Non-overlapping matches, leftmost first: (byte range in `text`, matched text).
    func matches(in text: [UInt8]) -> [PhraseMatch] {
        var steps = 0
        return matches(in: text, steps: &steps)
    }

    /// `matches(in:)`, adding the matcher's steps to `steps`.
    func matches(in text: [UInt8], steps: inout Int) -> [PhraseMatch] {
        matcher.matches(in: text, steps: &steps).map {
            PhraseMatch(range: $0, text: String(decoding: text[$0], as: UTF8.self))
        }
    }

    /// On UTF-8 bytes: comparing Characters in a switch was a quarter of the lexicon's build (issue 19).
    static func expand(_ pattern: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(pattern.utf8.count + 64)
        var lead: UInt8 = 0
        for b in pattern.utf8 {
            if lead == 0xC3 {
                lead = 0
                let ascii: String? = switch b {
                case 0xA6, 0xA4: "ae"   // æ ä
                case 0xB8, 0xB6: "oe"   // ø ö
                case 0xA5: "aa"         // å
                case 0xBC: "ue"         // ü
                case 0x9F: "ss"         // ß
                default: nil
                }
                if let ascii {
                    out += Array("(?:".utf8) + [0xC3, b, UInt8(ascii: "|")] + Array(ascii.utf8) + [UInt8(ascii: ")")]
                } else {
                    out += [0xC3, b]
                }
            } else if b == 0xC3 {
                lead = b
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A phrase found in a sentence: its byte range in the normalized sentence and its text.
struct PhraseMatch {
    var range: Range<Int>
    var text: String
}
