import Foundation
import StackTestSupport
import Testing
@testable import Transport

/// SMTP delivery against the real Postfix of `Scripts/mailstack`; mail is identified by unique Message-IDs.
@Suite("SMTP against the mail stack", .serialized,
    .enabled(if: MailStack.isUp, Comment(rawValue: MailStack.skipReason)))
struct SMTPStackTests {
    let stack = MailStack.current!

    @Test func submissionStartTLSAuthDeliversToCustomerInbox() throws {
        let sender = try SMTPSender(settings: stack.submissionSettings(), log: { _ in })
        #expect(sender.endpoint.tls == .starttls)
        let ids = [stackToken("s"), stackToken("s")]
        for id in ids {
            try sender.send(testMessage(id: id, from: "support@example.test", to: "customer1@customer.test"),
                            envelopeFrom: "support@example.test", recipients: ["customer1@customer.test"],
                            messageID: id)
        }
        // The second mail went over the first mail's connection.
        #expect(sender.lastSendNewConnections == 0)
        let imap = try StackIMAP(stack, user: "customer1@customer.test")
        for id in ids {
            #expect(try imap.waitFor("INBOX", messageID: id).count == 1)
        }
    }

    @Test func smtpsImplicitTLS() throws {
        let s = SMTPSettings(url: "smtps://localhost:\(stack.smtpsPort)", username: "support@example.test",
                             password: stack.password, caFile: stack.cacert)
        let sender = try SMTPSender(settings: s, log: { _ in })
        #expect(sender.endpoint.tls == .implicit)
        let id = stackToken("smtps")
        // LF line ends and a leading dot are fixed up on the way.
        var raw = testMessage(id: id, from: "support@example.test", to: "customer2@customer.test")
        raw = Array(String(decoding: raw, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n").utf8)
        raw += Array(".dot line\nlast\n".utf8)
        try sender.send(raw, envelopeFrom: "support@example.test", recipients: ["customer2@customer.test"],
            messageID: id)
        let imap = try StackIMAP(stack, user: "customer2@customer.test")
        #expect(try imap.waitFor("INBOX", messageID: id).count == 1)
    }

    @Test func plainOnLoopbackPort2525() throws {
        let s = SMTPSettings(url: "smtp://127.0.0.1:\(stack.smtpPort)", tls: TLSMode.none)
        let sender = try SMTPSender(settings: s, log: { _ in })
        let id = stackToken("plain")
        try sender.send(testMessage(id: id, to: "customer1@customer.test"), envelopeFrom: "",
                        recipients: ["customer1@customer.test"], messageID: id)
        let imap = try StackIMAP(stack, user: "customer1@customer.test")
        #expect(try imap.waitFor("INBOX", messageID: id).count == 1)
    }

    @Test func unknownUserIsPermanent() throws {
        let sender = try SMTPSender(settings: stack.submissionSettings(), log: { _ in })
        do {
            try sender.send(testMessage(id: stackToken("t")), envelopeFrom: "support@example.test",
                            recipients: ["nobody@example.test"], messageID: "x")
            Issue.record("accepted mail for nobody@example.test")
        } catch let SendError.permanent(why) {
            #expect(why.contains("550"), "\(why)")
            #expect(why.contains("nobody@example.test"), "\(why)")
        }
        // The handle stays usable after a refusal.
        let id = stackToken("after")
        try sender.send(testMessage(id: id, to: "customer1@customer.test"), envelopeFrom: "support@example.test",
                        recipients: ["customer1@customer.test"], messageID: id)
    }

    @Test func wrongPortIsTemporary() throws {
        let s = SMTPSettings(url: "smtp://127.0.0.1:\(closedLoopbackPort())", tls: TLSMode.none, connectTimeout: 3)
        let lines = LogLines()
        let sender = try SMTPSender(settings: s, log: lines.add)
        for _ in 0..<2 {
            #expect {
                try sender.send(testMessage(id: "x"), envelopeFrom: "a@example.test", recipients: ["b@example.test"],
                    messageID: "x")
            } throws: { e in
                if case SendError.temporary = e { return true }
                return false
            }
        }
        #expect(lines.all.count == 1, "one log line per state change: \(lines.all)")
    }

    /// A wrong password is the account's problem, not the mail's (issue 16): kept pending, with Postfix's words.
    @Test func badPasswordIsAnAccountRefusal() throws {
        var s = stack.submissionSettings()
        s.password = "wrong"
        let sender = try SMTPSender(settings: s, log: { _ in })
        #expect {
            try sender.send(testMessage(id: "x"), envelopeFrom: "support@example.test",
                            recipients: ["customer1@customer.test"], messageID: "x")
        } throws: { e in
            if case SendError.account(let why) = e { return why.contains("refused: 535 5.7.8") }
            return false
        }
    }
}

