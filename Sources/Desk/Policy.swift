import Foundation
import MIME

/// A support plan: opening hours and the reaction target per priority (nil = best effort, no clock).
public struct SupportPlan: Sendable {
    public var name: String
    public var calendar: BusinessCalendar
    /// Business minutes per priority; a missing entry means best effort.
    public var targets: [Priority: Int]
    /// The share of the target at which the warning goes out (0.75 = at 75 %).
    public var warningShare: Double
    /// Human-readable opening hours for mails, e.g. "Mon–Fri 09:00–17:00".
    public var hoursText: [String: String]
    /// Support hours a month included in the plan (the Danish catalogue sells 2, 5 or 10); nil: none.
    public var supportHoursPerMonth: Double?
    /// The share of the bundle at which the CSM hears first (then again at 100 %).
    public var supportHoursNoticeShare = 0.8
    /// Whether the customers' administrators get the support-hours notices too (default off).
    public var supportHoursNoticeAdministrators = false
    /// The døgnvagt paged for urgent tickets outside opening hours; nil: none in this plan.
    public var onCall: OnCall?
    /// Copy refusals of a customer's non-administrators to its administrators (a customer's own setting wins).
    public var copyRefusalsToAdministrators = false

    public init(name: String, calendar: BusinessCalendar, targets: [Priority: Int], warningShare: Double = 0.75,
                hoursText: [String: String] = [:], supportHoursPerMonth: Double? = nil) {
        self.name = name
        self.calendar = calendar
        self.targets = targets
        self.warningShare = warningShare
        self.hoursText = hoursText
        self.supportHoursPerMonth = supportHoursPerMonth
    }

    /// Standard: Mon–Fri 09–17, every request answered within 12 working hours (P5 included).
    public static func standard(holidays: DanishHolidays = DanishHolidays()) -> SupportPlan {
        SupportPlan(name: "standard", calendar: .standard(holidays: holidays),
            targets: [.p1: 720, .p2: 720, .p3: 720, .p4: 720, .p5: 720])
    }

    /// Extended: Mon–Fri 08–22; P1 2 h, P2 4 h, P3 12 h, P4 24 h, P5 best effort (no clock).
    public static func extended(holidays: DanishHolidays = DanishHolidays()) -> SupportPlan {
        SupportPlan(name: "extended", calendar: .extended(holidays: holidays),
            targets: [.p1: 120, .p2: 240, .p3: 720, .p4: 1440])
    }

    /// Reaction target in business minutes, nil for best effort.
    public func targetMinutes(for priority: Priority) -> Int? { targets[priority] }

    /// The deadline for a message received at `start`, or nil when the plan sets no target.
    public func deadline(for priority: Priority, from start: Date) -> Date? {
        instant(at: 1, of: priority, from: start)
    }

    /// When the warning is due: the warning share of the target, in business time.
    public func warningTime(for priority: Priority, from start: Date) -> Date? {
        instant(at: warningShare, of: priority, from: start)
    }

    /// The instant at which `share` of the target has elapsed in business time (whole minutes, rounded down).
    public func instant(at share: Double, of priority: Priority, from start: Date) -> Date? {
        targets[priority].map { calendar.adding(minutes: Int((Double($0) * share).rounded(.down)), to: start) }
    }

    /// Opening hours as written in mails: the configured text, else generated from the calendar.
    public func openingHours(language: String) -> String {
        hoursText[language] ?? BusinessTimeFormat.openingHours(calendar, language: language)
    }
}

