import Foundation

extension MessageWriter {
    /// The body: plain text alone (or text and HTML as multipart/alternative), or multipart/mixed with that first
    /// and each file after it (base64, the sender's media type, the name as RFC 2231 `filename*` when it is not plain
    /// ASCII).
    static func appendBody(of mail: OutgoingMail, to out: inout [UInt8]) {
        func line(_ text: String) { out.append(contentsOf: text.utf8); out.append(contentsOf: [13, 10]) }
        // "=_" cannot occur in quoted-printable or base64 text, so the boundary never collides with a part.
        let boundary = "=_pd_" + SHA256.hex(Array(mail.messageID.utf8)).prefix(24)
        guard !mail.attachments.isEmpty else {
            appendText(of: mail, boundary: boundary + "_alt", to: &out)
            return
        }
        appendFolded("Content-Type: multipart/mixed; boundary=\"\(boundary)\"", to: &out)
        out.append(contentsOf: [13, 10, 13, 10])
        line("--" + boundary)
        appendText(of: mail, boundary: boundary + "_alt", to: &out)
        for file in mail.attachments {
            line("--" + boundary)
            let name = file.filename.map(clean) ?? ""
            var type = mediaType(file.contentType)
            var disposition = "attachment"
            if !name.isEmpty {
                type += "; " + parameter("name", name)
                disposition += "; " + parameter("filename", name)
            }
            appendFolded("Content-Type: " + type, to: &out); out.append(contentsOf: [13, 10])
            appendFolded("Content-Disposition: " + disposition, to: &out); out.append(contentsOf: [13, 10])
            line("Content-Transfer-Encoding: base64")
            line("")
            let encoded = Data(file.data).base64EncodedString(
                options: [.lineLength76Characters, .endLineWithCarriageReturn,
                                                                        .endLineWithLineFeed])
            if !encoded.isEmpty { line(encoded) }
        }
        line("--" + boundary + "--")
    }

    /// The readable part with its headers: text/plain, or multipart/alternative of text then HTML (clients show the
    /// last part they can, so the HTML goes second).
    static func appendText(of mail: OutgoingMail, boundary: String, to out: inout [UInt8]) {
        func line(_ text: String) { out.append(contentsOf: text.utf8); out.append(contentsOf: [13, 10]) }
        func part(_ type: String, _ text: String) {
            line("Content-Type: \(type); charset=utf-8")
            line("Content-Transfer-Encoding: quoted-printable")
            line("")
            QuotedPrintable.encode(text, into: &out)
        }
        guard let html = mail.html else { return part("text/plain", mail.body) }
        line("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        line("")
        line("--" + boundary)
        part("text/plain", mail.body)
        line("--" + boundary)
        part("text/html", html)
        line("--" + boundary + "--")
    }

    /// `type/subtype` of tokens only; anything else becomes application/octet-stream.
    static func mediaType(_ text: String) -> String {
        let base = text.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let parts = base.split(separator: "/", omittingEmptySubsequences: false)
        let isToken: (Substring) -> Bool = { part in
            !part.isEmpty && part.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) || "!#$&-^_.+".utf8.contains(b)
            }
        }
        guard parts.count == 2, isToken(parts[0]), isToken(parts[1]) else { return "application/octet-stream" }
        return base
    }

    /// `name="value"` for plain ASCII names, else RFC 2231 `name*=utf-8''percent-encoded`.
    static func parameter(_ name: String, _ value: String) -> String {
        let plain = value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }
        if plain { return "\(name)=\"\(value)\"" }
        var encoded = ""
        for b in value.utf8 {
            let unreserved = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || "-._~".utf8.contains(b)
            if unreserved { encoded.unicodeScalars.append(UnicodeScalar(b)) }
            else { encoded += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2) }
        }
        return "\(name)*=utf-8''\(encoded)"
    }
}
