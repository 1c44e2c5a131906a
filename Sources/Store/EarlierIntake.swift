/// The first intake of a mail met again: where it came from and, when it was stored, its sender and bytes, so a
/// reused Message-ID (scanners, some ticket systems, a forger) can be told from a second delivery.
public struct EarlierIntake: Sendable {
    /// "source/key", for the log.
    public var place: String
    public var sender: String?
    /// The stored mail; nil for a match by content hash (the same bytes) or a quarantined first copy.
    public var raw: [UInt8]?
}
