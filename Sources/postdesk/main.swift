import Foundation
import Worker

exit(PostdeskCommand.main(Array(CommandLine.arguments.dropFirst())))
