import Foundation
import StackTestSupport
import Testing
@testable import Transport
@testable import Store

/// Issue 6, loops: hostile autoresponders at the customer side answer every mail they get from us.
/// Each conversation must stop after at most one round; a responder that drops threading and changes
/// the subject every time is stopped by the per-recipient cap (default 10 per hour).
@Suite(.serialized, .enabled(if: MailStack.isUp && postdeskBinaryPath != nil,
    Comment(rawValue: MailStack.skipReason + " (or no .build/debug/postdesk)")))
struct ReliabilityLoopTests {
    struct Conversation: Sendable {
        var name: String
        var user: String
        var headers: [String]
        var threads: Bool
        var maxRounds: Int
    }

    @Test func hostileAutorespondersStop() throws {
        let stack = MailStack.current!
        let token = stackToken()
        let box = "R/loop-\(token)"
        let worker = try RelWorker(stack: stack, box: box)   // autoReplyLimitPerHour: the default 10
        defer { worker.cleanup() }
        let setup = try StackIMAP(stack, user: "support@example.test")
        try setup.create(box)
        try worker.start()
        let conversations = [
            Conversation(name: "administrator, naive responder (no RFC 3834 headers)", user: "customer1@customer.test",
            headers: [], threads: true, maxRounds: 1),
            Conversation(name: "administrator, Auto-Submitted: auto-replied", user: "customer1@customer.test",
            headers: ["Auto-Submitted: auto-replied"], threads: true, maxRounds: 1),
            Conversation(name: "non-administrator, naive responder", user: "customer2@customer.test", headers: [],
            threads: true, maxRounds: 1),
            Conversation(name: "non-administrator, Precedence: bulk + X-Autoreply", user: "customer2@customer.test",
            headers: ["Precedence: bulk", "X-Autoreply: yes"], threads: true, maxRounds: 1),
            Conversation(name: "administrator, naive, new subject and no threading every time",
            user: "customer1@customer.test", headers: [], threads: false, maxRounds: 10),
        ]
        var owner: [String: Int] = [:]        // a Message-ID the responder sent → its conversation
        var rounds = Array(repeating: 0, count: conversations.count)
        var answered = Set<String>()
        let imap = try StackIMAP(stack, user: "support@example.test")
        for (i, c) in conversations.enumerated() {
            let id = "loop-\(token)-\(i)-0@customer.test"
            owner[id] = i
            try imap.append(box, relMail(id: id, from: c.user, subject: "Loop test \(i): the scanner does not work"))
        }
        // The responders: every answer of ours (its In-Reply-To names a mail of theirs) gets an automatic reply.
        var lastActivity = Date()
        let started = Date()
        let clients = Dictionary(uniqueKeysWithValues: try Set(
            conversations.map(\.user)).map { ($0, try StackIMAP(stack, user: $0)) })
        while Date().timeIntervalSince(lastActivity) < 10 && Date().timeIntervalSince(started) < 150 {
            Thread.sleep(forTimeInterval: 0.5)
            for (user, client) in clients {
                for h in try client.heads("INBOX") where !answered.contains(h.messageID) {
                    guard let i = owner[h.inReplyTo], conversations[i].user == user else { continue }
                    answered.insert(h.messageID)
                    rounds[i] += 1
                    lastActivity = Date()
                    let c = conversations[i]
                    let id = "loop-\(token)-\(i)-\(rounds[i])@customer.test"
                    owner[id] = i
                    let subject = c.threads ? "Re: \(h.subject)" : "Automatic answer \(stackToken())"
                    try imap.append(box, relMail(id: id, from: user, subject: subject,
                        inReplyTo: c.threads ? h.messageID : nil,
                                                 headers: c.headers,
                                                 body: "Thank you for your message. I will read it when I am " +
                                                     "back.\r\n"))
                }
            }
        }
        let store = try worker.store()
        let tickets = try store.db.query("SELECT COUNT(*) AS n FROM tickets").first?.int("n") ?? 0
        for (i, c) in conversations.enumerated() {
            relReport("loop \(c.name): rounds \(rounds[i]) (limit \(c.maxRounds))")
            #expect(rounds[i] <= c.maxRounds, "\(c.name): \(rounds[i]) rounds")
        }
        relReport("loop totals: tickets \(tickets), responder mails \(owner.count - conversations.count)")
        // The first four conversations each got their one answer; the cap allowed exactly 10 for the last one
        // (one of the ten went to conversation 1, same recipient: the cap counts per recipient).
        #expect(rounds[0] == 1 && rounds[2] == 1)
        #expect(rounds[4] >= 8)
        #expect(worker.stop() == 0)
    }
}
