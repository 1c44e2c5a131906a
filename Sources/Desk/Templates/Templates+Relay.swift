import MIME

extension Templates {
    /// The staff member's reply as the customer receives it, signed with their name and the support desk's — their
    /// name only when they did not sign the text themselves. Their text is theirs: it is not re-wrapped.
    public static func relay(text: String, staff: Address, policy: Policy) -> String {
        let desk = policy.supportAddress.name ?? policy.supportAddress.email
        if SignOff.isSigned(text, by: staff) { return "\(text)\n\n-- \n\(desk)" }
        let name = staff.name.flatMap { $0.isEmpty ? nil : $0 } ?? staff.email
        return "\(text)\n\n-- \n\(name)\n\(desk)"
    }
}
