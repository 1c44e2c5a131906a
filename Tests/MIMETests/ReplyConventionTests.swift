import Foundation
import Testing
@testable import MIME

/// The reply conventions of issue 13, one case each: the words people wrote survive.
@Suite struct ReplyConventionTests {
    static let quote = "> Hej, serveren svarer ikke.\n> Mette"

    /// The staff answer directly above the attribution (no blank line) stays: the attribution starts at its own line.
    @Test func attributionRightUnderTheAnswer() {
        let body = "Hej Mette, vi har genstartet serveren nu.\nOn Mon, Nov 16, 2026 at 08:31, Mette Holm wrote:\n"
            + Self.quote
        #expect(ReplyExtractor.newText(body) == "Hej Mette, vi har genstartet serveren nu.")
    }

    @Test func iOSMailQuotedAttribution() {
        let body = "Hello\n> On 16 Nov 2026, at 08:31, Mette Holm <mette@nordlys.dk> wrote:\n>\n> The server is down."
        #expect(ReplyExtractor.newText(body) == "Hello")
    }

    @Test func androidGmailIndentedAttribution() {
        let body = "Thanks\n On Mon, 16 Nov 2026, 08:31 Mette Holm, <mette@nordlys.dk> wrote:\n\n> The server is down."
        #expect(ReplyExtractor.newText(body) == "Thanks")
    }

    @Test func attributionOnTheReplyLine() {
        let body = "Done, it works again. On Mon, 16 Nov 2026 at 08:31, Mette Holm <mette@nordlys.dk> wrote:\n> down?"
        #expect(ReplyExtractor.newText(body) == "Done, it works again.")
        let da = "Det virker nu. Den 16. nov. 2026 kl. 08.31 skrev Mette Holm <mette@nordlys.dk>:\n> nede?"
        #expect(ReplyExtractor.newText(da) == "Det virker nu.")
    }

    @Test func bottomPostedAndInline() {
        let bottom = "On Mon, 16 Nov 2026, Support wrote:\n> Can you restart the router?\n\n"
            + "Yes, done. Still no network."
        #expect(ReplyExtractor.newText(bottom) == "Yes, done. Still no network.")
        let inline = "Support wrote:\n> Which printer?\nThe one in the hall.\n> Since when?\nSince Monday.\n\n-- \nBo"
        #expect(ReplyExtractor.newText(inline) == "The one in the hall.\nSince Monday.")
    }

    @Test func inlineForwardKeepsTheForwardedText() {
        let body = """
            Kan I kigge på Lars' skærm? Se hans mail herunder.

            ----- Forwarded message from Lars Bak <lars@nordlys.dk> -----

            Date: Mon, 16 Nov 2026 08:12:00 +0100
            From: Lars Bak <lars@nordlys.dk>
            To: Jens <jens@nordlys.dk>
            Subject: Skærm

            Min skærm er sort, og jeg kan ikke arbejde.

            ----- End forwarded message -----
            """
        let text = ReplyExtractor.newText(body)
        #expect(text.hasPrefix("Kan I kigge på Lars' skærm?"))
        #expect(text.contains("Min skærm er sort, og jeg kan ikke arbejde."))
        #expect(!text.contains("End forwarded"))
    }

    @Test func outlookForwardByItsSubject() {
        let body = "Se nedenfor.\n\n________________________________\nFra: Lars Bak <lars@nordlys.dk>\n"
            + "Sendt: 16. november 2026 08:12\nTil: Jens\nEmne: Skærm\n\nMin skærm er sort."
        #expect(ReplyExtractor.extract(body, subject: "VS: Skærm").text.contains("Min skærm er sort."))
        #expect(ReplyExtractor.extract(body, subject: "SV: Skærm").text == "Se nedenfor.")
    }

