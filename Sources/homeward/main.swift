// The `homeward` executable only starts the command line (HomewardCLI); the work is in HomewardKit.
import Foundation
import HomewardCLI
import HomewardKit

// First, before any file descriptor is opened: a closed standard output or error keeps its
// number (see Console.prepareStandardStreams).
Console.prepareStandardStreams()
// Ctrl-C and SIGTERM remove unfinished files and exit 130 / 143 (see Output/OutputRegistry.swift).
OutputRegistry.installInterruptHandlers()
exit(HomewardCLI.main(Array(CommandLine.arguments.dropFirst())))
