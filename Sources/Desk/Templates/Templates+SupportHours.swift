extension Templates {
    /// The support-hours notice to a customer's administrators, in the customer's language and form of address:
    /// `level` % (the notice share) or all of the month's bundle used, what was used so far, and that further time
    /// is billed by the hour. Several administrators read it, so the greeting names nobody.
    public static func supportHoursNotice(to customer: Addressee, level: Int, usedMinutes: Int, includedMinutes: Int,
                                          year: Int, month: Int, policy: Policy) -> (subject: String, body: String) {
        let p = phrases(customer)
        let names = BusinessTimeFormat.monthNames[customer.language] ?? BusinessTimeFormat.monthNames["en"]!
        let words = HoursNoticeWords(month: "\(names[month - 1])\(Phrases.noBreak)\(year)", level: level,
                                     included: p.hours(includedMinutes), used: p.hours(usedMinutes),
                                     usedIsOne: usedMinutes == 60)
        let (subject, paragraphs) = p.supportHours(words)
        // No-break spaces keep the body's lines whole; a subject is not wrapped, and plain spaces keep it ASCII.
        return (subject.replacingOccurrences(of: Phrases.noBreak, with: " "),
                customerMail(customer, p, paragraphs, policy: policy, knowledgeBase: false))
    }
}
