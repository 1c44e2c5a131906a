/// How the notify list hears that a ticket was answered: a note each time, one gathered mail a day, or not at all.
public enum AnsweredNotes: String, Sendable, CaseIterable {
    case each, daily, off
}
