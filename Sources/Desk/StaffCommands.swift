import MIME

/// Commands on lines of their own at the top of a staff mail: `#priority P2`, `#note` (internal), `#reply` (answer
/// the customer even from a reply to a notice), `#close` / `#close silent`, `#reopen`, `#open customer@domain`,
/// `#take`, `#assign staff@domain`, `#away`, `#back`, `#ack` (an on-call page is taken: the paging stops),
/// `#split`, `#merge PD-…`.
public struct StaffCommands: Sendable, Equatable {
    public var priority: Priority?
    public var note = false
    public var reply = false
    public var close = false
    /// `#close silent`: the customer is not told.
    public var closeSilently = false
    public var reopen = false
    /// `#open ADDRESS`: a ticket for this customer (after a phone call).
    public var open: Address?
    /// `#take`: the sender owns the ticket from now on.
    public var take = false
    /// `#assign ADDRESS`: this staff member owns the ticket.
    public var assign: Address?
    /// `#away` / `#back`: the sender's follow-ups go to the notify list while away.
    public var away = false
    public var back = false
    /// `#ack`: acknowledges an on-call page without answering the customer; the paging stops.
    public var ack = false
    /// `#split`: the message this mail answers (else the latest customer message) becomes a ticket of its own.
    public var split = false
    /// `#merge PD-…`: this ticket is folded into the named one (the reference as written, upper-cased).
    public var mergeInto: String?
    /// The mail without the command lines.
    public var text: String

    public init(priority: Priority? = nil, note: Bool = false, close: Bool = false, reopen: Bool = false,
        text: String) {
        self.priority = priority
        self.note = note
        self.close = close
        self.reopen = reopen
        self.text = text
    }

    /// Whether the first lines held any command.
    public var isEmpty: Bool {
        priority == nil && !note && !reply && !close && !reopen && open == nil
            && !take && assign == nil && !away && !back && !ack && !split && mergeInto == nil
    }

    public static func parse(_ body: String) -> StaffCommands {
        var commands = StaffCommands(text: "")
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first {
            let line = first.trimmingCharacters(in: .whitespaces)
            if line.isEmpty, lines.count > 1 { lines.removeFirst(); continue }
            let lowered = line.lowercased()
            let words = lowered.split(separator: " ", omittingEmptySubsequences: true)
            if lowered == "#note" { commands.note = true }
            else if lowered == "#reply" { commands.reply = true }
            else if lowered == "#close" { commands.close = true }
            else if words == ["#close", "silent"] { commands.close = true; commands.closeSilently = true }
            else if lowered == "#reopen" { commands.reopen = true }
            else if lowered == "#take" { commands.take = true }
            else if lowered == "#away" { commands.away = true }
            else if lowered == "#back" { commands.back = true }
            else if lowered == "#ack" { commands.ack = true }
            else if lowered == "#split" { commands.split = true }
            else if words.first == "#merge", words.count == 2 { commands.mergeInto = words[1].uppercased() }
            else if words.first == "#assign", words.count >= 2,
                    let address = AddressList.parse(String(line.dropFirst(7))).first, address.email.contains("@") {
                commands.assign = address
            }
            else if lowered.hasPrefix("#priority"), let p = Priority(text: String(line.dropFirst("#priority".count))) {
                commands.priority = p
            } else if words.first == "#open", words.count == 2,
                      let address = AddressList.parse(String(line.dropFirst(5))).first, address.email.contains("@") {
                commands.open = address
            } else { break }
            lines.removeFirst()
        }
        commands.text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return commands
    }
}
