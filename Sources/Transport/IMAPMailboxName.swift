import Foundation

/// The server's personal namespace (RFC 2342): the prefix folder names start with and the hierarchy delimiter.
/// Dovecot's default is ("" "/"); Cyrus and cPanel-style Dovecot answer (("INBOX." ".")).
struct IMAPNamespace: Equatable {
    var prefix: String
    /// nil: the server has a flat namespace (NIL delimiter).
    var delimiter: Character?

    static let flatDefault = IMAPNamespace(prefix: "", delimiter: "/")

    /// The first personal namespace of an untagged `NAMESPACE` response text (`NAMESPACE (("INBOX." ".")) NIL NIL`).
    static func parse(namespaceResponse text: String) -> IMAPNamespace? {
        guard text.uppercased().hasPrefix("NAMESPACE ") else { return nil }
        let rest = text.dropFirst(10).drop { $0 == " " }
        guard rest.hasPrefix("((") else { return nil }   // NIL: no personal namespace; fall back to LIST
        var strings = IMAPNamespace.quotedOrNil(rest.dropFirst(2))
        guard let prefix = strings.next() else { return nil }
        let delimiter = strings.next()
        return IMAPNamespace(prefix: prefix ?? "", delimiter: (delimiter ?? nil)?.first)
    }

    /// The delimiter of an untagged `LIST "" ""` response text (`LIST (\Noselect) "/" ""`).
    static func parse(listResponse text: String) -> IMAPNamespace? {
        guard text.uppercased().hasPrefix("LIST "), let close = text.firstIndex(of: ")") else { return nil }
        var strings = IMAPNamespace.quotedOrNil(text[text.index(after: close)...])
        guard let delimiter = strings.next() else { return nil }
        return IMAPNamespace(prefix: "", delimiter: delimiter?.first)
    }

    /// Successive `"quoted"` strings (nil for `NIL`) in `text`, skipping spaces and parentheses between them.
    private static func quotedOrNil(_ text: Substring) -> AnyIterator<String?> {
        var rest = text
        return AnyIterator {
            rest = rest.drop { $0 == " " || $0 == "(" || $0 == ")" }
            if rest.uppercased().hasPrefix("NIL") { rest = rest.dropFirst(3); return .some(nil) }
            guard rest.first == "\"" else { return nil }
            var out = ""
            var i = rest.index(after: rest.startIndex)
            while i < rest.endIndex, rest[i] != "\"" {
                if rest[i] == "\\" { i = rest.index(after: i); if i == rest.endIndex { break } }
                out.append(rest[i])
                i = rest.index(after: i)
            }
            rest = i < rest.endIndex ? rest[rest.index(after: i)...] : ""
            return .some(out)
        }
    }

    /// The name the server knows for a logical folder name (`/`-separated, as in the config): the personal
    /// prefix, the parts joined by the server's delimiter, each part in modified UTF-7. `INBOX` stays `INBOX`;
    /// a name that already starts with the prefix is taken as the server's own.
    func serverName(_ logical: String) throws -> String {
        if logical.uppercased() == "INBOX" { return "INBOX" }
        if !prefix.isEmpty && logical.hasPrefix(prefix) { return logical }
        let parts = logical.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if parts.contains(where: \.isEmpty) {
            throw IMAPError.invalidSettings("folder '\(logical)' has an empty part; write parts separated by "
                + "single '/'")
        }
        guard let delimiter else {
            if parts.count > 1 {
                throw IMAPError.invalidSettings("folder '\(logical)' has parts, but the server's namespace is "
                    + "flat; use one name")
            }
            return prefix + ModifiedUTF7.encode(logical)
        }
        if let bad = parts.first(where: { $0.contains(delimiter) }) {
            throw IMAPError.invalidSettings("folder part '\(bad)' contains the server's hierarchy delimiter "
                + "'\(delimiter)'; "
                                            + "separate levels with '/' in the config")
        }
        return prefix + parts.map(ModifiedUTF7.encode).joined(separator: String(delimiter))
    }
}

/// IMAP's modified UTF-7 for mailbox names (RFC 3501 5.1.3): printable ASCII as is, `&` as `&-`, everything else
/// as UTF-16 in base64 with `,` for `/`, between `&` and `-`.
enum ModifiedUTF7 {
    static func encode(_ name: String) -> String {
        var out = ""
        var pending: [UInt16] = []
        func flush() {
            guard !pending.isEmpty else { return }
            var bytes: [UInt8] = []
            for u in pending { bytes.append(UInt8(u >> 8)); bytes.append(UInt8(u & 0xFF)) }
            let b64 = Data(bytes).base64EncodedString().replacingOccurrences(of: "/", with: ",")
            out += "&" + b64.trimmingCharacters(in: CharacterSet(charactersIn: "=")) + "-"
            pending.removeAll()
        }
        for scalar in name.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value <= 0x7E {
                flush()
                out += scalar == "&" ? "&-" : String(scalar)
            } else {
                pending.append(contentsOf: String(scalar).utf16)
            }
        }
        flush()
        return out
    }
}
