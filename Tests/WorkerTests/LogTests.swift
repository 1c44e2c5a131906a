import Foundation
import Testing
@testable import CLI
@testable import Configuration
@testable import Pipeline

@Suite struct LogTests {
    @Test func timestampMatchesISO8601InUTC() {
        let formatter = ISO8601DateFormatter()
        for seconds in [0.0, 951_782_400.5, 1_795_000_000, 1_798_761_599.999, 4_102_444_800] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(Log.timestamp(date) == formatter.string(from: date))
        }
    }

    @Test func logfmtLineQuotesAndEscapesValues() {
        let capture = LogCapture()
        let log = Log(level: .info, write: { capture.append($0) })
        log.debug("hidden")
        log.info("mail.ticket", [("ref", "PD-2026-000001"), ("summary", "P2 \"urgent\" a=b"), ("empty", "")])
        #expect(capture.lines.count == 1)
        let line = capture.lines[0]
        #expect(line.hasPrefix("time="))
        #expect(line.hasSuffix(
            #" level=info event=mail.ticket ref=PD-2026-000001 summary="P2 \"urgent\" a=b" empty="""#))
    }
}
