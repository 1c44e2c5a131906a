import Foundation

/// RFC 3464 delivery reports name the mail they report: its Message-ID sits in the returned headers.
/// Ours have a fixed shape (`pd.`, 11 hex digits of time and a dot, 32 random hex digits; mails sent before the
/// time was added lack that part), so scanning the report's bytes for it is exact enough.
public enum BounceReport {
    /// The shape of a Message-ID Postdesk writes (any desk's), without brackets.
    static let ourMessageIDPattern = #"pd\.(?:[0-9a-f]{11}\.)?[0-9a-f]{32}@[A-Za-z0-9.-]+"#

    public static func ourMessageIDs(in raw: [UInt8]) -> [String] {
        let text = String(decoding: raw, as: UTF8.self)
        guard let regex = try? NSRegularExpression(pattern: ourMessageIDPattern) else { return [] }
        var seen = Set<String>()
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range, in: text).map { String(text[$0]) }
        }.filter { seen.insert($0).inserted }
    }
}
