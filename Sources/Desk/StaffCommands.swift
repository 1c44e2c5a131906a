/// `#priority P2`, `#note`, `#close`, `#reopen` on lines of their own at the top of a staff reply.
public struct StaffCommands: Sendable, Equatable {
    public var priority: Priority?
    public var note = false
    public var close = false
    public var reopen = false
    /// The reply without the command lines.
    public var text: String

    public init(priority: Priority? = nil, note: Bool = false, close: Bool = false, reopen: Bool = false, text: String) {
        self.priority = priority
        self.note = note
        self.close = close
        self.reopen = reopen
        self.text = text
    }

    public static func parse(_ body: String) -> StaffCommands {
        var commands = StaffCommands(text: "")
        var lines = body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let first = lines.first {
            let line = first.trimmingCharacters(in: .whitespaces)
            if line.isEmpty, lines.count > 1 { lines.removeFirst(); continue }
            let lowered = line.lowercased()
            if lowered == "#note" { commands.note = true }
            else if lowered == "#close" { commands.close = true }
            else if lowered == "#reopen" { commands.reopen = true }
            else if lowered.hasPrefix("#priority"), let p = Priority(text: String(line.dropFirst("#priority".count))) {
                commands.priority = p
            } else { break }
            lines.removeFirst()
        }
        commands.text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return commands
    }
}
