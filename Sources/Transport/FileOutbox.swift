import Foundation

/// The embedded default sender: one `.eml` file per mail in a directory, written to a temporary name and renamed in,
/// so a reader never sees half a mail. The file is named by Message-ID, so a resend after a crash replaces it.
public final class FileOutbox: MailSender {
    public let directory: URL

    public init(path: String) throws {
        directory = URL(fileURLWithPath: path)
        try PrivateFile.folder(path)
    }

    static func fileName(for messageID: String) -> String {
        let safe = messageID.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) ||
            "._-@".unicodeScalars.contains($0) ? Character($0) : "_" }
        return String(safe) + ".eml"
    }

    public func send(_ raw: [UInt8], envelopeFrom: String, recipients: [String], messageID: String) throws {
        let name = Self.fileName(for: messageID)
        let temp = directory.appendingPathComponent(".\(name).\(getpid()).tmp")
        let final = directory.appendingPathComponent(name)
        // The envelope goes in front, as Postfix's sendmail -t would read it back; the message itself is untouched
        // below.
        var bytes = Array(
            ("X-Envelope-From: " +
                "<\(envelopeFrom)>\r\nX-Envelope-To: \(recipients.map { "<\($0)>" }.joined(separator: ", "))\r\n").utf8)
        bytes += raw
        unlink(temp.path)   // left by a crash of this process id
        do {
            try PrivateFile.create(temp.path, bytes: bytes)
        } catch {
            throw SendError.temporary("\(error)")
        }
        if rename(temp.path, final.path) != 0 {
            throw SendError.temporary("cannot rename into \(final.path): \(String(cString: strerror(errno)))")
        }
    }
}
