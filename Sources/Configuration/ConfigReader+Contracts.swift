import Foundation

/// What the contracts sell beyond reaction targets: the monthly support-hour bundle; GDPR retention.
extension ConfigReader {
    /// `supportHoursPerMonth` of a plan or customer (the Danish catalogue: 2, 5 or 10); absent: no bundle.
    func supportHours(_ dict: [String: Any], path: String) -> Double? {
        let field = path + ".supportHoursPerMonth"
        guard value(dict, "supportHoursPerMonth", path: field) != nil else { return nil }
        return number(dict, "supportHoursPerMonth", path: field, default: 0, range: 0...744)
    }

    /// `supportHoursNoticeAdministrators` of a plan or customer: the administrators get the notices too; nil when
    /// absent (a customer then follows its plan, a plan is off).
    func supportHoursAdministrators(_ dict: [String: Any], path: String) -> Bool? {
        let field = path + ".supportHoursNoticeAdministrators"
        guard value(dict, "supportHoursNoticeAdministrators", path: field) != nil else { return nil }
        return bool(dict, "supportHoursNoticeAdministrators", path: field, default: false)
    }

    /// `"retention": { "months": 24 }`: mail and files of tickets resolved longer ago are purged.
    func retentionMonths() -> Int? {
        guard let r = object(root, "retention", path: "retention", required: false) else { return nil }
        guard value(r, "months", path: "retention.months") != nil else {
            issue("retention.months", "is missing", "add \"months\": 24 (months after resolution)")
            return nil
        }
        let months = number(r, "months", path: "retention.months", default: 24, range: 1...1200)
        if months != months.rounded() { issue("retention.months", "must be whole months", "write e.g. 24") }
        return Int(months)
    }
}
