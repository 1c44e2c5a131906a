import Foundation

/// Danish public holidays, computed per year. First cut: none.
public struct DanishHolidays: Sendable, Equatable {
    public var grundlovsdag: Bool
    public var juleaftensdag: Bool
    public var nytaarsaftensdag: Bool
    /// Extra closure dates, "YYYY-MM-DD".
    public var extraClosures: Set<String>

    public init(grundlovsdag: Bool = true, juleaftensdag: Bool = true, nytaarsaftensdag: Bool = true, extraClosures: Set<String> = []) {
        self.grundlovsdag = grundlovsdag
        self.juleaftensdag = juleaftensdag
        self.nytaarsaftensdag = nytaarsaftensdag
        self.extraClosures = extraClosures
    }

    /// Whether that local calendar date is closed.
    public func isClosed(year: Int, month: Int, day: Int) -> Bool {
        extraClosures.contains(String(format: "%04d-%02d-%02d", year, month, day))
    }

    /// The named holidays of a year, ("YYYY-MM-DD", Danish name), in date order.
    public func holidays(in year: Int) -> [(date: String, name: String)] { [] }
}