/// Settings checks and parsers: no server needed.
@Suite("Transport settings and parsers")
struct TransportUnitTests {
    @Test func tlsNoneOnlyForLoopback() throws {
        #expect(throws: IMAPError.self) {
            try IMAPSource(settings: IMAPSettings(url: "imap://mail.example.com:143", username: "u", password: "p",
                tls: TLSMode.none))
        }
        #expect(throws: TransportConfigError.self) {
            try SMTPSender(settings: SMTPSettings(url: "smtp://mail.example.com:587", tls: TLSMode.none))
        }
        for host in ["127.0.0.1", "localhost", "[::1]", "127.1.2.3"] {
            _ = try IMAPSource(settings: IMAPSettings(url: "imap://\(host):1143", username: "u", password: "p",
                tls: TLSMode.none))
        }
        do {
            _ = try IMAPSource(settings: IMAPSettings(url: "imap://mail.example.com", username: "u", password: "p",
                tls: TLSMode.none))
        } catch {
            #expect("\(error)".contains("only allowed for loopback"))
        }
    }

    @Test func schemesAndDefaults() throws {
        let a = try IMAPSettings(url: "imaps://mail.example.com", username: "u", password: "p").validated()
        #expect(a == MailEndpoint(scheme: "imaps", host: "mail.example.com", port: 993, tls: .implicit))
        let b = try IMAPSettings(url: "imap://mail.example.com", username: "u", password: "p").validated()
        #expect(b.tls == .starttls && b.port == 143)
        #expect(throws: IMAPError.self) {
            try IMAPSettings(url: "imaps://h:993", username: "u", password: "p", tls: .starttls).validated()
        }
        #expect(throws: IMAPError.self) {
            try IMAPSettings(url: "http://h", username: "u", password: "p").validated()
        }
        let s = try SMTPSettings(url: "smtp://relay.example.com").validated()
        #expect(s.tls == .starttls && s.port == 587)
        #expect(try SMTPSettings(url: "smtps://relay.example.com").validated().port == 465)
        #expect(throws: TransportConfigError.self) { try SMTPSettings(url: "smtp://h", username: "u").validated() }
    }

    @Test func literalAndFetchParsing() {
        #expect(IMAPConnection.literalLength(ArraySlice("* 1 FETCH (UID 7 BODY[] {696}".utf8)) == 696)
        #expect(IMAPConnection.literalLength(ArraySlice("A1 APPEND x {12+}".utf8)) == 12)
        #expect(IMAPConnection.literalLength(ArraySlice("* OK [x] {y}".utf8)) == nil)
        #expect(IMAPConnection.literalLength(ArraySlice("* OK done".utf8)) == nil)
        #expect(IMAPConnection.fetchUID("12 FETCH (UID 34 RFC822.SIZE 5 BODY[] {5})") == 34)
        #expect(IMAPConnection.fetchUID("12 FETCH (RFC822.SIZE 5 UID 35 BODY[] {5})") == 35)
        #expect(IMAPConnection.fetchUID("12 FETCH (FLAGS (\\Seen))") == nil)
        #expect(IMAPConnection.responseCodeNumber("OK [UIDVALIDITY 1795315258] UIDs valid",
            "UIDVALIDITY") == 1_795_315_258)
        #expect(IMAPConnection.quote("a\"b\\c") == "\"a\\\"b\\\\c\"")
        #expect(IMAPSource.parseKey("17/42")! == (17, 42))
        #expect(IMAPSource.parseKey("x/42") == nil)
    }

    @Test func smtpReplyAndCRLF() {
        let t = Array(
            "250-mail.example.test\r\n250 OK\r\n550 5.1.1 <nobody@example.test>: Recipient address rejected\r\n".utf8)
        #expect(SMTPSender.lastReply(t, code: 550) == "550 5.1.1 <nobody@example.test>: Recipient address rejected")
        let m = Array("452-4.5.3 Too many\r\n452 4.5.3 recipients\r\n".utf8)
        #expect(SMTPSender.lastReply(m, code: 452) == "452-4.5.3 Too many 4.5.3 recipients")
        #expect(SMTPSender.normalizedCRLF(Array("a\nb\r\nc".utf8)) == Array("a\r\nb\r\nc\r\n".utf8))
    }
}
