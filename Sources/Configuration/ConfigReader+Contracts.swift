import Foundation

/// What the contracts sell beyond reaction targets: the monthly support-hour bundle.
extension ConfigReader {
    /// `supportHoursPerMonth` of a plan or customer (the Danish catalogue: 2, 5 or 10); absent: no bundle.
    func supportHours(_ dict: [String: Any], path: String) -> Double? {
        let field = path + ".supportHoursPerMonth"
        guard value(dict, "supportHoursPerMonth", path: field) != nil else { return nil }
        return number(dict, "supportHoursPerMonth", path: field, default: 0, range: 0...744)
    }
}
