import Desk
import Foundation
import Store

extension Pipeline {
    /// After time is logged: the customer's month so far against the bundle; each level's notice once a month
    /// (remembered in worker_state, in the same transaction as the queued mail).
    func noticeSupportHours(customerID: String?, at now: Date) throws {
        let policy = config.policy
        guard let id = customerID, let customer = policy.customer(id: id),
              let hours = policy.supportHoursPerMonth(for: customer) else { return }
        let staff = SupportHoursNotice.recipients(customer, policy: policy)
        let administrators = policy.noticesAdministrators(customer) && !customer.administrators.isEmpty
        guard !staff.isEmpty || administrators else { return }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = config.timeZone
        let parts = calendar.dateComponents([.year, .month], from: now)
        guard let from = calendar.date(from: parts), let to = calendar.date(byAdding: .month, value: 1, to: from),
              let year = parts.year, let monthNumber = parts.month else { return }
        let month = String(format: "%04d-%02d", year, monthNumber)
        let used = try store.timeRows(from: from, to: to).filter { $0.customer == id }.reduce(0) { $0 + $1.minutes }
        let share = policy.plan(named: customer.plan)?.supportHoursNoticeShare ?? 0.8
        let levels = [Int((share * 100).rounded()), 100]
        func key(_ level: Int) -> String { "support-hours-notice \(id) \(month) \(level)" }
        let sent = Set(try levels.filter { try store.state(key($0)) != nil })
        let included = Int((hours * 60).rounded())
        guard let level = SupportHoursNotice.due(usedMinutes: used, includedMinutes: included, share: share,
                                                 sent: sent) else { return }
        var mails: [QueuedMail] = []
        if !staff.isEmpty {
            mails.append(QueuedMail(.supportHoursNotice, SupportHoursNotice.mail(
                customer: customer, level: level, usedMinutes: used, includedMinutes: included, month: month,
                policy: policy, at: now, messageID: makeMessageID())))
        }
        if administrators {
            let language = try customer.language ?? store.latestTicketLanguage(customerID: id) ?? "en"
            mails.append(QueuedMail(.supportHoursCustomerNotice, SupportHoursNotice.administratorMail(
                customer: customer, level: level, usedMinutes: used, includedMinutes: included, year: year,
                month: monthNumber, language: language, policy: policy, at: now, messageID: makeMessageID())))
        }
        try enqueue(mails, ticketID: nil, at: now)
        // Reaching 100 % first also settles the lower notice: it would come late and say less.
        for l in levels where l <= level { try store.setState(key(l), "sent", at: now) }
        log.info("support_hours.notice", [("customer", id), ("month", month), ("level", "\(level)"),
                                          ("administrators", administrators ? "yes" : "no")])
    }
}
