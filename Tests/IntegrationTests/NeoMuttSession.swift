import Foundation
import StackTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// NeoMutt in a tmux session of its own, as one stack user: IMAPS to Dovecot (the stack's CA), submission with
/// STARTTLS and AUTH to Postfix. Keys go in with `tmux send-keys`; the screen is read with `capture-pane` and
/// polled with a deadline. Mail text is written by `$editor`, a small script that puts `text` into the file
/// NeoMutt hands it — at the top (`above`: the attribution lands directly under it), under the quote
/// (`below`), or instead of the file (`replace`, a new mail) — which is what a person's editor would leave.
final class NeoMuttSession {
    enum Placement: String { case replace, above, below }

    static let tmux = "tmux"
    /// Where `program` is in PATH.
    static func which(_ program: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    /// Why the NeoMutt tests skip, or nil when both programs are installed.
    static let missing: String? = which("neomutt") != nil && which(tmux) != nil ? nil
        : "neomutt or tmux is missing: the NeoMutt stack tests skipped (apt-get install neomutt tmux)"

    let user: String
    let session: String
    let dir: URL
    /// The tmux server's socket, in `dir` (so no stale socket outlives the test's folder).
    var socket: String { dir.appendingPathComponent("tmux.sock").path }

    /// `folder`: the IMAP folder NeoMutt opens (INBOX unless given).
    init(_ stack: MailStack, user: String, fullName: String, dir parent: URL, folder: String = "INBOX") throws {
        self.user = user
        session = "pd-\(stackToken())"
        dir = parent.appendingPathComponent("neomutt-\(user)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("cache"),
                                                withIntermediateDirectories: true)
        let editor = dir.appendingPathComponent("editor.sh")
        try Self.editorScript.write(to: editor, atomically: true, encoding: .utf8)
        chmod(editor.path, 0o700)
        let domain = user.split(separator: "@")[1]
        let rc = """
            set imap_user="\(user)"
            set imap_pass="\(stack.password)"
            set folder="imaps://\(stack.host):\(stack.imapsPort)/"
            set spoolfile="+INBOX"
            set record=""
            set postponed="\(dir.path)/postponed"
            set smtp_url="smtp://\(user)@\(stack.host):\(stack.submissionPort)/"
            set smtp_pass="\(stack.password)"
            set ssl_starttls=yes
            set ssl_force_tls=yes
            set ssl_ca_certificates_file="\(stack.cacert)"
            set ssl_verify_host=no
            set certificate_file="\(dir.path)/certificates"
            set from="\(fullName) <\(user)>"
            set use_from=yes
            set hostname="\(domain)"
            set editor="\(editor.path) \(dir.path)"
            set charset="utf-8"
            set send_charset="utf-8"
            set sort=threads
            set include=yes
            set fast_reply=yes
            set reply_to=yes
            set askcc=no
            set abort_noattach=no
            set sleep_time=0
            set wait_key=no
            set mail_check_stats=no
            set header_cache="\(dir.path)/cache"
            set message_cachedir="\(dir.path)/cache"
            set attribution="On %d, %n wrote:"
            """
        try rc.write(to: dir.appendingPathComponent("muttrc"), atomically: true, encoding: .utf8)
        // Not through `shell` or `Process`: the tmux server forked here would keep their pipe open and their
        // blocked signals (SIGTERM then cannot stop it).
        let client = try spawnDetached([Self.which(Self.tmux) ?? "/usr/bin/tmux", "-S", socket, "new-session",
                                        "-d", "-s", session, "-x", "160", "-y", "50", "-e", "LANG=C.UTF-8",
                                        "-e", "LC_ALL=C.UTF-8", "neomutt -F \(dir.path)/muttrc -f '+\(folder)'"])
        var status: Int32 = 0
        guard waitpid(client, &status, 0) == client, status == 0 else {
            throw ITError.failed("tmux new-session failed (wait status \(status))")
        }
        serverPID = pid_t(try shell([Self.tmux, "-S", socket, "display-message", "-p", "#{pid}"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        try waitFor("NeoMutt: ", what: "NeoMutt's index")
    }

    /// The tmux server, stopped by its PID too should its socket be gone with the test's folder.
    private var serverPID: pid_t = 0

    deinit {
        _ = try? shell([Self.tmux, "-S", socket, "kill-server"])
        if serverPID > 0, kill(serverPID, 0) == 0 { kill(serverPID, SIGTERM) }
    }

    /// The editor: `$1/text` placed as `$1/placement` says into the mail file `$2`.
    static let editorScript = """
        #!/bin/sh
        set -e
        case "$(cat "$1/placement")" in
          replace) cat "$1/text" > "$2" ;;
          below) printf '\\n' >> "$2"; cat "$1/text" >> "$2" ;;
          above) cat "$1/text" "$2" > "$2.new"; cat "$2.new" > "$2"; rm -f "$2.new" ;;
        esac

        """

    /// What the editor writes next.
    func willWrite(_ text: String, _ placement: Placement) throws {
        try text.write(to: dir.appendingPathComponent("text"), atomically: true, encoding: .utf8)
        try placement.rawValue.write(to: dir.appendingPathComponent("placement"), atomically: true, encoding: .utf8)
    }

    /// Key names as tmux knows them (`Enter`, `Escape`, `r`).
    func keys(_ names: String...) throws { try tmux(["send-keys", "-t", session] + names) }

    /// Text typed at a prompt, then Enter.
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", session, "-l", text])
        try keys("Enter")
    }

    var screen: String { (try? shell([Self.tmux, "-S", socket, "capture-pane", "-p", "-t", session]).output) ?? "" }

    /// Polls the screen until it shows `text`; throws with the screen after `timeout`.
    @discardableResult
    func waitFor(_ text: String, what: String? = nil, timeout: Double = 30) throws -> String {
        var last = ""
        if waitUntil(timeout, every: 0.2, { last = screen; return last.contains(text) }) { return last }
        throw ITError.failed("NeoMutt as \(user): no \(what ?? "\"\(text)\"") within \(timeout) s; screen:\n\(last)")
    }

    /// From the compose screen: `y`, then NeoMutt's "Mail sent".
    func send() throws {
        try waitFor("y:Send", what: "compose screen")
        try keys("y")
        var last = ""
        let sent = waitUntil(60, every: 0.2) {
            last = screen
            return last.contains("Mail sent") && !last.contains("y:Send")
        }
        if !sent { throw ITError.failed("NeoMutt as \(user): no \"Mail sent\" within 60 s; screen:\n\(last)") }
    }

    private func tmux(_ args: [String]) throws {
        let (status, output) = try shell([Self.tmux, "-S", socket] + args)
        guard status == 0 else { throw ITError.failed("tmux \(args.joined(separator: " ")): \(output)") }
    }
}
