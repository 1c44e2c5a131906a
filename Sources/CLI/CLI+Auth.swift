import Configuration
import Foundation

extension PostdeskCommand {
    /// `auth login --mailbox|--outbox` and `auth check`; the logic is in AuthCommands.
    static func auth(_ args: inout Arguments) throws -> Int32 {
        let sub = args.next()
        let path = Configuration.defaultPath(args.option("--config"))
        switch sub {
        case "login":
            let endpoints = AuthCommands.Endpoint.allCases.filter { args.flag("--\($0.rawValue)") }
            try args.finish()
            guard endpoints.count == 1 else { throw UsageError("name one of --mailbox or --outbox") }
            let config = try Configuration.load(path: path, requireRefreshTokens: false)
            // Unbuffered: the operator must see the code while the command waits.
            return try AuthCommands.login(config, endpoints[0],
                                          print: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) })
        case "check":
            try args.finish()
            return AuthCommands.check(try Configuration.load(path: path), print: { print($0) })
        default:
            throw UsageError("auth needs login or check")
        }
    }
}
