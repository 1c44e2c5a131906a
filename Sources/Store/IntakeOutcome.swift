/// What became of a mailbox item, as the intake log records it.
public enum IntakeOutcome: String, Sendable {
    case ticket, followUp = "follow-up", rejected, ignored, quarantined, duplicate
}
