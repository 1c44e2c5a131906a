import Foundation
import MIME
import Testing
@testable import Desk

/// "2026-03-27 21:00 +01:00" → instant.
func at(_ text: String) -> Date {
    let parts = text.split(separator: " ")
    let date = CivilDate(iso: String(parts[0]))!
    let hm = parts[1].split(separator: ":").map { Int($0)! }
    let off = parts[2]
    let sign = off.hasPrefix("-") ? -1 : 1
    let o = off.dropFirst().split(separator: ":").map { Int($0)! }
    let offset = sign * (o[0] * 3600 + o[1] * 60)
    return Date(timeIntervalSince1970: Double(date.dayNumber * 86400 + hm[0] * 3600 + hm[1] * 60 - offset))
}

func stamp(_ d: Date) -> String { BusinessTimeFormat.stamp(d, in: BusinessCalendar.copenhagen) }

let standard = BusinessCalendar.standard()
let extended = BusinessCalendar.extended()

@Suite struct ReactionDeadlineExamples {
    @Test func extendedP1FridayEveningAcrossSpringDST() {
        let due = SupportPlan.extended().deadline(for: .p1, from: at("2026-03-27 21:00 +01:00"))!
        print("extended P1 120 min, Fri 2026-03-27 21:00 CET →", stamp(due))
        #expect(due == at("2026-03-30 09:00 +02:00"))
        #expect(stamp(due) == "Mon 2026-03-30 09:00 CEST (+02:00)")
    }

    @Test func standardTwelveWorkingHoursOverEaster() {
        let due = SupportPlan.standard().deadline(for: .p3, from: at("2026-04-01 15:00 +02:00"))!
        print("standard 720 min, Wed 2026-04-01 15:00 CEST →", stamp(due))
        #expect(due == at("2026-04-08 11:00 +02:00"))
        for p in Priority.allCases { #expect(SupportPlan.standard().targetMinutes(for: p) == 720) }
    }

    @Test func extendedP2SaturdayBeforeAutumnDST() {
        let due = SupportPlan.extended().deadline(for: .p2, from: at("2026-10-24 12:00 +02:00"))!
        print("extended P2 240 min, Sat 2026-10-24 12:00 CEST →", stamp(due))
        #expect(due == at("2026-10-26 12:00 +01:00"))
        #expect(stamp(due) == "Mon 2026-10-26 12:00 CET (+01:00)")
    }

    @Test func extendedP4OverChristmas() {
        let due = SupportPlan.extended().deadline(for: .p4, from: at("2026-12-23 15:00 +01:00"))!
        print("extended P4 1440 min, Wed 2026-12-23 15:00 CET →", stamp(due))
        #expect(due == at("2026-12-29 11:00 +01:00"))
    }

    @Test func extendedTargetsAndBestEffort() {
        let plan = SupportPlan.extended()
        #expect(plan.targetMinutes(for: .p1) == 120)
        #expect(plan.targetMinutes(for: .p2) == 240)
        #expect(plan.targetMinutes(for: .p3) == 720)
        #expect(plan.targetMinutes(for: .p4) == 1440)
        #expect(plan.targetMinutes(for: .p5) == nil)
        #expect(plan.deadline(for: .p5, from: at("2026-03-02 10:00 +01:00")) == nil)
    }

    @Test func warningAtSeventyFivePercent() {
        let plan = SupportPlan.extended()
        // P1 120 min from Fri 21:00: 60 min Friday, 75% = 90 min → Mon 08:30 CEST.
        #expect(plan.instant(at: 0.75, of: .p1, from: at("2026-03-27 21:00 +01:00")) == at("2026-03-30 08:30 +02:00"))
        // Standard 720 min from Wed 15:00: 75% = 540 min → 2 h Wed, 7 h Tue 7 Apr (to 16:00).
        #expect(SupportPlan.standard().instant(at: 0.75, of: .p2, from: at("2026-04-01 15:00 +02:00")) == at(
            "2026-04-07 16:00 +02:00"))
    }
}

@Suite struct BusinessCalendarTests {
    @Test func zeroMinutesInsideHoursIsStart() {
        let t = at("2026-03-03 10:17 +01:00")
        #expect(extended.adding(minutes: 0, to: t) == t)
        #expect(standard.nextOpening(after: t) == t)
    }

