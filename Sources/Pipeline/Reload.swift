import Configuration
import Desk
import Foundation
import Synchronization

/// SIGHUP (systemd's `ExecReload`): a request to re-read the configuration file, taken by the service loop
/// between passes, so a pass never sees two policies.
public final class ReloadSignal: Sendable {
    private let requested = Atomic<Bool>(false)
    private let queue = DispatchQueue(label: "postdesk.reload")

    public init() {}

    public var isRequested: Bool { requested.load(ordering: .acquiring) }

    public func request() { requested.store(true, ordering: .releasing) }

    /// Whether a reload was asked for since the last call.
    public func take() -> Bool { requested.exchange(false, ordering: .acquiringAndReleasing) }

    /// Keep the returned source alive for as long as SIGHUP should reload.
    public func install() -> DispatchSourceSignal { handleSignal(SIGHUP, on: queue) { [self] in request() } }
}

extension Pipeline {
    /// Re-reads `config.file` with the same load as start-up (every check, secrets included). A file with any
    /// issue changes nothing: the old configuration stays and each issue is logged.
    @discardableResult
    public func reloadConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        do {
            reload(try Configuration.load(path: config.file, environment: environment))
            return true
        } catch let errors as ConfigErrors {
            log.error("config.reload_refused", [("file", config.file), ("issues", "\(errors.issues.count)"),
                                                 ("kept", "the running configuration")])
            for issue in errors.issues {
                log.error("config.issue", [("field", issue.field), ("problem", issue.problem), ("fix", issue.fix)])
            }
        } catch {
            log.error("config.reload_refused", [("file", config.file), ("error", "\(error)")])
        }
        return false
    }

    /// Takes the new policy (customers, administrators, staff, plans, rules) and the loop's settings; the
    /// database, mailbox, outbox and log are open already and change only with a restart, which is logged.
    public func reload(_ new: Configuration) {
        var next = new
        var needRestart: [String] = []
        if new.database != config.database { needRestart.append("database"); next.database = config.database }
        if new.mailbox != config.mailbox { needRestart.append("mailbox"); next.mailbox = config.mailbox }
        if new.outbox != config.outbox { needRestart.append("outbox"); next.outbox = config.outbox }
        if new.log != config.log { needRestart.append("log"); next.log = config.log }
        if new.metricsListen != config.metricsListen {
            needRestart.append("metrics.listen")
            next.metricsListen = config.metricsListen
        }
        config = next
        decider = Decider(policy: next.policy)
        log.info("config.reloaded", [("file", next.file), ("plans", "\(next.policy.plans.count)"),
                                     ("customers", "\(next.policy.customers.count)")])
        if !needRestart.isEmpty {
            log.warning("config.restart_needed", [("changed", needRestart.joined(separator: ",")),
                                                  ("until_restart", "the running settings stay")])
        }
    }
}
