import Desk
import Foundation
import MIME

/// The desk's half of the file: plans, holidays, customers, staff and the rules, into a `Policy`.
extension ConfigReader {
    static let dayNumbers = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]

    /// The longest reaction target taken: 10,000 hours. Longer ones are typos, and the calendar walks them day
    /// by day (`"100000000h"` gave deadlines in the year 4001).
    static let longestTargetMinutes = 600_000

    func timeZone() -> TimeZone? {
        let name = string(root, "timeZone", path: "timeZone", default: "Europe/Copenhagen",
                          example: "\"Europe/Copenhagen\"")!
        guard let zone = TimeZone(identifier: name) else {
            issue("timeZone", "\"\(name)\" is not a known time zone", "use an IANA name such as \"Europe/Copenhagen\"")
            return nil
        }
        return zone
    }

    func minutes(ofClock text: String?, path: String) -> Int? {
        guard let text else { return nil }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
              (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else {
            issue(path, "\"\(text)\" is not a time of day", "write it as \"HH:MM\", e.g. \"09:00\"")
            return nil
        }
        return h * 60 + m
    }

    /// "2h", "90min", "1.5 h", a number of hours, or "best effort" → business minutes; `.some(nil)` is best
    /// effort, nil an issue. Digits only (no sign, exponent, NaN or infinity), at least a minute, at most 10,000 h.
    func target(_ value: Any, path: String) -> Int?? {
        if value is NSNull { return .some(nil) }
        if let text = value as? String, ["besteffort", "none"].contains(text.lowercased().replacingOccurrences(
            of: " ", with: "")) { return .some(nil) }
        return duration(value, path: path, fix: "write \"2h\", \"90min\" or \"best effort\"",
                        tooShortFix: "give at least \"1min\", or \"best effort\" for no target").map { .some($0) }
    }

    /// "2h", "90min", "1.5 h" or a number of hours → whole minutes; nil (with an issue naming `fix`) otherwise.
    /// Digits only (no sign, exponent, NaN or infinity), at least a minute, at most 10,000 h.
    func duration(_ value: Any, path: String, fix: String, tooShortFix: String) -> Int? {
        let minutes: Double
        if let n = value as? NSNumber, !Self.isBoolean(value) {
            minutes = n.doubleValue * 60
        } else if let text = value as? String {
            let t = text.lowercased().replacingOccurrences(of: " ", with: "")
            let (digits, scale): (Substring, Double) = t.hasSuffix("min") ? (t.dropLast(3), 1)
                : t.hasSuffix("h") ? (t.dropLast(), 60) : ("", 0)
            guard digits.range(of: #"^[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil,
                  let n = Double(digits) else {
                issue(path, "\"\(text)\" is not a duration", fix)
                return nil
            }
            minutes = n * scale
        } else {
            issue(path, "must be a duration", fix)
            return nil
        }
        guard minutes.isFinite, minutes >= 0.5 else {
            issue(path, "is not a positive duration", tooShortFix)
            return nil
        }
        guard minutes <= Double(Self.longestTargetMinutes) else {
            issue(path, "is longer than 10,000 h", "give the target in business time, e.g. \"24h\"")
            return nil
        }
        return Int(minutes.rounded())
    }

    func holidays() -> DanishHolidays {
        let h = object(root, "holidays", path: "holidays", required: false) ?? [:]
        let closures = strings(h, "extraClosures", path: "holidays.extraClosures")
        for c in closures where CivilDate(iso: c) == nil {
            issue("holidays.extraClosures", "\"\(c)\" is not a date", "write real dates as \"YYYY-MM-DD\"")
        }
        return DanishHolidays(grundlovsdag: bool(h, "grundlovsdag", path: "holidays.grundlovsdag", default: true),
                              juleaftensdag: bool(h, "juleaftensdag", path: "holidays.juleaftensdag", default: true),
                              nytaarsaftensdag: bool(h, "nytaarsaftensdag", path: "holidays.nytaarsaftensdag",
                                                     default: true),
                              extraClosures: Set(closures))
    }

    func plans(timeZone: TimeZone, holidays: DanishHolidays) -> [String: SupportPlan] {
        guard let p = object(root, "plans", path: "plans") else { return [:] }
        if p.isEmpty { issue("plans", "is empty", "define at least one plan, e.g. \"standard\"") }
        var plans: [String: SupportPlan] = [:]
        for (name, value) in p {
            known.insert("plans.\(name)")
            guard let dict = value as? [String: Any] else {
                issue("plans.\(name)", "must be an object",
                      "write \"\(name)\": { \"days\": …, \"opens\": …, \"closes\": …, \"targets\": … }")
                continue
            }
            if let plan = plan(name: name, dict, timeZone: timeZone, holidays: holidays) { plans[name] = plan }
        }
        return plans
    }

    func plan(name: String, _ dict: [String: Any], timeZone: TimeZone, holidays: DanishHolidays) -> SupportPlan? {
        let path = "plans.\(name)"
        let days = strings(dict, "days", path: path + ".days")
        var weekdays = Set<Int>()
        for day in days {
            if let n = Self.dayNumbers[String(day.lowercased().prefix(3))] { weekdays.insert(n) }
            else { issue(path + ".days", "\"\(day)\" is not a weekday", "use mon, tue, wed, thu, fri, sat, sun") }
        }
        if days.isEmpty {
            issue(path + ".days", "is missing or empty", "add \"days\": [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"]")
        }
        let opens = minutes(ofClock: string(dict, "opens", path: path + ".opens", example: "\"09:00\""),
                            path: path + ".opens")
        let closes = minutes(ofClock: string(dict, "closes", path: path + ".closes", example: "\"17:00\""),
                             path: path + ".closes")
        if let opens, let closes, opens >= closes {
            issue(path + ".closes", "is not after opens", "make closes later than opens, e.g. \"17:00\"")
        }
        var targets: [Priority: Int] = [:]
        for (key, value) in object(dict, "targets", path: path + ".targets") ?? [:] {
            let field = path + ".targets.\(key)"
            known.insert(field)
            guard let p = Priority(text: key) else {
                issue(field, "is not a priority", "use P1, P2, P3, P4 or P5")
                continue
            }
            if let minutes = target(value, path: field), let minutes { targets[p] = minutes }
        }
        let share = number(dict, "warnAt", path: path + ".warnAt", default: 0.75, range: 0.05...0.99)
        var hoursText: [String: String] = [:]
        for (language, value) in object(dict, "hoursText", path: path + ".hoursText", required: false) ?? [:] {
            known.insert(path + ".hoursText.\(language)")
            if let text = value as? String { hoursText[language] = text }
            else { issue(path + ".hoursText.\(language)", "must be a string", "write the opening hours as text") }
        }
        let copyRefusals = copyRefusals(dict, path: path)
        guard let opens, let closes else { return nil }
        let calendar = BusinessCalendar(timeZone: timeZone, weekdays: weekdays, opensAt: opens, closesAt: closes,
                                        holidays: holidays)
        var plan = SupportPlan(name: name, calendar: calendar, targets: targets, warningShare: share,
                               hoursText: hoursText, supportHoursPerMonth: supportHours(dict, path: path))
        plan.supportHoursNoticeShare = number(dict, "supportHoursNoticeAt", path: path + ".supportHoursNoticeAt",
                                              default: 0.8, range: 0.05...0.99)
        plan.onCall = onCall(dict, path: path)
        plan.copyRefusalsToAdministrators = copyRefusals ?? false
        return plan
    }

    /// Customers as written; a customer naming a plan that failed to parse is not reported twice, so plan names
    /// are those in the file. Duplicate ids, domains and administrators are issues: the first would win silently.
    func customers(planNames: Set<String>) -> [Customer] {
        guard let value = value(root, "customers", path: "customers") else { return [] }
        guard let list = value as? [[String: Any]] else {
            issue("customers", "must be a list of objects",
                  "write \"customers\": [ { \"id\": …, \"plan\": …, \"administrators\": […] } ]")
            return []
        }
        var customers: [Customer] = []
        var ids: [String: Int] = [:], domains: [String: Int] = [:], administrators: [String: Int] = [:]
        func unique(_ key: String, in seen: inout [String: Int], index: Int, field: String, what: String) {
            if let first = seen[key] {
                issue(field, "\(what) \"\(key)\" is already listed for customers[\(first)]", "list it once")
            } else {
                seen[key] = index
            }
        }
        for (i, c) in list.enumerated() {
            let path = "customers[\(i)]"
            let id = string(c, "id", path: path + ".id", example: "\"nordlys\"") ?? "customer\(i)"
            unique(id, in: &ids, index: i, field: path + ".id", what: "id")
            let planName = string(c, "plan", path: path + ".plan", example: "\"standard\"") ?? ""
            if !planName.isEmpty, !planNames.contains(planName) {
                issue(path + ".plan", "names plan \"\(planName)\", which is not defined",
                      "use one of: \(planNames.sorted().joined(separator: ", "))")
            }
            let domainList = strings(c, "domains", path: path + ".domains").map { $0.lowercased() }
            for d in domainList { unique(d, in: &domains, index: i, field: path + ".domains", what: "domain") }
            let written = strings(c, "administrators", path: path + ".administrators")
            if written.isEmpty {
                issue(path + ".administrators", "is missing or empty", "list the addresses allowed to open tickets")
            }
            let admins = written.compactMap { bareAddress($0, path: path + ".administrators") }
            for a in admins {
                unique(a, in: &administrators, index: i, field: path + ".administrators", what: "administrator")
            }
            let language = optionalString(c, "language", path: path + ".language", example: "\"da\"")
            if let language, !Templates.languages.contains(language) {
                issue(path + ".language", "\"\(language)\" is not supported",
                      "use da, en, de or nl, or leave it out to detect")
            }
            let csm = address(optionalString(c, "csm", path: path + ".csm", example: "\"csm@example.com\""),
                              path: path + ".csm")
            let formalityText = optionalString(c, "formality", path: path + ".formality", example: "\"formal\"")
            let formality = formalityText.flatMap(Formality.init(rawValue:))
            if let formalityText, formality == nil {
                issue(path + ".formality", "\"\(formalityText)\" is not a form of address",
                      "use formal or informal, or leave it out for the language's usual form")
            }
            var salutations: [String: Salutation] = [:]
            if let written = object(c, "salutations", path: path + ".salutations", required: false) {
                for key in written.keys.sorted() {
                    let field = path + ".salutations." + key
                    guard let text = string(written, key, path: field, example: "\"mr\""),
                          let salutation = Salutation(rawValue: text) else {
                        issue(field, "is not a salutation", "write \"mr\" or \"ms\"")
                        continue
                    }
                    salutations[key] = salutation
                }
            }
            var customer = Customer(
                id: id, name: string(c, "name", path: path + ".name", default: id, example: "\"Nordlys ApS\"") ?? id,
                domains: domainList, administrators: admins, plan: planName, csm: csm, language: language,
                formality: formality, salutations: salutations,
                supportHoursPerMonth: supportHours(c, path: path))
            customer.copyRefusalsToAdministrators = copyRefusals(c, path: path)
            customers.append(customer)
        }
        return customers
    }

    /// An administrator who is the support address or counts as staff is never treated as the customer's
    /// administrator (`Policy.role` asks those first), so their requests would be ignored or relayed.
    func checkAdministrators(_ policy: Policy) {
        for (i, customer) in policy.customers.enumerated() {
            for admin in customer.administrators {
                if admin == policy.supportAddress.normalized {
                    issue("customers[\(i)].administrators", "\"\(admin)\" is the support address",
                          "list the customer's own people")
                } else if policy.isStaff(admin) {
                    issue("customers[\(i)].administrators",
                          "\"\(admin)\" counts as staff (staff address or domain, team "
                          + "lead, a CSM or an on-call rota), so its mail would be taken as a staff reply",
                          "list the customer's own people")
                }
            }
        }
    }
}
