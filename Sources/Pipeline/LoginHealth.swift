import Foundation
import Store
import Transport

/// A refused mailbox login (a revoked refresh token, a wrong password) is remembered in the store, so that
/// `postdesk health` fails with the server's or the token endpoint's reason instead of only "no poll for N s".
public enum LoginHealth {
    static let key = "login_refused"

    /// Records the refusal in `error`, or clears it after a successful pass (`error` nil). Other errors
    /// (network, backoff) leave the record as it is.
    public static func note(_ error: Error?, store: PostdeskStore, now: Date) {
        if let error {
            guard let e = error as? IMAPError, case .authenticationFailed(let why) = e else { return }
            try? store.setState(key, why, at: now)
        } else if let row = try? store.state(key), !row.value.isEmpty {
            try? store.setState(key, "", at: now)
        }
    }

    /// The problem `health` reports, if the last login was refused.
    public static func problem(_ store: PostdeskStore) -> String? {
        guard let row = try? store.state(key), !row.value.isEmpty else { return nil }
        return "mailbox login refused since \(ISO8601DateFormatter().string(from: row.updatedAt)): \(row.value)"
    }
}