    @Test func zeroMinutesOutsideHoursIsNextOpening() {
        #expect(standard.adding(minutes: 0, to: at("2026-03-03 06:00 +01:00")) == at("2026-03-03 09:00 +01:00"))
        #expect(standard.adding(minutes: 0, to: at("2026-03-03 17:00 +01:00")) == at("2026-03-04 09:00 +01:00"))
        #expect(standard.adding(minutes: 0, to: at("2026-03-07 12:00 +01:00")) == at("2026-03-09 09:00 +01:00"))
    }

    @Test func startExactlyAtOpening() {
        #expect(standard.adding(minutes: 1, to: at("2026-03-03 09:00 +01:00")) == at("2026-03-03 09:01 +01:00"))
        #expect(standard.adding(minutes: 480, to: at("2026-03-03 09:00 +01:00")) == at("2026-03-03 17:00 +01:00"))
        #expect(standard.adding(minutes: 481, to: at("2026-03-03 09:00 +01:00")) == at("2026-03-04 09:01 +01:00"))
        #expect(standard.isOpen(at: at("2026-03-03 09:00 +01:00")))
    }

    @Test func startExactlyAtClosing() {
        #expect(!standard.isOpen(at: at("2026-03-03 17:00 +01:00")))
        #expect(standard.isOpen(at: at("2026-03-03 16:59 +01:00")))
        #expect(standard.adding(minutes: 60, to: at("2026-03-03 17:00 +01:00")) == at("2026-03-04 10:00 +01:00"))
        #expect(standard.adding(minutes: 1, to: at("2026-03-03 16:59 +01:00")) == at("2026-03-03 17:00 +01:00"))
        #expect(standard.adding(minutes: 2, to: at("2026-03-03 16:59 +01:00")) == at("2026-03-04 09:01 +01:00"))
    }

    @Test func beforeOpeningCountsFromOpening() {
        #expect(extended.adding(minutes: 120, to: at("2026-03-03 02:00 +01:00")) == at("2026-03-03 10:00 +01:00"))
        #expect(extended.adding(minutes: 30, to: at("2026-03-03 23:30 +01:00")) == at("2026-03-04 08:30 +01:00"))
    }

    @Test func secondsArePreserved() {
        let t = at("2026-03-03 10:00 +01:00").addingTimeInterval(42)
        #expect(standard.adding(minutes: 5, to: t) == at("2026-03-03 10:05 +01:00").addingTimeInterval(42))
    }

    @Test func springForwardWeekend() {
        // Fri 27 Mar 16:00 CET + 2 h standard → Mon 30 Mar 10:00 CEST: 65 real hours, not 66.
        let start = at("2026-03-27 16:00 +01:00")
        let due = standard.adding(minutes: 120, to: start)
        #expect(due == at("2026-03-30 10:00 +02:00"))
        #expect(due.timeIntervalSince(start) == 65 * 3600)
        #expect(standard.businessMinutes(from: start, to: due) == 120)
    }

    @Test func fallBackWeekend() {
        // Fri 23 Oct 21:00 CEST + 3 h extended → Mon 26 Oct 10:00 CET (62 real hours, one of them the repeated hour).
        let start = at("2026-10-23 21:00 +02:00")
        let due = extended.adding(minutes: 180, to: start)
        #expect(due == at("2026-10-26 10:00 +01:00"))
        #expect(due.timeIntervalSince(start) == 62 * 3600)
    }

