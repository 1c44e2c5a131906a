import Foundation
import Testing
@testable import CLI
@testable import Pipeline
import Desk
import MIME
import Store

/// GDPR retention (`purge`) and erasure (`forget`) on the Maildir default with a moved clock (issue 18).
@Suite(.serialized) struct ErasureTests {
    let monday = copenhagen(2026, 11, 16, 10)

    func mail(from: String, id: String, subject: String, inReplyTo: String? = nil, _ body: String,
              file: String? = nil) -> [UInt8] {
        var head = "From: \(from)\r\nTo: support@example.test\r\nSubject: \(subject)\r\nMessage-ID: <\(id)>\r\n"
        if let inReplyTo { head += "In-Reply-To: <\(inReplyTo)>\r\n" }
        guard let file else { return Array((head + "\r\n" + body + "\r\n").utf8) }
        let encoded = Data(file.utf8).base64EncodedString()
        return Array((head + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
                      + "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\(body)\r\n"
                      + "--b\r\nContent-Type: text/plain; name=\"log.txt\"\r\nContent-Disposition: attachment; "
                      + "filename=\"log.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n\(encoded)\r\n"
                      + "--b--\r\n").utf8)
    }

    /// The database file and its -wal, lowercased, as bytes on disk.
    func fileText(_ box: Sandbox) -> String {
        [box.config.database, box.config.database + "-wal"].map { path in
            String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self).lowercased()
        }.joined()
    }

    /// Fails showing what precedes a hit, so a leak is easy to place.
    func absent(_ needle: String, in text: String) {
        guard let hit = text.range(of: needle) else { return }
        let start = text.index(hit.lowerBound, offsetBy: -200, limitedBy: text.startIndex) ?? text.startIndex
        Issue.record("\(needle) is still in the file: …\(text[start..<hit.upperBound])")
    }

    @Test func forgetLeavesNothingOfTheAddressOrNameInTheDatabaseFile() throws {
        let box = try Sandbox(now: monday)
        try box.deliver(mail(from: "Mette Holm <mette.holm@nordlys.test>", id: "c1@nordlys.test", subject: "Printer",
                             "Hilsen Mette Holm, tlf. 12345678", file: "printer log of mette.holm@nordlys.test"))
        try box.deliver(mail(from: "IT Nordlys <it@nordlys.test>", id: "c2@nordlys.test", subject: "VPN",
                             "VPN er nede. Kopi til mette.holm@nordlys.test"))
        _ = try box.pipeline().runOnce()
        box.now = monday.addingTimeInterval(600)
        // A staff reply whose raw body is base64: its raw copy must go too, not only plain-text hits.
        let reply = Data("Hej Mette Holm, printeren kører igen.".utf8).base64EncodedString()
        try box.deliver(Array(("From: agent1@example.test\r\nTo: support@example.test\r\nSubject: Re: [PD-2026-000001]"
                               + " Printer\r\nMessage-ID: <s1@example.test>\r\nIn-Reply-To: <c1@nordlys.test>\r\n"
                               + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                               + "Content-Transfer-Encoding: base64\r\n\r\n\(reply)\r\n").utf8))
        _ = try box.pipeline().runOnce()
        for needle in ["mette.holm@nordlys.test", "mette holm", "12345678", "printer log of"] {
            #expect(fileText(box).contains(needle))   // there before, so the checks below can fail
        }

        #expect(PostdeskCommand.main(["forget", "Mette.Holm@Nordlys.test", "--config", box.configPath]) == 0)
        let text = fileText(box)
        absent("mette.holm@nordlys.test", in: text)
        absent("mette holm", in: text)
        absent("12345678", in: text)
        absent("printer log of", in: text)
        // Everyone else's data stays.
        #expect(text.contains("it@nordlys.test"))
        #expect(text.contains("vpn er nede"))
        let store = try PostdeskStore(path: box.config.database)
        let first = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(first.requester.email == PostdeskStore.erasedMarker)
        let messages = try store.messages(ticketID: first.id)
        #expect(messages.first?.newText == PostdeskStore.erasedMarker)
        #expect(messages.contains { $0.newText == "Hej [erased], printeren kører igen." })
        #expect(messages.allSatisfy { $0.attachments.isEmpty })
        let second = try #require(try store.ticket(reference: "PD-2026-000002"))
        #expect(try store.messages(ticketID: second.id).first?.newText == "VPN er nede. Kopi til [erased]")
        let log = try store.erasureLog()
        #expect(log.map(\.kind) == ["forget"])
        #expect(log[0].summary.hasPrefix("2 ticket(s), "))
        #expect(!log[0].summary.lowercased().contains("mette"))
        #expect(PostdeskCommand.main(["forget", "not-an-address", "--config", box.configPath]) == 2)
    }

    @Test func purgeDropsMailAndFilesPastRetentionAndKeepsTheFigures() throws {
        let box = try Sandbox(now: monday) { $0["retention"] = ["months": 24] }
        #expect(box.config.retentionMonths == 24)
        try box.deliver(mail(from: "mette.holm@nordlys.test", id: "c1@nordlys.test", subject: "Printer", "Printeren.",
                             file: "OLD-PAYLOAD-1"))
        try box.deliver(mail(from: "it@nordlys.test", id: "c2@nordlys.test", subject: "VPN", "VPN.",
                             file: "NEW-PAYLOAD-2"))
        _ = try box.pipeline().runOnce()
        box.now = monday.addingTimeInterval(1800)
        try box.deliver(mail(from: "agent1@example.test", id: "s1@example.test",
                             subject: "Re: [PD-2026-000001] Printer", inReplyTo: "c1@nordlys.test",
                             "#close\n#time 30m\nLøst."))
        _ = try box.pipeline().runOnce()
        // The second ticket is closed a month later: 24 months after the first, it is still within retention.
        box.now = copenhagen(2026, 12, 16, 10)
        try box.deliver(mail(from: "agent1@example.test", id: "s2@example.test", subject: "Re: [PD-2026-000002] VPN",
                             inReplyTo: "c2@nordlys.test", "#close silent\nLøst."))
        _ = try box.pipeline().runOnce()

        let store = try PostdeskStore(path: box.config.database)
        let at = copenhagen(2028, 11, 20, 10)
        let cutoff = Pipeline.retentionCutoff(months: 24, before: at, in: box.config.timeZone)
        #expect(cutoff == copenhagen(2026, 11, 20, 10))
        let summary = try store.purge(resolvedBefore: cutoff, at: at)
        #expect(summary.tickets == 1)
        #expect(summary.attachments == 1)
        let text = fileText(box)
        #expect(!text.contains("old-payload-1"))
        #expect(text.contains("new-payload-2"))
        let old = try #require(try store.ticket(reference: "PD-2026-000001"))
        #expect(old.firstResponseAt == monday.addingTimeInterval(1800))
        #expect(try store.mailPurgedAt(ticketID: old.id) == at)
        #expect(try store.messages(ticketID: old.id).allSatisfy { $0.newText.isEmpty && $0.attachments.isEmpty })
        #expect(try store.loggedTime(ticketID: old.id).map(\.entry.minutes) == [30])
        #expect(try store.reportRows(from: copenhagen(2026, 11, 1, 0), to: copenhagen(2026, 12, 1, 0)).count == 2)
        // Again: nothing new to purge.
        #expect(try store.purge(resolvedBefore: cutoff, at: at).tickets == 0)
        #expect(try store.erasureLog().map(\.kind) == ["purge", "purge"])
    }

    @Test func purgeWithoutRetentionFails() throws {
        let box = try Sandbox(now: monday)
        #expect(PostdeskCommand.main(["purge", "--config", box.configPath]) == 1)
    }
}
