import Desk
import Foundation
import MIME

/// `plans.NAME.onCall`, the døgnvagt: `rota` is one address (a shared pager or SMS gateway), a list of people taking
/// turns a week each from `rotaStarts`, or ISO weeks to addresses; `priorities` page it (P1); `repageAfter` (15 min).
extension ConfigReader {
    func onCall(_ plan: [String: Any], path: String) -> OnCall? {
        let base = path + ".onCall"
        guard let dict = object(plan, "onCall", path: base, required: false) else { return nil }
        let rotaPath = base + ".rota", startPath = base + ".rotaStarts"
        let startText = optionalString(dict, "rotaStarts", path: startPath, example: "\"2026-W01\"")
        var rota: OnCall.Rota?
        switch value(dict, "rota", path: rotaPath) {
        case let text as String:
            rota = address(text, path: rotaPath).map { .fixed($0) }
        case let list as [Any]:
            let people = rotaAddresses(list.enumerated().map { ("\(rotaPath)[\($0.offset)]", $0.element) })
            if list.isEmpty { issue(rotaPath, "is empty", "list the people who take turns a week each") }
            if startText == nil {
                issue(startPath, "is missing", "add \"rotaStarts\": \"2026-W01\", the ISO week the first person has")
            }
            if let startText, let start = week(startText, path: startPath), !people.isEmpty,
               people.count == list.count {
                rota = .rotating(people, firstWeek: start)
            }
        case let entries as [String: Any]:
            if entries.isEmpty { issue(rotaPath, "is empty", "map ISO weeks to addresses: { \"2026-W49\": \"…\" }") }
            var weeks: [ISOWeek: Address] = [:]
            var complete = true
            for key in entries.keys.sorted() {
                let field = rotaPath + "." + key
                known.insert(field)
                let w = week(key, path: field)
                if let w, weeks[w] != nil { issue(field, "names week \(w) twice", "list each week once") }
                guard let w, let a = rotaAddresses([(field, entries[key]!)]).first else { complete = false; continue }
                weeks[w] = a
            }
            if complete, !weeks.isEmpty { rota = .weeks(weeks) }
        case nil:
            issue(rotaPath, "is missing", "add \"rota\": [\"anna@example.com\", …] (weekly turns from rotaStarts), "
                  + "{ \"2026-W49\": \"anna@example.com\" } or one address")
        default:
            issue(rotaPath, "must be an address, a list of addresses or an object of ISO weeks",
                  "write \"rota\": [\"anna@example.com\", \"bo@example.com\"]")
        }
        if startText != nil, !(dict["rota"] is [Any]) {
            issue(startPath, "goes only with a list rota", "remove it, or make rota a list of people")
        }
        var priorities = Set<Priority>()
        let written = value(dict, "priorities", path: base + ".priorities") == nil ? ["P1"]
            : strings(dict, "priorities", path: base + ".priorities")
        if written.isEmpty { issue(base + ".priorities", "is empty", "list the priorities that page, e.g. [\"P1\"]") }
        for text in written {
            if let p = Priority(text: text) { priorities.insert(p) }
            else { issue(base + ".priorities", "\"\(text)\" is not a priority", "use P1, P2, P3, P4 or P5") }
        }
        var repage = 15
        if let written = value(dict, "repageAfter", path: base + ".repageAfter") {
            repage = duration(written, path: base + ".repageAfter", fix: "write \"15min\" or \"1h\"",
                              tooShortFix: "give at least \"1min\"") ?? repage
        }
        guard let rota, !priorities.isEmpty else { return nil }
        return OnCall(rota: rota, priorities: priorities, repageMinutes: repage)
    }

    /// The rota's addresses, each with its field; every bad one is an issue (a page to it would bounce at night).
    private func rotaAddresses(_ items: [(field: String, value: Any)]) -> [Address] {
        items.compactMap { field, value in
            guard let text = value as? String else {
                issue(field, "must be a string", "write an address such as \"Anna Jensen <anna@example.com>\"")
                return nil
            }
            return address(text, path: field)
        }
    }

    /// "2026-W49": a week that exists (only some years have a W53).
    private func week(_ text: String, path: String) -> ISOWeek? {
        guard let week = ISOWeek(text) else {
            issue(path, "\"\(text)\" is not an ISO week", "write it as \"YYYY-Www\", e.g. \"2026-W49\"")
            return nil
        }
        return week
    }
}
