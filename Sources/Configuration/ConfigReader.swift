import Desk
import Foundation
import MIME

/// Walks the JSON, collecting every issue with its field path instead of stopping at the first. Every field it
/// reads is noted, so whatever is left over in the file is an unknown key — a typo that would otherwise switch a
/// setting off without a word — and is an issue too, with the nearest known name as the fix.
final class ConfigReader {
    let file: String
    let root: [String: Any]
    let environment: [String: String]
    var issues: [ConfigIssue] = []
    /// Field paths read, e.g. "staff.teamLead", "customers[0].id", "plans.standard".
    var known: Set<String> = []
    /// Off for `auth login`, which is what stores the refresh token (see OAuth2Config.swift).
    var requireRefreshTokens = true

    init(file: String, root: Any, environment: [String: String]) {
        self.file = file
        self.root = root as? [String: Any] ?? [:]
        self.environment = environment
        if !(root is [String: Any]) { issue("(file)", "must hold a JSON object", "wrap the settings in { … }") }
    }

    func issue(_ field: String, _ problem: String, _ fix: String) {
        issues.append(ConfigIssue(file: file, field: field, problem: problem, fix: fix))
    }

    func hasIssue(_ field: String) -> Bool { issues.contains { $0.field == field } }

    /// The value at `key`, noting `path` as known; JSON null counts as absent.
    func value(_ dict: [String: Any], _ key: String, path: String) -> Any? {
        known.insert(path)
        guard let value = dict[key], !(value is NSNull) else { return nil }
        return value
    }

    func object(_ dict: [String: Any], _ key: String, path: String, required: Bool = true) -> [String: Any]? {
        guard let value = value(dict, key, path: path) else {
            if required { issue(path, "is missing", "add an object \"\(key)\": { … }") }
            return nil
        }
        guard let object = value as? [String: Any] else {
            issue(path, "must be an object", "write \"\(key)\": { … }")
            return nil
        }
        return object
    }

    func string(_ dict: [String: Any], _ key: String, path: String, default fallback: String? = nil,
                example: String) -> String? {
        guard let value = value(dict, key, path: path) else {
            if fallback == nil { issue(path, "is missing", "add \"\(key)\": \(example)") }
            return fallback
        }
        guard let s = value as? String else {
            issue(path, "must be a string", "write \"\(key)\": \(example)")
            return fallback
        }
        return s
    }

    /// A string that may be left out; empty counts as left out.
    func optionalString(_ dict: [String: Any], _ key: String, path: String, example: String) -> String? {
        string(dict, key, path: path, default: "", example: example).flatMap { $0.isEmpty ? nil : $0 }
    }

    func number(_ dict: [String: Any], _ key: String, path: String, default fallback: Double,
                range: ClosedRange<Double>) -> Double {
        guard let value = value(dict, key, path: path) else { return fallback }
        guard let n = value as? NSNumber, !Self.isBoolean(value) else {
            issue(path, "must be a number", "write \"\(key)\": \(Self.plain(fallback))")
            return fallback
        }
        guard range.contains(n.doubleValue) else {
            issue(path, "is \(n), outside \(Self.plain(range.lowerBound))…\(Self.plain(range.upperBound))",
                  "use a value in that range")
            return fallback
        }
        return n.doubleValue
    }

    /// 1024.0 → "1024", 0.75 → "0.75".
    static func plain(_ n: Double) -> String { n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : String(n) }

    /// On Linux `1 is Bool` holds for a JSON number; JSON's true/false come as NSNumber of type "c".
    static func isBoolean(_ value: Any) -> Bool {
        (value as? NSNumber).map { String(cString: $0.objCType) == "c" } ?? (value is Bool)
    }

    func bool(_ dict: [String: Any], _ key: String, path: String, default fallback: Bool) -> Bool {
        guard let value = value(dict, key, path: path) else { return fallback }
        guard Self.isBoolean(value), let b = value as? Bool else {
            issue(path, "must be true or false", "write \"\(key)\": \(fallback)")
            return fallback
        }
        return b
    }

    func strings(_ dict: [String: Any], _ key: String, path: String) -> [String] {
        guard let value = value(dict, key, path: path) else { return [] }
        guard let list = value as? [String] else {
            issue(path, "must be a list of strings", "write \"\(key)\": [\"…\"]")
            return []
        }
        return list
    }

    func address(_ text: String?, path: String) -> Address? {
        guard let text else { return nil }
        guard let parsed = AddressList.parse(text).first, parsed.email.contains("@") else {
            issue(path, "\"\(text)\" is not a mail address",
                  "write \"Name <user@example.com>\" or \"user@example.com\"")
            return nil
        }
        return parsed
    }

    /// A bare `user@example.com`, as administrators and staff addresses are compared (a display name or
    /// angle brackets would never match a sender).
    func bareAddress(_ text: String, path: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let list = AddressList.parse(trimmed)
        guard list.count == 1, let email = list.first?.email, email.lowercased() == trimmed.lowercased(),
              email.split(separator: "@", omittingEmptySubsequences: false).count == 2,
              !email.hasPrefix("@"), !email.hasSuffix("@") else {
            issue(path, "\"\(text)\" is not a mail address", "write it as user@example.com, without a name")
            return nil
        }
        return email.lowercased()
    }

    // MARK: unknown keys

    /// Every key in the file that no reader looked at, with the nearest known name at the same level.
    func reportUnknownKeys() {
        walk(root, path: "")
    }

    private func walk(_ value: Any, path: String) {
        if let dict = value as? [String: Any] {
            for key in dict.keys.sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if known.contains(child) {
                    walk(dict[key]!, path: child)
                } else {
                    reportUnknown(key, at: child, in: path)
                }
            }
        } else if let list = value as? [Any] {
            for (i, item) in list.enumerated() { walk(item, path: "\(path)[\(i)]") }
        }
    }

    private func reportUnknown(_ key: String, at path: String, in parent: String) {
        let prefix = parent.isEmpty ? "" : parent + "."
        let siblings = known.compactMap { name -> String? in
            guard name.hasPrefix(prefix) else { return nil }
            let rest = name.dropFirst(prefix.count)
            return rest.contains(".") || rest.contains("[") ? nil : String(rest)
        }.sorted()
        if let nearest = NearestName.find(key, among: siblings) {
            issue(path, "is not a known setting", "did you mean \(prefix)\(nearest)?")
        } else {
            issue(path, "is not a known setting",
                  "remove it" + (siblings.isEmpty ? "" : "; known here: \(siblings.joined(separator: ", "))"))
        }
    }
}
