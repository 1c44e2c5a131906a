import Foundation
import Transport

/// The I/O half of the file: mailbox, outbox, database and other paths, secrets. Everything `run` would trip
/// over later is found here, before any file is touched.
extension ConfigReader {
    func tlsMode(_ dict: [String: Any], path: String) -> TLSMode? {
        guard let text = string(dict, "tls", path: path, default: "", example: "\"starttls\""), !text.isEmpty else {
            return nil   // from the URL's scheme
        }
        guard let mode = TLSMode(rawValue: text) else {
            issue(path, "\"\(text)\" is not a TLS mode", "use implicit, starttls or none (loopback only)")
            return nil
        }
        return mode
    }

    /// `mechanism`: the SASL mechanism of an endpoint (issue 16); absent = libcurl's choice with a fallback.
    func mechanism(_ dict: [String: Any], path: String) -> AuthMechanism? {
        guard let text = optionalString(dict, "mechanism", path: path, example: "\"plain\"") else { return nil }
        guard let m = AuthMechanism(rawValue: text) else {
            issue(path, "\"\(text)\" is not a mechanism",
                  "use " + AuthMechanism.allCases.map(\.rawValue).joined(separator: ", ") + ", or leave it out")
            return nil
        }
        return m
    }

    /// The password from the environment variable the config names: never from the file, never printed.
    func secret(_ variable: String?, field: String) -> String? {
        guard let variable else { return nil }
        guard !variable.isEmpty else {
            issue(field, "is empty", "name the environment variable that holds the password")
            return nil
        }
        guard let value = environment[variable], !value.isEmpty else {
            issue(field, "names environment variable \(variable), which is not set",
                  "export \(variable)=… before starting postdesk (with systemd: in its EnvironmentFile)")
            return nil
        }
        return value
    }

    /// Transport's own checks (URL, TLS against the host, CA file, HELO name, credentials, folders), each under
    /// its config field; a field already reported (e.g. an unset password variable) is not reported again.
    func report(_ problems: [TransportConfigError], section: String) {
        let fixes = [
            "url": section == "mailbox" ? "write imaps://host:993 or imap://host:143"
                : "write smtp://host:587 (STARTTLS) or smtps://host:465",
            "tls": "use implicit or starttls; none only to localhost, 127.0.0.1 or ::1",
            "caFile": "name a readable PEM file, or leave caFile out to use the system CA store",
            "heloName": "use this host's name, e.g. \"support.example.com\"",
            "username": "set both username and passwordEnv, or neither",
            "password": "set both username and passwordEnv, or neither",
        ]
        for problem in problems {
            let field = "\(section).\(problem.field == "password" ? "passwordEnv" : problem.field)"
            guard !hasIssue(field) else { continue }
            issue(field, problem.message,
                  fixes[problem.field] ?? "use a name without control characters, quotes or backslashes, "
                    + "different from mailbox; separate levels with '/'")
        }
    }

    /// `mailbox.startAt` (issue 16), the same for Maildir and IMAP.
    func startAt(_ m: [String: Any]) -> StartAt {
        let start = string(m, "startAt", path: "mailbox.startAt", default: "new", example: "\"new\"")!
        guard let choice = StartAt(rawValue: start) else {
            issue("mailbox.startAt", "\"\(start)\" is not a choice",
                  "use new (mail already there is imported without replies) or all")
            return .new
        }
        return choice
    }

    func mailboxSettings() -> MailboxSettings? {
        guard let m = object(root, "mailbox", path: "mailbox") else { return nil }
        switch string(m, "kind", path: "mailbox.kind", example: "\"maildir\"") {
        case "maildir":
            guard let path = string(m, "path", path: "mailbox.path", example: "\"state/Maildir\"") else { return nil }
            checkFolder(path, field: "mailbox.path")
            return .maildir(path: path, startAt: startAt(m))
        case "imap":
            // With oauth2 (OAuth2Config.swift) no password is read.
            let oauth2 = oauth2(m, path: "mailbox")
            let passwordEnv = oauth2 != nil ? nil : string(m, "passwordEnv", path: "mailbox.passwordEnv",
                                                           example: "\"POSTDESK_IMAP_PASSWORD\"")
            var settings = IMAPSettings(
                url: string(m, "url", path: "mailbox.url", example: "\"imaps://imap.example.com:993\"") ?? "",
                username: string(m, "username", path: "mailbox.username", example: "\"support@example.com\"") ?? "",
                password: secret(passwordEnv, field: "mailbox.passwordEnv") ?? "",
                tls: tlsMode(m, path: "mailbox.tls"),
                caFile: optionalString(m, "caFile", path: "mailbox.caFile", example: "\"/etc/ssl/certs/ca.pem\""),
                mailbox: string(m, "mailbox", path: "mailbox.mailbox", default: "INBOX", example: "\"INBOX\"")!,
                processedFolder: string(m, "processedFolder", path: "mailbox.processedFolder",
                                        default: "Postdesk/Processed", example: "\"Postdesk/Processed\"")!,
                quarantineFolder: string(m, "quarantineFolder", path: "mailbox.quarantineFolder",
                                         default: "Postdesk/Quarantine", example: "\"Postdesk/Quarantine\"")!)
            settings.oauth2 = oauth2
            settings.mechanism = mechanism(m, path: "mailbox.mechanism")
            settings.startAt = startAt(m)
            report(settings.problems(), section: "mailbox")
            return .imap(settings)
        case let other?:
            issue("mailbox.kind", "\"\(other)\" is not a mailbox kind", "use \"maildir\" or \"imap\"")
            return nil
        case nil:
            return nil
        }
    }