    @Test func openingHoursOnTheDSTDaysThemselves() {
        // A seven-day calendar: the change happens at night, so the open interval is a normal 8 hours.
        let allWeek = BusinessCalendar(timeZone: BusinessCalendar.copenhagen, weekdays: Set(1...7), opensAt: 540,
            closesAt: 1020, holidays: DanishHolidays())
        for day in ["2026-03-29", "2026-10-25"] {
            let interval = allWeek.openInterval(on: CivilDate(iso: day)!)!
            #expect(interval.duration == 8 * 3600)
        }
        #expect(allWeek.openInterval(on: CivilDate(iso: "2026-03-29")!)!.start == at("2026-03-29 09:00 +02:00"))
        #expect(allWeek.openInterval(on: CivilDate(iso: "2026-10-25")!)!.start == at("2026-10-25 09:00 +01:00"))
        // Around the clock: the spring day has 23 hours, the autumn day 25.
        let always = BusinessCalendar(timeZone: BusinessCalendar.copenhagen, weekdays: Set(1...7), opensAt: 0,
            closesAt: 1440, holidays: DanishHolidays(grundlovsdag: false, juleaftensdag: false,
            nytaarsaftensdag: false))
        #expect(always.openInterval(on: CivilDate(iso: "2026-03-29")!)!.duration == 23 * 3600)
        #expect(always.openInterval(on: CivilDate(iso: "2026-10-25")!)!.duration == 25 * 3600)
        #expect(always.adding(minutes: 120, to: at("2026-03-29 01:30 +01:00")) == at("2026-03-29 04:30 +02:00"))
        #expect(always.adding(minutes: 120, to: at("2026-10-25 01:30 +02:00")) == at("2026-10-25 02:30 +01:00"))
        #expect(always.businessMinutes(from: at("2026-10-24 12:00 +02:00"),
            to: at("2026-10-25 12:00 +01:00")) == 25 * 60)
    }

    @Test func openingInsideTheDSTGapAndOverlap() {
        // Opens at 02:30 local: on 29 Mar that time does not exist (moves to 03:30 CEST); on 25 Oct it occurs twice
        // (first one).
        let night = BusinessCalendar(timeZone: BusinessCalendar.copenhagen, weekdays: Set(1...7), opensAt: 150,
            closesAt: 300, holidays: DanishHolidays())
        #expect(night.openInterval(on: CivilDate(iso: "2026-03-29")!)!.start == at("2026-03-29 03:30 +02:00"))
        #expect(night.openInterval(on: CivilDate(iso: "2026-10-25")!)!.start == at("2026-10-25 02:30 +02:00"))
        #expect(night.openInterval(on: CivilDate(iso: "2026-10-25")!)!.end == at("2026-10-25 05:00 +01:00"))
    }

    @Test func storeBededag2023VersusFreeFriday2024() {
        // Store bededag 2023 = Fri 5 May; 2024 would have been Fri 26 Apr, now a working day.
        #expect(!standard.isOpen(at: at("2023-05-05 10:00 +02:00")))
        #expect(standard.isOpen(at: at("2024-04-26 10:00 +02:00")))
        #expect(standard.adding(minutes: 120, to: at("2023-05-04 16:00 +02:00")) == at("2023-05-08 10:00 +02:00"))
        #expect(standard.adding(minutes: 120, to: at("2024-04-25 16:00 +02:00")) == at("2024-04-26 10:00 +02:00"))
    }

    @Test func ascensionAndWhitsun2026() {
        // Kristi himmelfart Thu 14 May, 2. pinsedag Mon 25 May; Fri 15 May is a normal working day.
        #expect(!standard.isOpen(at: at("2026-05-14 10:00 +02:00")))
        #expect(standard.isOpen(at: at("2026-05-15 10:00 +02:00")))
        #expect(standard.adding(minutes: 60, to: at("2026-05-22 16:30 +02:00")) == at("2026-05-26 09:30 +02:00"))
    }

    @Test func optionalDaysCanBeOpened() {
        let open = BusinessCalendar.standard(holidays: DanishHolidays(
            grundlovsdag: false, juleaftensdag: false, nytaarsaftensdag: false))
        #expect(!standard.isOpen(at: at("2026-06-05 10:00 +02:00")))
        #expect(open.isOpen(at: at("2026-06-05 10:00 +02:00")))
        #expect(open.isOpen(at: at("2026-12-24 10:00 +01:00")))
        #expect(open.isOpen(at: at("2026-12-31 10:00 +01:00")))
        #expect(!open.isOpen(at: at("2026-12-25 10:00 +01:00")))
        let closures = BusinessCalendar.standard(holidays: DanishHolidays(extraClosures: ["2026-03-04"]))
        #expect(!closures.isOpen(at: at("2026-03-04 10:00 +01:00")))
        #expect(closures.adding(minutes: 60, to: at("2026-03-03 16:30 +01:00")) == at("2026-03-05 09:30 +01:00"))
    }

    @Test func newYear() {
        // Wed 31 Dec 2025 and Thu 1 Jan 2026 closed.
        #expect(extended.adding(minutes: 60, to: at("2025-12-30 21:30 +01:00")) == at("2026-01-02 08:30 +01:00"))
    }

    @Test func businessMinutesCounts() {
        #expect(standard.businessMinutes(from: at("2026-03-02 00:00 +01:00"),
            to: at("2026-03-09 00:00 +01:00")) == 5 * 480)
        #expect(extended.businessMinutes(from: at("2026-03-02 00:00 +01:00"),
            to: at("2026-03-09 00:00 +01:00")) == 5 * 840)
        #expect(standard.businessMinutes(from: at("2026-03-03 12:00 +01:00"), to: at("2026-03-03 11:00 +01:00")) == 0)
        #expect(standard.businessMinutes(from: at("2026-03-03 12:00 +01:00"), to: at("2026-03-03 12:00 +01:00")) == 0)
        #expect(standard.businessMinutes(from: at("2026-03-07 12:00 +01:00"), to: at("2026-03-08 12:00 +01:00")) == 0)
        // Easter week 2026: Mon–Wed open, Thu/Fri/Mon closed.
        #expect(standard.businessMinutes(from: at("2026-03-30 00:00 +02:00"),
            to: at("2026-04-07 00:00 +02:00")) == 3 * 480)
        // Partial minute rounds down.
        #expect(standard.businessMinutes(from: at("2026-03-03 10:00 +01:00"),
            to: at("2026-03-03 10:01 +01:00").addingTimeInterval(-1)) == 0)
        // A whole year of the standard plan: 2026 has 261 weekdays, 10 of them closed
        // (1 Jan, 2+3 Apr, 6 Apr, 14 May, 25 May, 5 Jun, 24+25 Dec, 31 Dec; 26 Dec is a Saturday).
        #expect(standard.businessMinutes(from: at("2026-01-01 00:00 +01:00"),
            to: at("2027-01-01 00:00 +01:00")) == 251 * 480)
    }

    @Test func roundTripProperty() {
        var seed: UInt64 = 0x9E3779B97F4A7C15
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 17 }
        let base = at("2025-12-01 00:00 +01:00").timeIntervalSince1970
        for cal in [standard, extended] {
            for _ in 0..<400 {
                let start = Date(timeIntervalSince1970: base + Double(next() % (500 * 86400)))
                let n = Int(next() % 6000)
                let end = cal.adding(minutes: n, to: start)
                #expect(cal.businessMinutes(from: start, to: end) == n, "\(stamp(start)) + \(n)")
                // The deadline lies in open time or at a closing instant, never in a closed stretch further on.
                if n > 0 { #expect(cal.isOpen(at: end.addingTimeInterval(-1))) }
                #expect(cal.adding(minutes: n + 1, to: start) > end)
            }
        }
    }

    @Test func neverOpenGivesDistantFuture() {
        let never = BusinessCalendar(timeZone: BusinessCalendar.copenhagen, weekdays: [], opensAt: 540, closesAt: 1020,
            holidays: DanishHolidays())
        #expect(never.adding(minutes: 10, to: at("2026-03-03 10:00 +01:00")) == .distantFuture)
    }
}

