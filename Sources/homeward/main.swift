// The `homeward` executable only talks to the shell; all the work is in HomewardKit.
import Foundation
import HomewardKit

exit(HomewardCLI.main(Array(CommandLine.arguments.dropFirst())))
