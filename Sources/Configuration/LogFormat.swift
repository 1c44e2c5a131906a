/// How log lines are written; read from `log.format`.
public enum LogFormat: String, Sendable, CaseIterable {
    case logfmt, json
}