@Suite struct DanishHolidaysTests {
    @Test func easterDates() {
        let known = [2019: "2019-04-21", 2020: "2020-04-12", 2023: "2023-04-09", 2024: "2024-03-31", 2025: "2025-04-20",
                     2026: "2026-04-05", 2027: "2027-03-28", 2028: "2028-04-16", 2029: "2029-04-01", 2030: "2030-04-21",
                     2038: "2038-04-25", 2285: "2285-03-22"]
        for (year, date) in known { #expect(DanishHolidays.easterSunday(year).iso == date) }
    }

    @Test func list2026() {
        let list = DanishHolidays().holidays(in: 2026)
        #expect(list.map { "\($0.date) \($0.name)" } == [
            "2026-01-01 Nytårsdag", "2026-04-02 Skærtorsdag", "2026-04-03 Langfredag", "2026-04-05 Påskedag",
            "2026-04-06 2. påskedag", "2026-05-14 Kristi himmelfartsdag", "2026-05-24 Pinsedag",
            "2026-05-25 2. pinsedag",
            "2026-06-05 Grundlovsdag", "2026-12-24 Juleaftensdag", "2026-12-25 1. juledag", "2026-12-26 2. juledag",
            "2026-12-31 Nytårsaftensdag",
        ])
    }

    @Test func list2023HasStoreBededag() {
        let list = DanishHolidays(grundlovsdag: false, juleaftensdag: false, nytaarsaftensdag: false).holidays(in: 2023)
        #expect(list.map { "\($0.date) \($0.name)" } == [
            "2023-01-01 Nytårsdag", "2023-04-06 Skærtorsdag", "2023-04-07 Langfredag", "2023-04-09 Påskedag",
            "2023-04-10 2. påskedag", "2023-05-05 Store bededag", "2023-05-18 Kristi himmelfartsdag",
            "2023-05-28 Pinsedag",
            "2023-05-29 2. pinsedag", "2023-12-25 1. juledag", "2023-12-26 2. juledag",
        ])
        #expect(DanishHolidays().isClosed(year: 2023, month: 5, day: 5))
        #expect(!DanishHolidays().holidays(in: 2024).contains { $0.name == "Store bededag" })
        #expect(!DanishHolidays().isClosed(year: 2024, month: 4, day: 26))
    }

    @Test func easterBasedDates2025And2027() {
        let h = DanishHolidays()
        for (y, m, d) in [(2025, 4, 17), (2025, 4, 18), (2025, 4, 21), (2025, 5, 29), (2025, 6, 9),
                          (2027, 3, 25), (2027, 3, 26), (2027, 3, 29), (2027, 5, 6), (2027, 5, 17)] {
            #expect(h.isClosed(year: y, month: m, day: d), "\(y)-\(m)-\(d)")
        }
        #expect(!h.isClosed(year: 2025, month: 4, day: 22))
        #expect(!h.isClosed(year: 2027, month: 5, day: 7))
    }

    @Test func switchesAndExtraClosures() {
        let h = DanishHolidays(grundlovsdag: false, juleaftensdag: true, nytaarsaftensdag: false,
            extraClosures: ["2026-07-03", " 2027-01-02 "])
        #expect(!h.isClosed(year: 2026, month: 6, day: 5))
        #expect(h.isClosed(year: 2026, month: 12, day: 24))
        #expect(!h.isClosed(year: 2026, month: 12, day: 31))
        #expect(h.isClosed(year: 2026, month: 7, day: 3))
        #expect(h.isClosed(year: 2027, month: 1, day: 2))
        #expect(h.holidays(in: 2026).contains { $0.date == "2026-07-03" && $0.name == "Ekstra lukkedag" })
        #expect(h.holidays(in: 2026).count == 12)
    }

    @Test func civilDates() {
        #expect(CivilDate(iso: "2026-02-29") == nil)
        #expect(CivilDate(iso: "2024-02-29") != nil)
        #expect(CivilDate(iso: "2026-3-1") == nil)
        #expect(CivilDate(iso: "2026-03-27")!.weekday == 6)
        #expect(CivilDate(iso: "1970-01-01")!.dayNumber == 0)
        #expect(CivilDate(iso: "1969-12-31")!.weekday == 4)
    }
}

