#!/usr/bin/env python3
"""gen-reply-fixtures.py [DIR]   (default Fixtures/replies)

Writes the reply-extraction fixtures: NAME.eml and NAME.expected.txt (the new text the desk must keep), one per
client convention and language (da/en/de/nl). Each mail is built the way that client writes it; the expected text
is put together from the words the sender wrote, never from running the extractor. Run it again after editing;
the output is deterministic. Tests/MIMETests/ReplyFixtureTests.swift reads them all."""
import os, sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Fixtures", "replies")

L = {
    "en": dict(
        cust=("Sarah Collins", "sarah.collins@acme.co.uk"), staff=("Jonas Berg", "jonas@helpdesk.test"),
        hi="Hi Sarah,", bye=["Best regards,", "Jonas"], cust_hi="Hi,", cust_bye=["Best regards", "Sarah"],
        replies=["We have restarted the print server. Could you try printing again and let us know if it works?",
                 "The VPN certificate had expired. I have renewed it, so you should be able to connect again now.",
                 "Thanks for the screenshot. The error comes from an old Outlook profile; we will remove it "
                 "remotely this afternoon.",
                 "Your mailbox was full. I have moved last year's mail to the archive, so new mail arrives again.",
                 "The laptop is ready for collection at reception from 2 pm.",
                 "The backup failed last night because the disk was full. It is running again now.",
                 "I have reset Peter's password. He will be asked to choose a new one when he logs in.",
                 "The Wi-Fi in the meeting room is back. The access point had lost its power supply."],
        old="Nobody in the office can print since this morning.",
        q="Could you tell us which printer it is and when it started?",
        a="It is the Kyocera by the kitchen. It started yesterday after lunch.",
        qa=[("Which printer is it?", "The Kyocera by the kitchen."),
            ("Do the other printers work?", "Yes, the one upstairs works fine.")],
        cover="Could you look at Tom's screen? See his mail below.",
        fwd=("Tom Baker", "tom.baker@acme.co.uk", "Screen",
             "My screen stays black after the update and I cannot work."),
        re="RE:", fw="FW:", gre="Re:", gfw="Fwd:",
        sep="-----Original Message-----", labels=("From", "Sent", "To", "Subject"), dlabel="Date",
        odate="Monday, November 16, 2026 8:31 AM",
        gmail="On Mon, Nov 16, 2026 at 8:31 AM {n} <{a}> wrote:",
        android="On Mon, 16 Nov 2026, 08:31 {n}, <{a}> wrote:",
        apple="On 16 Nov 2026, at 08:31, {n} <{a}> wrote:",
        tb="On 16/11/2026 08:31, {n} wrote:",
        mutt="On Mon, Nov 16, 2026 at 08:31:12AM +0100, {n} wrote:",
        gfwd="---------- Forwarded message ---------", tbfwd="-------- Forwarded Message --------",
        applefwd="Begin forwarded message:", muttfwd="----- Forwarded message from {n} <{a}> -----",
        muttend="----- End forwarded message -----", fwdlabels=("From", "Date", "Subject", "To"),
        iphone="Sent from my iPhone", dashed="---- {n} wrote ----",
        desk="Sent from my desk, which is easier than my phone.",
    ),
    "da": dict(
        cust=("Mette Holm", "mette@nordlys.dk"), staff=("Jonas Berg", "jonas@helpdesk.test"),
        hi="Hej Mette,", bye=["Venlig hilsen", "Jonas"], cust_hi="Hej,", cust_bye=["Venlig hilsen", "Mette"],
        replies=["Vi har genstartet printserveren. Vil du prøve at printe igen og give besked, om det virker?",
                 "VPN-certifikatet var udløbet. Jeg har fornyet det, så du burde kunne logge på igen nu.",
                 "Tak for skærmbilledet. Fejlen skyldes en gammel Outlook-profil, som vi fjerner i eftermiddag.",
                 "Din postkasse var fuld. Jeg har flyttet sidste års mails til arkivet, så der kommer post igen.",
                 "Den bærbare er klar til afhentning i receptionen fra kl. 14.",
                 "Backuppen fejlede i nat, fordi disken var fuld. Den kører igen nu.",
                 "Jeg har nulstillet Peters adgangskode. Han bliver bedt om at vælge en ny, når han logger på.",
                 "Det trådløse net i mødelokalet virker igen. Access pointet havde mistet strømmen."],
        old="Ingen på kontoret kan printe siden i morges.",
        q="Kan du fortælle, hvilken printer det drejer sig om, og hvornår det startede?",
        a="Det er Kyocera'en ved køkkenet. Det startede i går efter frokost.",
        qa=[("Hvilken printer drejer det sig om?", "Kyocera'en ved køkkenet."),
            ("Virker de andre printere?", "Ja, den på første sal virker fint.")],
        cover="Kan I kigge på Lars' skærm? Se hans mail herunder.",
        fwd=("Lars Bak", "lars.bak@nordlys.dk", "Skærm",
             "Min skærm er sort efter opdateringen, og jeg kan ikke arbejde."),
        re="SV:", fw="VS:", gre="Sv:", gfw="Fwd:",
        sep="-----Oprindelig meddelelse-----", labels=("Fra", "Sendt", "Til", "Emne"), dlabel="Dato",
        odate="16. november 2026 08:31",
        gmail="Den man. 16. nov. 2026 kl. 08.31 skrev {n} <{a}>:",
        android="Den man. 16. nov. 2026 08.31 skrev {n} <{a}>:",
        apple="Den 16. nov. 2026 kl. 08.31 skrev {n} <{a}>:",
        tb="Den 16-11-2026 kl. 08:31 skrev {n}:",
        mutt="Den man. 16. nov. 2026 kl. 08:31 skrev {n}:",
        gfwd="---------- Videresendt meddelelse ---------", tbfwd="-------- Videresendt meddelelse --------",
        applefwd="Start på videresendt besked:", muttfwd="----- Videresendt brev fra {n} <{a}> -----",
        muttend="----- Slut på videresendt brev -----", fwdlabels=("Fra", "Dato", "Emne", "Til"),
        iphone="Sendt fra min iPhone", dashed="---- {n} skrev ----",
        desk="Sendt fra min plads på kontoret, hvor det er nemmere at skrive end på telefonen.",
    ),
    "de": dict(
        cust=("Katrin Meier", "k.meier@bergmann.de"), staff=("Jonas Berg", "jonas@helpdesk.test"),
        hi="Hallo Frau Meier,", bye=["Viele Grüße", "Jonas Berg"], cust_hi="Hallo,",
        cust_bye=["Viele Grüße", "Katrin Meier"],
        replies=["Wir haben den Druckserver neu gestartet. Könnten Sie bitte noch einmal drucken und uns Bescheid "
                 "geben, ob es funktioniert?",
                 "Das VPN-Zertifikat war abgelaufen. Ich habe es erneuert, Sie sollten sich jetzt wieder verbinden "
                 "können.",
                 "Danke für den Screenshot. Der Fehler kommt von einem alten Outlook-Profil, das wir heute "
                 "Nachmittag entfernen.",
                 "Ihr Postfach war voll. Ich habe die E-Mails vom letzten Jahr ins Archiv verschoben, neue "
                 "Nachrichten kommen wieder an.",
                 "Der Laptop liegt ab 14 Uhr am Empfang zur Abholung bereit.",
                 "Die Sicherung ist heute Nacht fehlgeschlagen, weil die Festplatte voll war. Sie läuft jetzt wieder.",
                 "Ich habe das Passwort von Herrn Peters zurückgesetzt. Er wird bei der nächsten Anmeldung "
                 "aufgefordert, ein neues zu wählen.",
                 "Das WLAN im Besprechungsraum funktioniert wieder. Der Access Point hatte keinen Strom mehr."],
        old="Seit heute Morgen kann niemand im Büro drucken.",
        q="Können Sie uns sagen, um welchen Drucker es geht und seit wann das Problem besteht?",
        a="Es ist der Kyocera neben der Küche. Das Problem besteht seit gestern nach der Mittagspause.",
        qa=[("Um welchen Drucker geht es?", "Um den Kyocera neben der Küche."),
            ("Funktionieren die anderen Drucker?", "Ja, der im ersten Stock geht ohne Probleme.")],
        cover="Können Sie sich den Bildschirm von Herrn Wolf ansehen? Seine Nachricht steht unten.",
        fwd=("Thomas Wolf", "t.wolf@bergmann.de", "Bildschirm",
             "Mein Bildschirm bleibt nach dem Update schwarz, ich kann nicht arbeiten."),
        re="AW:", fw="WG:", gre="Re:", gfw="Fwd:",
        sep="-----Ursprüngliche Nachricht-----", labels=("Von", "Gesendet", "An", "Betreff"), dlabel="Datum",
        odate="Montag, 16. November 2026 08:31",
        gmail="Am Mo., 16. Nov. 2026 um 08:31 Uhr schrieb {n} <{a}>:",
        android="{n} <{a}> schrieb am Mo., 16. Nov. 2026, 08:31:",
        apple="Am 16.11.2026 um 08:31 schrieb {n} <{a}>:",
        tb="Am 16.11.26 um 08:31 schrieb {n}:",
        mutt="Am Mo, 16. Nov 2026 um 08:31 schrieb {n}:",
        gfwd="---------- Weitergeleitete Nachricht ---------", tbfwd="-------- Weitergeleitete Nachricht --------",
        applefwd="Anfang der weitergeleiteten Nachricht:",
        muttfwd="----- Weitergeleitete Nachricht von {n} <{a}> -----",
        muttend="----- Ende weitergeleitete Nachricht -----", fwdlabels=("Von", "Datum", "Betreff", "An"),
        iphone="Von meinem iPhone gesendet", dashed="---- {n} schrieb ----",
        desk="Von meinem Schreibtisch gesendet, weil es dort leichter geht als am Telefon.",
    ),
    "nl": dict(
        cust=("Sanne de Vries", "sanne@vandijk.nl"), staff=("Jonas Berg", "jonas@helpdesk.test"),
        hi="Hoi Sanne,", bye=["Met vriendelijke groet,", "Jonas"], cust_hi="Hallo,",
        cust_bye=["Met vriendelijke groet,", "Sanne"],
        replies=["We hebben de printserver opnieuw opgestart. Kun je het nog eens proberen en laten weten of het "
                 "werkt?",
                 "Het VPN-certificaat was verlopen. Ik heb het vernieuwd, dus je zou nu weer verbinding moeten "
                 "kunnen maken.",
                 "Bedankt voor de schermafbeelding. De fout komt door een oud Outlook-profiel, dat we vanmiddag op "
                 "afstand verwijderen.",
                 "Je mailbox was vol. Ik heb de mail van vorig jaar naar het archief verplaatst, dus nieuwe mail "
                 "komt weer binnen.",
                 "De laptop ligt vanaf 14.00 uur klaar bij de receptie.",
                 "De back-up is vannacht mislukt omdat de schijf vol was. Hij draait nu weer.",
                 "Ik heb het wachtwoord van Peter opnieuw ingesteld. Hij moet bij het inloggen een nieuw "
                 "wachtwoord kiezen.",
                 "De wifi in de vergaderruimte werkt weer. Het access point had geen stroom meer."],
        old="Sinds vanochtend kan niemand op kantoor printen.",
        q="Kun je laten weten om welke printer het gaat en sinds wanneer het speelt?",
        a="Het is de Kyocera bij de keuken. Het begon gisteren na de lunch.",
        qa=[("Om welke printer gaat het?", "De Kyocera bij de keuken."),
            ("Werken de andere printers wel?", "Ja, die op de eerste verdieping werkt prima.")],
        cover="Kunnen jullie naar het scherm van Daan kijken? Zie zijn mail hieronder.",
        fwd=("Daan Jansen", "daan@vandijk.nl", "Scherm",
             "Mijn scherm blijft zwart na de update en ik kan niet werken."),
        re="RE:", fw="FW:", gre="Re:", gfw="Fwd:",
        sep="-----Oorspronkelijk bericht-----", labels=("Van", "Verzonden", "Aan", "Onderwerp"), dlabel="Datum",
        odate="maandag 16 november 2026 08:31",
        gmail="Op ma 16 nov 2026 om 08:31 schreef {n} <{a}>:",
        android="Op ma 16 nov. 2026 08:31 schreef {n} <{a}>:",
        apple="Op 16 nov. 2026, om 08:31 heeft {n} <{a}> het volgende geschreven:",
        tb="Op 16-11-2026 om 08:31 schreef {n}:",
        mutt="Op ma 16 nov 2026 om 08:31 schreef {n}:",
        gfwd="---------- Doorgestuurd bericht ---------", tbfwd="-------- Doorgestuurd bericht --------",
        applefwd="Begin doorgestuurd bericht:", muttfwd="----- Doorgestuurd bericht van {n} <{a}> -----",
        muttend="----- Einde doorgestuurd bericht -----", fwdlabels=("Van", "Datum", "Onderwerp", "Aan"),
        iphone="Verstuurd vanaf mijn iPhone", dashed="---- {n} schreef ----",
        desk="Verzonden vanaf mijn bureau, want dat typt makkelijker dan op mijn telefoon.",
    ),
}

