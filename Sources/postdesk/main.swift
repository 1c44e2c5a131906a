import Foundation
import CLI

// A mail server closing a connection mid-write must surface as an error (and a retry), not kill the worker.
signal(SIGPIPE, SIG_IGN)
exit(PostdeskCommand.main(Array(CommandLine.arguments.dropFirst())))
