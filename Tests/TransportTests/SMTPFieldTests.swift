import Foundation
import StackTestSupport
import Testing
@testable import Transport

/// SMTP answers Postfix does not give here (Tests/Lab/scripted_server.py): one refused recipient, Microsoft 365's
/// account-level refusals.
@Suite("SMTP against scripted servers", .serialized, .enabled(if: ScriptedServer.available, "needs python3"))
struct SMTPScriptedServerTests {
    let raw = Array("From: <support@example.test>\r\nTo: <a@customer.test>\r\nSubject: t\r\n\r\nbody\r\n".utf8)

    func sender(_ server: ScriptedServer, auth: Bool = true, lines: LogLines = LogLines()) throws -> SMTPSender {
        try SMTPSender(settings: SMTPSettings(url: "smtp://127.0.0.1:\(server.port)",
            username: auth ? "support@example.test" : nil,
                                              password: auth ? "pw" : nil, tls: TLSMode.none,
                                                  heloName: "postdesk.test"),
                       log: lines.add)
    }

    @Test func oneRefusedRecipientDoesNotFailTheMail() throws {
        let server = try ScriptedServer("smtp", scenario: [
            "rcpt": ["old@customer.test": "550 5.1.1 <old@customer.test>: Recipient address rejected: User unknown"]])
        defer { server.stop() }
        let lines = LogLines()
        let result = try sender(server, lines: lines).deliver(raw, envelopeFrom: "support@example.test",
                                                              recipients: ["a@customer.test",
                                                                  "old@customer.test", "b@customer.test"],
                                                              messageID: "m1@example.test")
        #expect(result.refused.map(\.address) == ["old@customer.test"])
        #expect(result.refused.first?.reply == "550 5.1.1 <old@customer.test>: Recipient address rejected: User "
            + "unknown")
        #expect(server.commands.contains("DATA-END"))
        #expect(lines.all.contains { $0.contains("delivered to 2 of 3 "
            + "recipients") && $0.contains("old@customer.test") })
        // A second mail on the kept connection is matched to its own RCPT replies.
        let second = try sender(server).deliver(raw, envelopeFrom: "support@example.test",
            recipients: ["a@customer.test"],
                                                messageID: "m2@example.test")
        #expect(second.refused.isEmpty)
    }

    @Test func everyRecipientRefusedIsPermanent() throws {
        let server = try ScriptedServer("smtp", scenario: ["rcpt": ["old@customer.test": "550 5.1.1 User unknown"]])
        defer { server.stop() }
        #expect { try sender(server).send(raw, envelopeFrom: "support@example.test",
            recipients: ["old@customer.test"], messageID: "m3") }
            throws: { e in if case SendError.permanent(let why) = e { return why.contains(
                "5.1.1") } else { return false } }
    }

    @Test func microsoftBasicAuthRefusalIsAnAccountError() throws {
        let server = try ScriptedServer("smtp", scenario: [
            "auth_reply": "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for "
                + "the Tenant."])
        defer { server.stop() }
        #expect { try sender(server).send(raw, envelopeFrom: "support@example.test",
            recipients: ["a@customer.test"], messageID: "m4") }
            throws: { e in
                if case SendError.account(let why) = e { return why.contains("5.7.139 Authentication "
                    + "unsuccessful") } else { return false }
            }
        #expect(!server.commands.contains("DATA-END"))
    }

    @Test func basicAuthNotSupportedAtMailFromIsAnAccountError() throws {
        let server = try ScriptedServer("smtp", scenario: [
            "mail_reply": "550 5.7.30 Basic authentication is not supported for Client Submission."])
        defer { server.stop() }
        #expect { try sender(server, auth: false).send(raw, envelopeFrom: "support@example.test",
            recipients: ["a@customer.test"],
                                                       messageID: "m5") }
            throws: { e in if case SendError.account(let why) = e { return why.contains(
                "5.7.30") } else { return false } }
    }

    @Test func authenticationRequiredIsAnAccountError() throws {
        let server = try ScriptedServer("smtp", scenario: ["mail_reply": "530 5.7.0 Authentication required"])
        defer { server.stop() }
        #expect { try sender(server, auth: false).send(raw, envelopeFrom: "support@example.test",
            recipients: ["a@customer.test"],
                                                       messageID: "m6") }
            throws: { e in if case SendError.account = e { return true } else { return false } }
    }

    @Test func refusedRecipientsMatchTheirReplies() {
        let lines = ["220 lab", "250-lab", "250 AUTH PLAIN", "235 ok", "250 2.1.0 ok", "250 2.1.5 ok", "550 5.1.1 nope",
                     "354 go", "250 queued", "250 2.1.0 ok", "450 4.2.0 later", "250 2.1.5 ok", "354 go"]
        #expect(SMTPSender.refusedRecipients(lines, recipients: ["x@a.test",
            "y@a.test"]).map(\.address) == ["x@a.test"])
        #expect(SMTPSender.refusedRecipients(Array(lines.prefix(8)), recipients: ["x@a.test", "y@a.test"]).map(\.reply)
                == ["550 5.1.1 nope"])
    }
}
