import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs the built `homeward` executable as a child process, to see what the shell sees: the
/// exit status or signal and standard error, optionally under a memory limit.
enum Subprocess {
    struct Outcome {
        /// The exit status, or nil when a signal ended the process.
        var status: Int32?
        /// The signal that ended the process, if one did.
        var signal: Int32?
        var stderr: String
    }

    /// Where standard output goes.
    enum Output {
        case file(String)
        /// The read end of a pipe closed before the child starts (writes fail with EPIPE).
        case closedPipe
        /// No standard output at all (descriptor 1 closed).
        case closed
    }

    /// The `homeward` executable built beside the test bundle (`swift build --build-tests`
    /// builds both into the same folder).
    static var binary: String? {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<4 {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("homeward").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        let fallback = Fixtures.repositoryRoot + "/.build/debug/homeward"
        return FileManager.default.isExecutableFile(atPath: fallback) ? fallback : nil
    }

    /// Runs `homeward ARGS` with standard output sent to `output` and standard error captured.
    ///
    /// With `memoryLimit`, the child runs under that limit of address space (`ulimit -v`, set
    /// by `/bin/sh` before it execs the binary): resident memory can only be less, so a command
    /// that completes under it has shown its bound. (`ru_maxrss` cannot show it: a child started
    /// by fork or vfork reports at least its parent's, the test process's, peak.) With
    /// `directory`, the child runs in that folder (relative paths in `args` are relative to it).
    static func run(
        _ args: [String], stdout output: Output, memoryLimit: Int? = nil, directory: String? = nil
    ) throws -> Outcome {
        guard let binary else { throw CocoaError(.fileNoSuchFile) }
        var program = binary
        var arguments = [binary] + args
        if memoryLimit != nil || directory != nil {
            var script = ""
            if let directory { script += "cd '\(directory.replacingOccurrences(of: "'", with: "'\\''"))' && " }
            if let memoryLimit { script += "ulimit -v \(memoryLimit / 1024) && " }
            program = "/bin/sh"
            arguments = ["/bin/sh", "-c", script + "exec \"$0\" \"$@\"", binary] + args
        }
        let errPath = NSTemporaryDirectory() + "homeward-stderr-" + UUID().uuidString
        defer { unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var pipeEnds: [Int32] = [-1, -1]
        switch output {
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .closedPipe:
            guard pipe(&pipeEnds) == 0 else { throw CocoaError(.fileWriteUnknown) }
            close(pipeEnds[0])
            posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
            posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
        case .closed:
            posix_spawn_file_actions_addclose(&actions, 1)
        }
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        // The child starts with SIGPIPE at its default (a shell does that), whatever the test runner set.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
        guard spawned == 0 else { throw CocoaError(.fileReadUnknown) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signalled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        return Outcome(
            status: signalled ? nil : (status >> 8) & 0xff, signal: signalled ? status & 0x7f : nil,
            stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
