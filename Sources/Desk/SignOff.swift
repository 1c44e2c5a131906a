import MIME

/// Whether a staff member already signed their reply, so the relay does not put their name under it a second time
/// ("Viele Grüße / Anna Jensen" and then "-- / Anna Jensen / Nordhavn IT Support").
public enum SignOff {
    /// True when one of the last three non-empty lines of `text` is the staff member's name — the full name or the
    /// first name, alone, after a closing ("Mvh. Anna") or followed by a role ("Anna Jensen, IT-Support", "/Anna") —
    /// or their address.
    public static func isSigned(_ text: String, by staff: Address) -> Bool {
        let names = signatures(of: staff)
        let tail = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .suffix(3)
        return tail.contains { line in
            var l = Substring(line.lowercased())
            if let closing = ContactDetails.closings.first(where: { l.hasPrefix($0 + " ") || l.hasPrefix($0 + ",")
                || l.hasPrefix($0 + ".") }) {
                l = l.dropFirst(closing.count)
            }
            while let first = l.first, "/-–—~ ,.".contains(first) { l.removeFirst() }
            while let last = l.last, ".,!".contains(last) { l.removeLast() }
            return names.contains { name in
                guard l.hasPrefix(name) else { return false }
                let after = l.dropFirst(name.count)
                return after.isEmpty || after.hasPrefix(",") || after.hasPrefix(" –") || after.hasPrefix(" -")
                    || after.hasPrefix(" |") || after.hasPrefix(" (")
            }
        }
    }

    /// Lower-cased forms a person signs with: full name, first name, the address.
    static func signatures(of staff: Address) -> [String] {
        var forms = [staff.email.lowercased()]
        if let name = PersonName(staff.name ?? "") {
            forms.append(name.full.lowercased())
            forms.append((staff.name ?? "").trimmingCharacters(in: .whitespaces).lowercased())
            forms.append(name.first.lowercased())
        }
        return forms
    }
}
