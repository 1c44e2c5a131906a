import Foundation

/// The Prometheus text exposition format (0.0.4): per family `# HELP` and `# TYPE`, then its samples; label values
/// escaped. Every name gets the `postdesk_` prefix.
struct MetricsExposition {
    private(set) var text = ""

    mutating func counter(_ name: String, _ help: String, _ samples: [([(String, String)], Int)]) {
        family(name, help, "counter", samples.map { ($0.0, String($0.1)) })
    }

    mutating func gauge(_ name: String, _ help: String, _ samples: [([(String, String)], Double)]) {
        family(name, help, "gauge", samples.map { ($0.0, Self.number($0.1)) })
    }

    private mutating func family(_ name: String, _ help: String, _ type: String,
                                 _ samples: [([(String, String)], String)]) {
        let full = "postdesk_" + name
        let helpText = help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
        text += "# HELP \(full) \(helpText)\n"
        text += "# TYPE \(full) \(type)\n"
        for (labels, value) in samples {
            let pairs = labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }
            let rendered = labels.isEmpty ? "" : "{" + pairs.joined(separator: ",") + "}"
            text += full + rendered + " " + value + "\n"
        }
    }

    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