@Suite struct BusinessTimeFormatTests {
    @Test func localizedDeadlines() {
        let z = BusinessCalendar.copenhagen, d = at("2026-03-30 09:00 +02:00")
        #expect(BusinessTimeFormat.deadline(d, in: z, language: "da") == "mandag den 30. marts 2026 kl. 09:00")
        #expect(BusinessTimeFormat.deadline(d, in: z, language: "en") == "Monday 30 March 2026 at 09:00 CEST")
        #expect(BusinessTimeFormat.deadline(d, in: z, language: "de") == "Montag, 30. März 2026, 09:00 Uhr")
        #expect(BusinessTimeFormat.deadline(d, in: z, language: "nl") == "maandag 30 maart 2026 om 09:00")
        #expect(BusinessTimeFormat.iso(d, in: z) == "2026-03-30T09:00:00+02:00")
        #expect(BusinessTimeFormat.openingHours(standard, language: "da") == "mandag–fredag kl.\u{A0}09:00–17:00")
        #expect(BusinessTimeFormat.openingHours(extended, language: "en") == "Monday–Friday 08:00–22:00")
    }
}

/// Grundlovsdag switched off must not open Whit Monday when it falls on 5 June (next in 2028).
@Suite struct WhitMondayOnConstitutionDayTests {
    @Test func whitMondayOnFifthOfJuneStaysClosed() {
        let open = DanishHolidays(grundlovsdag: false)
        #expect(open.holidayName(year: 2028, month: 6, day: 5) == "2. pinsedag")
        #expect(open.isClosed(year: 2028, month: 6, day: 5))
        #expect(DanishHolidays().holidayName(year: 2028, month: 6, day: 5) == "Grundlovsdag")
        #expect(!open.isClosed(year: 2026, month: 6, day: 5))   // a Friday, and only Grundlovsdag
        let calendar = BusinessCalendar.standard(holidays: open)
        #expect(!calendar.isWorkingDay(CivilDate(iso: "2028-06-05")!))
        #expect(calendar.isWorkingDay(CivilDate(iso: "2028-06-06")!))
    }
}
