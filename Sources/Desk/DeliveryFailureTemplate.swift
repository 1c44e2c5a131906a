extension Templates {
    /// For staff (English, like every staff notice): a mail of ours will not be delivered.
    public static func deliveryFailure(recipients: [String], subject: String, messageID: String, why: String) -> String {
        """
        A mail from Postdesk could not be delivered and will not be retried.

        Recipients: \(recipients.joined(separator: ", "))
        Subject:    \(subject)
        Message-ID: <\(messageID)>
        Server said: \(why)
        """
    }
}
