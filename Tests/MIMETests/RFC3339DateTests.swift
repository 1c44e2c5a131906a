import Foundation
import Testing
import MIME

@Suite struct RFC3339DateTests {
    @Test func acceptsRFC3339Instants() {
        #expect(RFC3339Date.parse("2026-03-27T21:00:00+01:00") == Date(timeIntervalSince1970: 1_774_641_600))
        #expect(RFC3339Date.parse("2026-03-27T20:00:00Z") == Date(timeIntervalSince1970: 1_774_641_600))
        #expect(RFC3339Date.parse("2026-03-27t20:00:00z") == Date(timeIntervalSince1970: 1_774_641_600))
        #expect(RFC3339Date.parse("2026-03-27T20:00:00.250Z") == Date(timeIntervalSince1970: 1_774_641_600.25))
        #expect(RFC3339Date.parse("2026-03-27T15:30:00-04:30") == Date(timeIntervalSince1970: 1_774_641_600))
        #expect(RFC3339Date.parse("1970-01-01T00:00:00Z") == Date(timeIntervalSince1970: 0))
        #expect(RFC3339Date.parse("2024-02-29T12:00:00Z") != nil)
        #expect(RFC3339Date.parse("9999-12-31T23:59:59+23:59") != nil)
        #expect(RFC3339Date.parse("2016-12-31T23:59:60Z") == RFC3339Date.parse("2017-01-01T00:00:00Z"))
    }

    @Test(arguments: ["2026-02-30T10:00:00Z", "2026-03-27T21:00:00+01:00 junk", "2026-03-27T21:00:00+25:00",
                      "2026-03-27T21:00:00+99:99", "2026-03-27T21:00:00+01:60", "26-03-27T21:00:00Z",
                      "10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "2026-03-27",
                      "2026-03-27T21:00Z", "2026-03-27T21:00:00", "2026-03-27T24:00:00Z", "2026-03-27T21:00:00.Z",
                      "2026-3-27T21:00:00Z", "2026-03-27T12:00:60Z", "", "２０２６-03-27T21:00:00Z"])
    func rejectsAnythingElse(_ text: String) {
        #expect(RFC3339Date.parse(text) == nil, "\(text)")
    }

    @Test func months() {
        #expect(RFC3339Date.month("2026-11") == CivilDate(year: 2026, month: 11, day: 1))
        for text in ["99999999999999-01", "2026-13", "2026-00", "2026-1", "1969-12", "10000-01", "2026-11-01",
                     "2026-11 "] {
            #expect(RFC3339Date.month(text) == nil, "\(text)")
        }
    }

    /// The RFC 5322 parser shares CivilDate's day count.
    @Test func civilDateDayNumbersAgreeWithTheMailDateParser() {
        #expect(RFC5322Date.parse("Sun, 29 Feb 2032 13:14:15 +0000")
                == Date(timeIntervalSince1970: TimeInterval(CivilDate(iso: "2032-02-29")!.dayNumber * 86400 + 47_655)))
        #expect(CivilDate(checkedYear: 2026, month: 2, day: 30) == nil)
        #expect(CivilDate(checkedYear: 2028, month: 2, day: 29) != nil)
    }
}