SUBJECTS = {"en": "Printer on the ground floor", "da": "Printer i stuen", "de": "Drucker im Erdgeschoss",
            "nl": "Printer op de begane grond"}
RFC_DATE = "Mon, 16 Nov 2026 09:12:00 +0100"
written = []


def mail(name, lang, sender, subject, body, expected, ctype="text/plain; charset=utf-8", extra=None):
    """One fixture: a mail as the client sends it (CRLF) and the text the desk must keep."""
    n, a = sender
    to = "Support <support@helpdesk.test>"
    hdr = ["From: %s <%s>" % (n, a), "To: %s" % to, "Subject: %s" % subject, "Date: %s" % RFC_DATE,
           "Message-ID: <%s@fixtures.test>" % name, "MIME-Version: 1.0", "Content-Type: %s" % ctype]
    if not ctype.startswith("multipart"):
        hdr.append("Content-Transfer-Encoding: 8bit")
    hdr += extra or []
    data = "\r\n".join(hdr) + "\r\n\r\n" + body.replace("\r\n", "\n").replace("\n", "\r\n")
    if not data.endswith("\r\n"):
        data += "\r\n"
    full = "%s-%s" % (lang, name)
    with open(os.path.join(OUT, full + ".eml"), "wb") as f:
        f.write(data.encode("utf-8"))
    with open(os.path.join(OUT, full + ".expected.txt"), "wb") as f:
        f.write(expected.encode("utf-8"))
    written.append(full)


