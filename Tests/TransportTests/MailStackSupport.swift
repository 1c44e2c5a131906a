import Foundation
import StackTestSupport
@testable import Transport

/// IMAP and SMTP settings for the stack (`MailStack` and the IMAP helper `StackIMAP` are in StackTestSupport).
extension MailStack {
    func imapsSettings(_ user: String, mailbox: String = "INBOX") -> IMAPSettings {
        IMAPSettings(url: "imaps://\(host):\(imapsPort)", username: user, password: password,
                     caFile: cacert, mailbox: mailbox)
    }

    func starttlsSettings(_ user: String, mailbox: String = "INBOX") -> IMAPSettings {
        IMAPSettings(url: "imap://\(host):\(imapPort)", username: user, password: password, tls: .starttls,
                     caFile: cacert, mailbox: mailbox)
    }

    func plainSettings(_ user: String, mailbox: String = "INBOX") -> IMAPSettings {
        IMAPSettings(url: "imap://\(host):\(imapPort)", username: user, password: password, tls: TLSMode.none,
                     mailbox: mailbox)
    }

    func submissionSettings(_ user: String = "support@example.test") -> SMTPSettings {
        SMTPSettings(url: "smtp://\(host):\(submissionPort)", username: user, password: password,
                     caFile: cacert, heloName: "postdesk.test")
    }
}

/// A small RFC 5322 message with CRLF line ends.
func testMessage(id: String, from: String = "customer1@customer.test", to: String = "support@example.test",
                 subject: String? = nil, bodyBytes: Int = 200) -> [UInt8] {
    var body = ""
    while body.utf8.count < bodyBytes { body += "Line of text for \(id), padding the body.\r\n" }
    let text = "From: <\(from)>\r\nTo: <\(to)>\r\nSubject: \(subject ?? "Test \(id)")\r\n"
        + "Date: Mon, 01 Jan 2024 12:00:00 +0000\r\nMessage-ID: <\(id)@test.example>\r\n\r\n" + body
    return Array(text.utf8)
}

/// A TCP port on 127.0.0.1 that nothing listens on (bound, then released).
func closedLoopbackPort() -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(
        to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}

/// Collects log lines from a source/sender under test.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func add(_ s: String) { lock.lock(); lines.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}