    func outboxSettings() -> OutboxSettings? {
        guard let o = object(root, "outbox", path: "outbox") else { return nil }
        switch string(o, "kind", path: "outbox.kind", example: "\"files\"") {
        case "files":
            guard let path = string(o, "path", path: "outbox.path", example: "\"state/outbox\"") else { return nil }
            checkFolder(path, field: "outbox.path")
            return .files(path: path)
        case "smtp":
            let oauth2 = oauth2(o, path: "outbox")
            let passwordEnv = oauth2 != nil ? nil : optionalString(o, "passwordEnv", path: "outbox.passwordEnv",
                                                                   example: "\"POSTDESK_SMTP_PASSWORD\"")
            var settings = SMTPSettings(
                url: string(o, "url", path: "outbox.url", example: "\"smtp://smtp.example.com:587\"") ?? "",
                username: optionalString(o, "username", path: "outbox.username", example: "\"support@example.com\""),
                password: secret(passwordEnv, field: "outbox.passwordEnv"),
                tls: tlsMode(o, path: "outbox.tls"),
                caFile: optionalString(o, "caFile", path: "outbox.caFile", example: "\"/etc/ssl/certs/ca.pem\""),
                heloName: string(o, "heloName", path: "outbox.heloName", default: "postdesk.localdomain",
                                 example: "\"postdesk.example.com\"")!)
            settings.oauth2 = oauth2
            settings.mechanism = mechanism(o, path: "outbox.mechanism")
            settings.verp = bool(o, "verp", path: "outbox.verp", default: true)
            report(settings.problems(), section: "outbox")
            return .smtp(settings)
        case let other?:
            issue("outbox.kind", "\"\(other)\" is not an outbox kind", "use \"files\" or \"smtp\"")
            return nil
        case nil:
            return nil
        }
    }

    /// The database file: not a folder, writable if it exists, else creatable (the store makes its folder).
    func checkDatabase(_ path: String, field: String) {
        guard path != ":memory:" else { return }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue {
                issue(field, "\"\(path)\" is a folder",
                      "name the database file inside it, e.g. \"\(path)/postdesk.sqlite\"")
            } else if access(path, R_OK | W_OK) != 0 {
                issue(field, "\"\(path)\" cannot be read and written", "give the postdesk user access to the file")
            }
            return
        }
        checkCreatable(path, field: field)
    }

    /// A folder the worker uses (Maildir, outbox): a folder if it exists, else creatable.
    func checkFolder(_ path: String, field: String) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            if !isDirectory.boolValue {
                issue(field, "\"\(path)\" is a file, not a folder", "name a folder")
            } else if access(path, W_OK) != 0 {
                issue(field, "folder \"\(path)\" is not writable", "give postdesk write access")
            }
            return
        }
        checkCreatable(path, field: field)
    }

    /// Something not there yet can be made when its nearest existing ancestor is a writable folder.
    func checkCreatable(_ path: String, field: String) {
        var url = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        while !FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), url.path != "/" {
            url.deleteLastPathComponent()
        }
        let ancestor = url.path
        if !isDirectory.boolValue {
            issue(field, "\"\(ancestor)\" is a file, so \"\(path)\" cannot be created", "choose a path inside a folder")
        } else if access(ancestor, W_OK) != 0 {
            issue(field, "folder \"\(ancestor)\" is not writable, so \"\(path)\" cannot be created",
                  "choose a folder postdesk may write to (with systemd: its StateDirectory)")
        }
    }
}
