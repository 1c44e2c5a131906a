/// Which customer follow-ups get a short confirmation (`confirmFollowUps`, per customer or for the desk). A
/// follow-up that reopens a resolved ticket is confirmed by default: the customer should know the closed case is
/// being looked at again. One that joins an open ticket is not: in a running conversation a mail after every reply
/// is noise.
public struct FollowUpConfirmations: Sendable, Equatable {
    public var reopen: Bool
    public var join: Bool

    public init(reopen: Bool = true, join: Bool = false) {
        self.reopen = reopen
        self.join = join
    }
}
