import Foundation

/// Bytes → ParsedMessage. First cut: headers, addresses, a text body; full MIME depth comes with issue 3.
public enum MessageParser {
    public static func parse(_ bytes: [UInt8]) -> ParsedMessage {
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
        let split = text.range(of: "\n\n")
        let headerText = split.map { String(text[..<$0.lowerBound]) } ?? text
        let body = split.map { String(text[$0.upperBound...]) } ?? ""
        var fields: [HeaderField] = []
        for line in headerText.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                fields.append(HeaderField(name: name, value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        }
        var message = ParsedMessage(headers: fields)
        message.from = AddressList.parse(message.header("From") ?? "").first
        message.to = AddressList.parse(message.header("To") ?? "")
        message.cc = AddressList.parse(message.header("Cc") ?? "")
        message.replyTo = AddressList.parse(message.header("Reply-To") ?? "")
        message.subject = message.header("Subject") ?? ""
        message.messageID = MessageIDList.parse(message.header("Message-ID") ?? "").first
        message.inReplyTo = MessageIDList.parse(message.header("In-Reply-To") ?? "")
        message.references = MessageIDList.parse(message.header("References") ?? "")
        message.contentType = (message.header("Content-Type") ?? "text/plain")
            .split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "text/plain"
        message.bodyText = body
        return message
    }
}

/// `Name <addr>, addr, "Quoted" <addr>` → addresses. First cut.
public enum AddressList {
    public static func parse(_ value: String) -> [Address] {
        value.split(separator: ",").compactMap { item in
            let s = item.trimmingCharacters(in: .whitespaces)
            if let lt = s.lastIndex(of: "<"), let gt = s.lastIndex(of: ">"), lt < gt {
                let email = String(s[s.index(after: lt)..<gt]).trimmingCharacters(in: .whitespaces)
                let name = s[..<lt].trimmingCharacters(in: CharacterSet(charactersIn: "\" \t"))
                return email.isEmpty ? nil : Address(name: name.isEmpty ? nil : name, email: email)
            }
            return s.contains("@") ? Address(email: s) : nil
        }
    }
}

/// `<a@b> <c@d>` → ["a@b", "c@d"], without the angle brackets.
public enum MessageIDList {
    public static func parse(_ value: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(value)
        while let lt = rest.firstIndex(of: "<"), let gt = rest[lt...].firstIndex(of: ">") {
            let id = rest[rest.index(after: lt)..<gt].trimmingCharacters(in: .whitespaces)
            if !id.isEmpty { ids.append(id) }
            rest = rest[rest.index(after: gt)...]
        }
        if ids.isEmpty {
            let bare = value.trimmingCharacters(in: .whitespaces)
            if !bare.isEmpty, !bare.contains(" ") { ids.append(bare) }
        }
        return ids
    }
}
