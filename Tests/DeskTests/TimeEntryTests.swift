import Testing
@testable import Desk

@Suite struct TimeEntryTests {
    @Test(arguments: [("#time 45m", 45), ("#time 1h30m", 90), ("#time 1.5h", 90), ("#time 1,5h", 90),
                      ("#time 2h", 120), ("  #TIME 10m  ", 10), ("#time 0.25h", 15)])
    func durations(_ line: String, _ minutes: Int) {
        #expect(TimeEntry.parse(line: line) == .success(TimeEntry(minutes: minutes)))
    }

    @Test func categoryAfterTheDuration() {
        #expect(TimeEntry.parse(line: "#time 30m phone") == .success(TimeEntry(minutes: 30, category: .phone)))
        #expect(TimeEntry.parse(line: "#time 1h onsite") == .success(TimeEntry(minutes: 60, category: .onsite)))
    }

    @Test(arguments: ["#time", "#time abc", "#time 45", "#time 30m driving", "#time 0m", "#time 25h", "#time 30m1h",
                      "#time 1h 30m remote x"])
    func unreadableLinesAreNamedNotIgnored(_ line: String) {
        #expect(TimeEntry.parse(line: line) == .failure(UnreadableTime(line: line)))
    }

    @Test func otherLinesAreNoTimeCommand() {
        #expect(TimeEntry.parse(line: "Spent #time 30m on it") == nil)
        #expect(TimeEntry.parse(line: "#timeout") == nil)
    }

    @Test func extractionKeepsTheRestOfTheText() {
        let found = TimeEntry.extract(from: "Fixed the DHCP lease.\n#time 45m remote\n\nRegards\n#time 15m")
        #expect(found.entries == [TimeEntry(minutes: 45, category: .remote), TimeEntry(minutes: 15)])
        #expect(found.unreadable.isEmpty)
        #expect(found.text == "Fixed the DHCP lease.\n\nRegards")
        #expect(TimeEntry.format(minutes: 90) == "1h30m")
        #expect(TimeEntry.format(minutes: 45) == "45m")
    }

    @Test func hoursReportPerCustomerWithBundleAndOverage() {
        var policy = TestDesk.policy()
        policy.customers[0].supportHoursPerMonth = 2
        let id = policy.customers[0].id
        let report = SupportHoursReport(records: [
            TimeRecord(customer: id, reference: "PD-2026-000002", minutes: 90, category: .phone),
            TimeRecord(customer: id, reference: "PD-2026-000001", minutes: 45, category: nil),
            TimeRecord(customer: id, reference: "PD-2026-000002", minutes: 30, category: .phone),
        ], policy: policy)
        let line = try! #require(report.lines.first { $0.customer == id })
        #expect(line.includedMinutes == 120)
        #expect(line.usedMinutes == 165)
        #expect(line.overageMinutes == 45)
        #expect(line.remainingMinutes == 0)
        #expect(line.byCategory == [.phone: 120, nil: 45])
        #expect(line.tickets.map(\.reference) == ["PD-2026-000001", "PD-2026-000002"])
        #expect(line.tickets.map(\.minutes) == [45, 120])
    }
}