/// A customer organisation: who may open tickets, its plan and its Customer Success Manager.
public struct Customer: Sendable, Equatable {
    public var id: String
    public var name: String
    public var domains: [String]
    /// Only these users may open tickets (the providers' terms).
    public var administrators: [String]
    public var plan: String
    public var csm: Address?
    /// Preferred language for mails ("da", "en", "de", "nl"); nil = detect from the mail.
    public var language: String?
    /// `du`/`De`, `Sie`/`du`, `u`/`je` in mails to this customer; nil = the language's usual form (`Formality.usual`).
    public var formality: Formality?
    /// Known salutations by lower-cased address, for "Guten Tag Herr Wagner,"; without one the greeting is neutral.
    public var salutations: [String: Salutation]
    /// Support hours a month in this customer's contract; overrides the plan's.
    public var supportHoursPerMonth: Double?
    /// Whether the administrators get the support-hours notices too; nil: as the plan says.
    public var supportHoursNoticeAdministrators: Bool?
    /// Which follow-ups of this customer's are confirmed; nil: the desk's setting.
    public var confirmFollowUps: FollowUpConfirmations?
    /// Copy a refusal of this customer's non-administrators to its administrators; nil: as the plan says.
    public var copyRefusalsToAdministrators: Bool?

    public init(id: String, name: String, domains: [String], administrators: [String], plan: String,
                csm: Address? = nil, language: String? = nil, formality: Formality? = nil,
                salutations: [String: Salutation] = [:], supportHoursPerMonth: Double? = nil) {
        self.supportHoursPerMonth = supportHoursPerMonth
        self.id = id
        self.name = name
        self.domains = domains.map { $0.lowercased() }
        self.administrators = administrators.map { $0.lowercased() }
        self.plan = plan
        self.csm = csm
        self.language = language
        self.formality = formality
        self.salutations = Dictionary(salutations.map { ($0.key.lowercased(), $0.value) }) { a, _ in a }
    }
}

/// What to do with mail from senders we do not know.
public enum UnknownSenderPolicy: String, Sendable, CaseIterable {
    case open, reply, quarantine
}

/// Everything the desk decides by: addresses, plans, customers, staff. Pure data, read from config.
public struct Policy: Sendable {
    public var supportAddress: Address
    public var referencePrefix: String
    public var plans: [String: SupportPlan]
    public var customers: [Customer]
    public var staffAddresses: [String]
    public var staffDomains: [String]
    /// Who hears about new tickets (staff notification).
    public var staffNotify: [Address]
    /// Receives standard-plan warnings and every breach.
    public var teamLead: Address?
    public var unknownSenders: UnknownSenderPolicy
    /// Plan for senders outside any customer when `unknownSenders == .open`.
    public var defaultPlan: String
    public var defaultPriority: Priority
    public var reopenDays: Int
    /// A customer follow-up on an answered ticket starts a new reaction clock.
    public var restartClockOnFollowUp: Bool
    public var knowledgeBaseURL: String?
    public var maxMessageBytes: Int
    public var autoReplyLimitPerHour: Int
    /// Refusals and oversized notices to anyone per hour: forged senders must not turn us into a mailer.
    public var refusalLimitPerHour: Int
    /// Customer attachments sent with a staff notification, in bytes in all; the rest are named with the command.
    public var notificationAttachmentLimit: Int
    /// When set, staff mail counts only with DKIM or SPF pass for the staff domain in an
    /// Authentication-Results header from this authserv-id (our receiving server).
    public var staffAuthservID: String?
    /// The configured zone: times in mails and the offset of their Date header.
    public var timeZone: TimeZone
    /// Staff away by configuration (normalized); `#away` by mail adds to these. An away owner's follow-ups go to
    /// the notify list.
    public var awayStaff: [String] = []
    /// The short "answered by" note to the notify list: each, gathered daily, or off.
    public var answeredNotes: AnsweredNotes = .each
    /// Notices to one person within this many seconds go out as one digest (0: each alone).
    public var noticeDigestSeconds: Double = 300
    /// Which customer follow-ups are confirmed, unless the customer says otherwise.
    public var confirmFollowUps = FollowUpConfirmations()
    /// Minutes after midnight (in `timeZone`) when the daily refused-mail digest goes out; nil: never.
    public var refusedDigestMinute: Int? = 8 * 60