def after_greeting(lang, text):
    """German letters go on in lower case after `Hallo Frau Meier,` (but the polite Sie/Ihr keeps its capital)."""
    if lang != "de" or text.split(" ", 1)[0] in ("Sie", "Ihr", "Ihnen", "Ihre"):
        return text
    return text[0].lower() + text[1:]


def q(lines):
    return "\n".join("> " + x if x else ">" for x in lines)


def run(lang):
    d = L[lang]
    cn, ca = d["cust"]
    sn, sa = d["staff"]
    subj = SUBJECTS[lang]
    ref = " [PD-2026-000417]"
    old = [d["cust_hi"], "", after_greeting(lang, d["old"]), "", *d["cust_bye"]]
    lab = d["labels"]
    fmt = dict(n=cn, a=ca)
    rr = iter(range(100))

    def reply():
        return d["replies"][next(rr) % len(d["replies"])]

    def staff_text(r):
        return "\n".join([d["hi"], "", after_greeting(lang, r), "", *d["bye"]])

    def outlook_block(sender=(cn, ca), date=d["odate"], subject=subj):
        return "\n".join(["%s: %s <%s>" % (lab[0], sender[0], sender[1]), "%s: %s" % (lab[1], date),
                          "%s: Support <support@helpdesk.test>" % lab[2], "%s: %s" % (lab[3], subject)])

    sre = "%s %s%s" % (d["re"], subj, ref)
    gre = "%s %s%s" % (d["gre"], subj, ref)

    # --- top-posted replies, one per client convention ---
    t = staff_text(reply())
    mail("outlook-desktop-separator", lang, (sn, sa), sre,
         t + "\n\n" + d["sep"] + "\n" + outlook_block() + "\n\n" + "\n".join(old), t)
    t = staff_text(reply())
    mail("outlook-desktop-rule", lang, (sn, sa), sre,
         t + "\n\n________________________________\n" + outlook_block() + "\n\n" + "\n".join(old), t)
    t = staff_text(reply())
    mail("outlook-web-header", lang, (sn, sa), sre,
         t + "\n\n" + outlook_block() + "\n\n" + "\n".join(old), t)
    t = staff_text(reply())
    block = "\n".join(["%s: Mon, 16 Nov 2026 08:31:04 +0100" % d["dlabel"], "%s: %s" % (lab[3], subj),
                       "%s: %s <%s>" % (lab[0], cn, ca), "%s: support@helpdesk.test" % lab[2]])
    mail("outlookcom-date-first", lang, (sn, sa), sre, t + "\n\n" + block + "\n\n" + "\n".join(old), t)
    t = staff_text(reply())
    mail("outlook-one-line-header", lang, (sn, sa), sre,
         t + "\n\n%s: %s [mailto:%s] %s: %s\n%s: %s\n\n" % (lab[0], cn, ca, lab[1], d["odate"], lab[3], subj)
         + "\n".join(old), t)
    t = staff_text(reply())
    mail("gmail-web-top", lang, (sn, sa), gre, t + "\n\n" + d["gmail"].format(**fmt) + "\n\n" + q(old) + "\n", t)
    # The bug of issue 13: the attribution directly under the answer, no blank line.
    t = d["hi"] + "\n\n" + after_greeting(lang, reply())
    mail("gmail-web-attribution-under-text", lang, (sn, sa), gre,
         t + "\n" + d["gmail"].format(**fmt) + "\n" + q(old), t)
    t = reply()
    mail("gmail-android-top", lang, (sn, sa), gre, t + "\n\n " + d["android"].format(**fmt) + "\n\n" + q(old) + "\n", t)
    t = reply()
    mail("gmail-android-under-text", lang, (sn, sa), gre, t + "\n " + d["android"].format(**fmt) + "\n" + q(old), t)
    t = staff_text(reply())
    mail("apple-macos-top", lang, (sn, sa), gre, t + "\n\n" + d["apple"].format(**fmt) + "\n\n" + q(old) + "\n", t)
    t = reply()
    mail("apple-ios-quoted-attribution", lang, (sn, sa), gre,
         t + "\n\n" + d["iphone"] + "\n\n> " + d["apple"].format(**fmt) + "\n>\n" + q(old) + "\n", t)
    t = reply()
    mail("apple-ios-under-text", lang, (sn, sa), gre, t + "\n> " + d["apple"].format(**fmt) + "\n>\n" + q(old), t)
    r = reply()
    mail("same-line-attribution", lang, (sn, sa), gre, r + " " + d["gmail"].format(**fmt) + "\n" + q(old), r)
    t = staff_text(reply())
    mail("thunderbird-top", lang, (sn, sa), gre, t + "\n\n" + d["tb"].format(**fmt) + "\n" + q(old) + "\n", t)
    t = staff_text(reply())
    mail("mutt-top-signature", lang, (sn, sa), gre,
         t + "\n\n-- \n%s\nHelpdesk\n\n" % sn + d["mutt"].format(**fmt) + "\n" + q(old) + "\n", t)
    t = staff_text(reply())
    mail("date-first-iso", lang, (sn, sa), gre,
         t + "\n\n2026-11-16 8:31 GMT+01:00 %s <%s>:\n\n" % (cn, ca) + q(old) + "\n", t)
    t = staff_text(reply())
    mail("date-first-dotted", lang, (sn, sa), gre,
         t + "\n\n16.11.2026, 08:31, \"%s\" <%s>:\n" % (cn, ca) + q(old) + "\n", t)
    t = staff_text(reply())
    mail("dashed-attribution", lang, (sn, sa), sre,
         t + "\n\n" + d["dashed"].format(**fmt) + "\n\n" + "\n".join(old), t)
    t = staff_text(reply())
    mail("device-signature", lang, (sn, sa), gre,
         t + "\n\n" + d["iphone"] + "\n\n" + d["apple"].format(**fmt) + "\n\n" + q(old) + "\n", t)
    t = staff_text(reply()) + "\n\n" + d["desk"]
    mail("device-signature-lookalike", lang, (sn, sa), gre,
         t + "\n\n" + d["gmail"].format(**fmt) + "\n" + q(old) + "\n", t)
    if lang == "en":
        t = staff_text(reply())
        mail("reply-message-separator", lang, (sn, sa), sre,
             t + "\n\n-----Reply Message-----\nFrom: %s <%s>\nTo: support@helpdesk.test\n\n" % (cn, ca)
             + "\n".join(old), t)
        t = staff_text(reply())
        mail("on-sent-attribution", lang, (sn, sa), gre,
             t + "\n\nOn Monday, 16 November 2026, 08:31, %s <%s> sent:\n\n" % (cn, ca) + q(old) + "\n", t)
    if lang == "de":
        t = staff_text(reply())
        mail("antwort-nachricht-separator", lang, (sn, sa), sre,
             t + "\n\n-----Antwort Nachricht-----\nVon: %s <%s>\nAn: support@helpdesk.test\n\n" % (cn, ca)
             + "\n".join(old), t)

    # --- bottom-posted and inline: the customer answers the staff question ---
    sq = [d["hi"], "", after_greeting(lang, d["q"]), "", *d["bye"]]
    sfmt = dict(n=sn, a=sa)
    cust_bye = "\n".join(d["cust_bye"])
    a = d["a"] + "\n\n" + cust_bye
    mail("thunderbird-bottom", lang, (cn, ca), gre, d["tb"].format(**sfmt) + "\n" + q(sq) + "\n\n" + a + "\n", a)
    mail("snail-bottom", lang, (cn, ca), gre, "%s <%s> wrote:\n" % (sn, sa) + q(sq) + "\n\n" + a + "\n", a)
    mail("mutt-bottom-signature", lang, (cn, ca), gre,
         d["mutt"].format(**sfmt) + "\n" + q(sq) + "\n\n" + a + "\n\n-- \n" + cn + "\n", a)
    inline = [d["mutt"].format(**sfmt), "> " + d["hi"], ">"]
    exp = []
    for qq, aa in d["qa"]:
        inline += ["> " + qq, "", aa, ""]
        exp += [aa, ""]
    inline += ["> " + d["bye"][0], "> " + d["bye"][1], "", cust_bye]
    mail("mutt-inline", lang, (cn, ca), gre, "\n".join(inline) + "\n", "\n".join(exp + [cust_bye]))
    tb_inline = [d["tb"].format(**sfmt)]
    exp = []
    for qq, aa in d["qa"]:
        tb_inline += ["> " + qq, aa]
        exp += [aa]
    tb_inline += ["", cust_bye]
    mail("thunderbird-inline-tight", lang, (cn, ca), gre, "\n".join(tb_inline) + "\n", "\n".join(exp + ["", cust_bye]))

    # --- forwards: the forwarded request stays in the new text ---
    fn, fa, fs, ftext = d["fwd"]
    fl = d["fwdlabels"]
    fhead = ["%s: %s <%s>" % (fl[0], fn, fa), "%s: Mon, 16 Nov 2026 at 08:12" % fl[1], "%s: %s" % (fl[2], fs),
             "%s: %s <%s>" % (fl[3], cn, ca)]
    fbody = [d["cust_hi"].replace(",", "") + " " + cn.split()[0] + ",", "", after_greeting(lang, ftext), "",
             fn.split()[0]]
    cover = d["cover"] + "\n\n" + "\n".join(d["cust_bye"])
    fsubj = "%s %s" % (d["gfw"], fs)
    mk = d["gfwd"]
    exp = cover + "\n\n" + mk + "\n" + "\n".join(fhead) + "\n\n" + "\n".join(fbody)
    mail("gmail-forward", lang, (cn, ca), fsubj, exp + "\n", exp)
    tbhead = ["%s: \t%s" % (fl[2], fs), "%s: \tMon, 16 Nov 2026 08:12:00 +0100" % fl[1],
              "%s: \t%s <%s>" % (fl[0], fn, fa), "%s: \t%s <%s>" % (fl[3], cn, ca)]
    body = cover + "\n\n\n" + d["tbfwd"] + "\n" + "\n".join(tbhead) + "\n\n\n\n" + "\n".join(fbody) + "\n"
    exp = cover + "\n\n" + d["tbfwd"] + "\n" + "\n".join(x.replace(" \t", " \t") for x in tbhead) + "\n\n" \
        + "\n".join(fbody)
    mail("thunderbird-forward", lang, (cn, ca), fsubj, body, exp)
    exp = cover + "\n\n" + d["applefwd"] + "\n\n" + "\n".join(fhead) + "\n\n" + "\n".join(fbody)
    mail("apple-forward", lang, (cn, ca), fsubj, exp + "\n", exp)
    mh = d["muttfwd"].format(n=fn, a=fa)
    mhead = ["Date: Mon, 16 Nov 2026 08:12:00 +0100", "From: %s <%s>" % (fn, fa), "To: %s <%s>" % (cn, ca),
             "Subject: %s" % fs]
    body = d["cover"] + "\n\n" + mh + "\n\n" + "\n".join(mhead) + "\n\n" + "\n".join(fbody) + "\n\n" \
        + d["muttend"] + "\n\n-- \n" + cn + "\n"
    exp = d["cover"] + "\n\n" + mh + "\n\n" + "\n".join(mhead) + "\n\n" + "\n".join(fbody)
    mail("mutt-forward", lang, (cn, ca), "%s (fwd)" % fs, body, exp)
    block = outlook_block(sender=(fn, fa), subject=fs)
    body = cover + "\n\n________________________________\n" + block + "\n\n" + "\n".join(fbody) + "\n"
    exp = cover + "\n\n" + block + "\n\n" + "\n".join(fbody)
    mail("outlook-forward", lang, (cn, ca), "%s %s" % (d["fw"], fs), body, exp)
    boundary = "fwd-%s" % lang
    inner = "\r\n".join(["From: %s <%s>" % (fn, fa), "To: %s <%s>" % (cn, ca), "Subject: %s" % fs,
                         "Date: Mon, 16 Nov 2026 08:12:00 +0100", "Content-Type: text/plain; charset=utf-8",
                         "Content-Transfer-Encoding: 8bit", "", *fbody])
    body = "\n".join(["--" + boundary, "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit",
                      "", cover, "", "--" + boundary, "Content-Type: message/rfc822",
                      "Content-Disposition: attachment", "", inner, "--" + boundary + "--", ""])
    exp = cover + "\n\nFrom: %s <%s>\nSubject: %s\n\n" % (fn, fa, fs) + "\n".join(fbody)
    mail("forward-as-attachment", lang, (cn, ca), fsubj, body, exp,
         ctype='multipart/mixed; boundary="%s"' % boundary)

    # --- HTML-only and multipart/alternative ---
    def html_p(lines):
        return "".join("<p>%s</p>" % x.replace("&", "&amp;").replace("<", "&lt;") for x in lines)

    def esc(x):
        return x.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    r = after_greeting(lang, reply())
    own = "<p>%s</p><p>%s</p><p>%s<br>%s</p>" % (esc(d["hi"]), esc(r), esc(d["bye"][0]), esc(d["bye"][1]))
    exp = "%s\n\n%s\n\n%s\n%s" % (d["hi"], r, d["bye"][0], d["bye"][1])
    oldhtml = "<div>%s</div><div><br></div><div>%s</div><div><br></div><div>%s<br>%s</div>" % (
        esc(old[0]), esc(old[2]), esc(old[4]), esc(old[5]))
    html = ("<html><body><div dir=\"ltr\">%s</div><br><div class=\"gmail_quote\"><div dir=\"ltr\" "
            "class=\"gmail_attr\">%s<br></div><blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;"
            "border-left:1px solid rgb(204,204,204);padding-left:1ex\">%s</blockquote></div></body></html>") % (
        own, esc(d["gmail"].format(**fmt)), oldhtml)
    mail("gmail-web-html-only", lang, (sn, sa), gre, html, exp, ctype="text/html; charset=utf-8")
    r = after_greeting(lang, reply())
    own = "<p>%s</p><p>%s</p><p>%s<br>%s</p>" % (esc(d["hi"]), esc(r), esc(d["bye"][0]), esc(d["bye"][1]))
    exp = "%s\n\n%s\n\n%s\n%s" % (d["hi"], r, d["bye"][0], d["bye"][1])
    html = ("<html><head><meta http-equiv=\"content-type\" content=\"text/html; charset=utf-8\"></head><body "
            "style=\"overflow-wrap: break-word;\">%s<div><br><blockquote type=\"cite\"><div>%s</div><br "
            "class=\"Apple-interchange-newline\">%s</blockquote></div><br></body></html>") % (
        own, esc(d["apple"].format(**fmt)), oldhtml)
    mail("apple-macos-html-only", lang, (sn, sa), gre, html, exp, ctype="text/html; charset=utf-8")
    r = after_greeting(lang, reply())
    own = "<div>%s</div><div><br></div><div>%s</div><div><br></div><div>%s</div><div>%s</div>" % (
        esc(d["hi"]), esc(r), esc(d["bye"][0]), esc(d["bye"][1]))
    exp = "%s\n\n%s\n\n%s\n%s" % (d["hi"], r, d["bye"][0], d["bye"][1])
    head = "<b>%s:</b> %s &lt;%s&gt;<br><b>%s:</b> %s<br><b>%s:</b> Support &lt;support@helpdesk.test&gt;<br>" \
           "<b>%s:</b> %s" % (lab[0], cn, ca, lab[1], d["odate"], lab[2], lab[3], esc(subj))
    html = ("<html><head><style type=\"text/css\" style=\"display:none;\"> P {margin-top:0;margin-bottom:0;} "
            "</style></head><body dir=\"ltr\"><div style=\"font-family: Aptos, Arial, sans-serif; font-size: 12pt;"
            "\">%s</div><div id=\"appendonsend\"></div><hr style=\"display:inline-block;width:98%%\" tabindex=\"-1\">"
            "<div id=\"divRplyFwdMsg\" dir=\"ltr\"><font face=\"Calibri, sans-serif\" style=\"font-size:11pt\" "
            "color=\"#000000\">%s</font><div>&nbsp;</div></div><div>%s</div></body></html>") % (own, head, oldhtml)
    mail("outlook-web-html-only", lang, (sn, sa), sre, html, exp, ctype="text/html; charset=utf-8")
    r = after_greeting(lang, reply())
    own = "<p class=\"MsoNormal\">%s<o:p></o:p></p><p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p><p " \
          "class=\"MsoNormal\">%s<o:p></o:p></p><p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p><p class=\"MsoNormal\">" \
          "%s<o:p></o:p></p><p class=\"MsoNormal\">%s<o:p></o:p></p>" % (esc(d["hi"]), esc(r), esc(d["bye"][0]),
                                                                      esc(d["bye"][1]))
    exp = "%s\n\n%s\n\n%s\n\n%s" % (d["hi"], r, d["bye"][0], d["bye"][1])
    html = ("<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><body lang=\"DA\"><div class=\"WordSection1\">"
            "%s<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p><div><div style=\"border:none;border-top:solid #E1E1E1 "
            "1.0pt;padding:3.0pt 0cm 0cm 0cm\"><p class=\"MsoNormal\">%s<o:p></o:p></p></div></div>"
            "<p class=\"MsoNormal\"><o:p>&nbsp;</o:p></p>%s</div></body></html>") % (own, head, oldhtml)
    mail("outlook-desktop-html-only", lang, (sn, sa), sre, html, exp, ctype="text/html; charset=utf-8")
    # Apple Mail puts a forward in a blockquote: it is still the request.
    fh = "".join("<div><b>%s:</b> %s</div>" % (x.split(": ", 1)[0], esc(x.split(": ", 1)[1])) for x in fhead)
    html = ("<html><body><div>%s</div><div><br></div><div>%s</div><div>%s</div><div><br><blockquote type=\"cite\">"
            "<div>%s</div>"
            "<br class=\"Apple-interchange-newline\">%s<br><div>%s</div><div><br></div><div>%s</div><div><br></div>"
            "<div>%s</div></blockquote></div></body></html>") % (
        esc(d["cover"]), esc(d["cust_bye"][0]), esc(d["cust_bye"][1]), esc(d["applefwd"]), fh, esc(fbody[0]),
        esc(fbody[2]), esc(fbody[4]))
    exp = "%s\n\n%s\n\n%s\n\n%s\n\n%s\n\n%s\n\n%s" % (d["cover"], d["cust_bye"][0] + "\n" + d["cust_bye"][1],
                                                 d["applefwd"], "\n".join(fhead), fbody[0], fbody[2], fbody[4])
    mail("apple-forward-html-only", lang, (cn, ca), fsubj, html, exp, ctype="text/html; charset=utf-8")
    # multipart/alternative from Thunderbird: the text part is read, bottom-posted.
    a_txt = d["tb"].format(**sfmt) + "\n" + q(sq) + "\n\n" + d["a"] + "\n\n" + cust_bye + "\n"
    a_html = ("<html><body><div class=\"moz-cite-prefix\">%s<br></div><blockquote type=\"cite\" cite=\"mid:x@y\">"
              "%s</blockquote><p>%s</p><p>%s<br>%s</p></body></html>") % (
        esc(d["tb"].format(**sfmt)), html_p([x for x in sq if x]), esc(d["a"]), esc(d["cust_bye"][0]),
        esc(d["cust_bye"][1]))
    bnd = "alt-%s" % lang
    body = "\n".join(["This is a multi-part message in MIME format.", "--" + bnd,
                      "Content-Type: text/plain; charset=UTF-8; format=flowed", "Content-Transfer-Encoding: 8bit", "",
                      a_txt, "--" + bnd, "Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: 8bit",
                      "", a_html, "", "--" + bnd + "--", ""])
    mail("thunderbird-alternative-bottom", lang, (cn, ca), gre, body, d["a"] + "\n\n" + cust_bye,
         ctype='multipart/alternative; boundary="%s"' % bnd)
    # multipart/alternative whose text part is only blank lines (some webmail): the HTML is read.
    r = after_greeting(lang, reply())
    h = ("<html><body><p>%s</p><p>%s</p><div class=\"gmail_quote\"><div class=\"gmail_attr\">%s</div>"
         "<blockquote class=\"gmail_quote\">%s</blockquote></div></body></html>") % (
        esc(d["hi"]), esc(r), esc(d["gmail"].format(**fmt)), oldhtml)
    body = "\n".join(["--" + bnd, "Content-Type: text/plain; charset=UTF-8", "", "", " ", "", "--" + bnd,
                      "Content-Type: text/html; charset=UTF-8", "Content-Transfer-Encoding: 8bit", "", h, "",
                      "--" + bnd + "--", ""])
    mail("blank-text-alternative", lang, (sn, sa), gre, body, "%s\n\n%s" % (d["hi"], r),
         ctype='multipart/alternative; boundary="%s"' % bnd)


os.makedirs(OUT, exist_ok=True)
for old_file in os.listdir(OUT):
    if old_file.endswith(".eml") or old_file.endswith(".expected.txt"):
        os.remove(os.path.join(OUT, old_file))
for lang in ("da", "en", "de", "nl"):
    run(lang)
print("%d fixtures in %s" % (len(written), os.path.normpath(OUT)))
