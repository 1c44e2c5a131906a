import Configuration
import Foundation
import Pipeline
import Store

/// GDPR: `postdesk purge` (retention) and `postdesk forget ADDRESS` (erasure). Each prints and logs counts only.
extension PostdeskCommand {
    static func purge(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        try args.finish()
        guard let months = config.retentionMonths else {
            throw FailureError("no retention is configured: add \"retention\": { \"months\": 24 } to \(config.file)")
        }
        let now = Date()
        let summary = try PostdeskStore(path: config.database)
            .purge(resolvedBefore: Pipeline.retentionCutoff(months: months, before: now, in: config.timeZone), at: now)
        print("purged mail of tickets resolved more than \(months) month(s) ago: \(summary)")
        return 0
    }

    static func forget(_ args: inout Arguments) throws -> Int32 {
        let config = try loadConfig(&args)
        let address = try args.positional("ADDRESS").trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
        try args.finish()
        guard address.contains("@"), !address.contains(" ") else {
            throw UsageError("ADDRESS must be an email address")
        }
        let summary = try PostdeskStore(path: config.database).forget(address, at: Date())
        print("erased: \(summary)")
        return 0
    }
}
