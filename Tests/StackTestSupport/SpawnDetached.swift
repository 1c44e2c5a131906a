import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Starts `args` (args[0] an absolute path) so that it can be stopped by its PID and outlives nothing of ours:
/// posix_spawn with an empty signal mask, default dispositions, its own process group, /dev/null on 0–2 and
/// every other descriptor closed (see relRunDaemonStarter in IntegrationTests for why `Process` is not used).
public func spawnDetached(_ args: [String]) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for fd: Int32 in 0...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null",
        fd == 0 ? O_RDONLY : O_WRONLY, 0) }
    // glibc ignores EBADF here, so a descriptor closed meanwhile does no harm.
    let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32(
        $0) }.filter { $0 > 2 }
    for fd in open { posix_spawn_file_actions_addclose(&actions, fd) }
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var none = sigset_t(), all = sigset_t()
    sigemptyset(&none)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attr, &none)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setpgroup(&attr, 0)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
    var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
    defer { for a in argv { free(a) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, args[0], &actions, &attr, &argv, environ)
    guard rc == 0 else { throw LabError("cannot start \(args[0]): \(String(cString: strerror(rc)))") }
    return pid
}