    @Test func attachedForwardIsNamedAndRead() {
        let raw = """
            From: Jens <jens@nordlys.dk>\r
            Subject: Fwd: Skærm\r
            MIME-Version: 1.0\r
            Content-Type: multipart/mixed; boundary="b"\r
            \r
            --b\r
            Content-Type: text/plain; charset=utf-8\r
            \r
            Se vedhæftede.\r
            --b\r
            Content-Type: message/rfc822\r
            \r
            From: Lars Bak <lars@nordlys.dk>\r
            Subject: Skærm sort\r
            \r
            Min skærm er sort.\r
            --b--\r
            """
        let m = MessageParser.parse(Array(raw.utf8))
        #expect(m.attachments.first?.displayName == "Skærm sort.eml")
        let text = ReplyExtractor.newText(of: m)
        #expect(text == "Se vedhæftede.\n\nFrom: Lars Bak <lars@nordlys.dk>\nSubject: Skærm sort\n\n"
                + "Min skærm er sort.")
    }

    @Test func htmlBlockquoteAndOutlookHeaderAreHistory() {
        let gmail = "<div dir=\"ltr\">Fixed now.</div><br><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Mon, "
            + "16 Nov 2026 at 08:31, Mette &lt;m@n.dk&gt; wrote:<br></div><blockquote class=\"gmail_quote\">Down"
            + "<br>again</blockquote></div>"
        #expect(ReplyExtractor.newText(HTMLText.render(gmail)) == "Fixed now.")
        let outlook = "<p>Vi ser på det.</p><div id=\"appendonsend\"></div><hr><div id=\"divRplyFwdMsg\"><b>De:</b> A"
            + "<br><b>Envoyé:</b> lundi<br></div><div>ancien texte</div>"
        #expect(ReplyExtractor.newText(HTMLText.render(outlook)) == "Vi ser på det.")
        #expect(HTMLText.render("<blockquote><p>a</p><p>b</p></blockquote>") == "> a\n\n> b")
    }

    @Test(arguments: [
        ("Ok.\n\nDate: Mon, 16 Nov 2026 08:31\nSubject: Re: x\nFrom: Mette <m@n.dk>\nTo: s@x\n\nold", "Ok."),
        ("Ok.\n\nFrom: Mette <m@n.dk> Sent: Monday, November 16, 2026 8:31 AM\nold", "Ok."),
        ("Ok.\n\n2014-10-17 11:28 GMT+03:00 Mette Holm <m@n.dk>:\n> old", "Ok."),
        ("Ok.\n\n26.06.2014, 14:41, \"Mette Holm\" <m@n.dk>:\n> old", "Ok."),
        ("Prima.\n\nOp 16 nov. 2026, om 08:31 heeft Mette Holm <m@n.dk> het volgende geschreven:\n\n> oud", "Prima."),
        ("Ok.\n\n-----Reply Message-----\nFrom: Mette\nold", "Ok."),
        ("Gut.\n\n-----Antwort Nachricht-----\nVon: Mette\nalt", "Gut."),
        ("Ok.\n\n---- Mette Holm wrote ----\n\nold text", "Ok."),
        ("Ok.\n\nOn Mon, 16 Nov 2026, Mette Holm sent:\n> old", "Ok."),
        ("I answer from the office.\n\nSent from my desk, which is easier than my phone.",
         "I answer from the office.\n\nSent from my desk, which is easier than my phone."),
        ("Ok.\n\nSent from my iPhone\n\nOn Mon, Mette wrote:\n> old", "Ok."),
    ]) func conventions(_ c: (String, String)) {
        #expect(ReplyExtractor.newText(c.0) == c.1)
    }

    @Test func emptyExtractionKeepsTheWholeBodyAndSaysSo() {
        let onlyQuote = "On Mon, Mette wrote:\n> Is it fixed?"
        let r = ReplyExtractor.extract(onlyQuote)
        #expect(r.fellBack && r.text == onlyQuote)
        #expect(ReplyExtractor.extract("Yes.\n\n" + onlyQuote) == ReplyExtraction(text: "Yes."))
        #expect(ReplyExtractor.extract("  \n") == ReplyExtraction(text: ""))
    }

    /// Long bodies full of markers cost time in proportion to their size (a quadratic scan would take minutes).
    @Test func markerHeavyBodiesStayLinear() {
        let units = ["On x wrote:\n", "> q\n", "From: a\n", "Sent: b\n", "----- Forwarded message -----\n", "a: b\n",
                     "\n", "Thanks. On Mon wrote:\n", "> -------- Forwarded Message --------\n", "____________\n"]
        for u in units {
            let body = String(repeating: u, count: 200_000 / u.utf8.count)
            let start = Date()
            _ = ReplyExtractor.extract(body)
            #expect(Date().timeIntervalSince(start) < 5, "\(u)")   // about 0.5 s each in a debug build
        }
    }
}