    public init(supportAddress: Address, referencePrefix: String = "PD", plans: [String: SupportPlan],
                customers: [Customer] = [], staffAddresses: [String] = [], staffDomains: [String] = [],
                staffNotify: [Address] = [], teamLead: Address? = nil, unknownSenders: UnknownSenderPolicy = .reply,
                defaultPlan: String = "standard", defaultPriority: Priority = .p3, reopenDays: Int = 14,
                restartClockOnFollowUp: Bool = true, knowledgeBaseURL: String? = nil,
                maxMessageBytes: Int = 25 * 1024 * 1024, autoReplyLimitPerHour: Int = 10,
                staffAuthservID: String? = nil, refusalLimitPerHour: Int = 60,
                notificationAttachmentLimit: Int = 10 * 1024 * 1024, timeZone: TimeZone? = nil) {
        self.supportAddress = supportAddress
        self.referencePrefix = referencePrefix
        self.plans = plans
        self.customers = customers
        self.staffAddresses = staffAddresses.map { $0.lowercased() }
        self.staffDomains = staffDomains.map { $0.lowercased() }
        self.staffNotify = staffNotify
        self.teamLead = teamLead
        self.unknownSenders = unknownSenders
        self.defaultPlan = defaultPlan
        self.defaultPriority = defaultPriority
        self.reopenDays = reopenDays
        self.restartClockOnFollowUp = restartClockOnFollowUp
        self.knowledgeBaseURL = knowledgeBaseURL
        self.maxMessageBytes = maxMessageBytes
        self.autoReplyLimitPerHour = autoReplyLimitPerHour
        self.staffAuthservID = staffAuthservID
        self.refusalLimitPerHour = refusalLimitPerHour
        self.notificationAttachmentLimit = notificationAttachmentLimit
        // Every plan's calendar is in the configured zone; without plans there is nothing to show times for.
        self.timeZone = timeZone ?? plans.values.first?.calendar.timeZone ?? TimeZone(identifier: "UTC")!
    }

    public func plan(named name: String) -> SupportPlan? { plans[name] }

    /// The customer's own `confirmFollowUps`, else the desk's.
    public func confirmations(for customer: Customer?) -> FollowUpConfirmations {
        customer?.confirmFollowUps ?? confirmFollowUps
    }

    public func customer(id: String?) -> Customer? {
        guard let id else { return nil }
        return customers.first { $0.id == id }
    }

    /// Support agents: the configured staff addresses and domains. Only their answers reach customers by default.
    public func isAgent(_ email: String) -> Bool {
        let e = email.lowercased()
        if staffAddresses.contains(e) { return true }
        let domain = Address(email: e).domain
        return !domain.isEmpty && staffDomains.contains(domain)
    }

    /// Staff: configured addresses and domains, plus the team lead, every CSM (they answer escalations) and the
    /// on-call rotas' addresses (an SMS gateway's answer to a page is the on-call's, never a customer's).
    public func isStaff(_ email: String) -> Bool {
        let e = email.lowercased()
        return isAgent(e) || teamLead?.normalized == e || customers.contains(where: { $0.csm?.normalized == e })
            || plans.values.contains { $0.onCall?.addresses.contains { $0.normalized == e } == true }
    }

    /// Who a sender is to the desk.
    public func role(of address: Address) -> SenderRole {
        let email = address.normalized
        if email == supportAddress.normalized { return .ourselves }
        if isStaff(email) { return .staff }
        if let customer = customers.first(where: { $0.administrators.contains(email) }) { return .administrator(
            customer) }
        if let customer = customers.first(where: { $0.domains.contains(address.domain) }) { return .customerUser(
            customer) }
        return .unknown
    }
}

/// The sender's standing, from the policy.
public enum SenderRole: Sendable, Equatable {
    case ourselves
    case staff
    case administrator(Customer)
    /// A user at a customer domain who is not an administrator: may not open tickets.
    case customerUser(Customer)
    case unknown
}
