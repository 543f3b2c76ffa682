import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a running job reports.
public enum JobEvent: Sendable, Equatable {
    /// `done` of `total` steps (replications) finished.
    case progress(done: Int, total: Int)
    /// A line of the job's messages (its standard error, progress lines apart).
    case message(String)
    /// The job ended with this exit status (143 after a cancel).
    case finished(status: Int32)
}

/// A job that has been started and can be stopped.
public protocol RunningJob: Sendable {
    /// Asks the job to stop (SIGTERM for a child process: it removes its unfinished files and
    /// exits 143). A `finished` event follows.
    func cancel()
}

/// Starts jobs: `homeward ARGUMENTS` as a child process in the real workbench, a scripted fake
/// in tests.
public protocol JobRunner: Sendable {
    /// Starts `homeward arguments`, reporting what happens through `events` (from any thread;
    /// `finished` last and exactly once).
    ///
    /// - Throws: when the job cannot be started at all.
    func start(arguments: [String], output: String, events: @escaping @Sendable (JobEvent) -> Void) throws
        -> any RunningJob
}

/// Runs each job as a child process of this same executable, so that a failure or a cancel
/// cannot take the server down: standard output to a file, standard error read line by line
/// (`progress DONE TOTAL` lines from `--progress-lines` become progress, the rest messages).
public struct ProcessJobRunner: JobRunner {
    /// The executable: this process's own (`/proc/self/exe` on Linux).
    public let executable: String

    /// A runner of `executable`.
    public init(executable: String = ProcessJobRunner.ownExecutable) { self.executable = executable }

    /// The running executable's path.
    public static var ownExecutable: String {
        #if os(Linux)
            if let real = realpath("/proc/self/exe", nil) {
                defer { free(real) }
                return String(cString: real)
            }
        #endif
        return Bundle.main.executablePath ?? CommandLine.arguments[0]
    }

    public func start(arguments: [String], output: String, events: @escaping @Sendable (JobEvent) -> Void) throws
        -> any RunningJob
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        // A failure to create it shows as the error of opening it, next.
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardError = pipe
        let lines = LineSplitter { line in
            if let (done, total) = ProgressLine.parse(line) {
                events(.progress(done: done, total: total))
            } else {
                events(.message(line))
            }
        }
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                lines.feed(Array(data))
            }
        }
        process.terminationHandler = { finished in
            pipe.fileHandleForReading.readabilityHandler = nil
            // What is left in the pipe, without waiting: a process the child started may still
            // hold the pipe open, and the job has ended all the same.
            lines.feed(Self.drain(pipe.fileHandleForReading.fileDescriptor))
            lines.flush()
            try? out.close()
            events(.finished(status: finished.terminationStatus))
        }
        try process.run()
        return ChildJob(process: process)
    }
}

extension ProcessJobRunner {
    /// The bytes readable from `fd` now (at most 1 MiB), read without blocking.
    static func drain(_ fd: Int32) -> [UInt8] {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while out.count < 1 << 20 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            out += chunk[0..<n]
        }
        return out
    }
}

/// A child process, stopped with SIGTERM.
struct ChildJob: RunningJob, @unchecked Sendable {  // Process is thread-safe for terminate()
    let process: Process
    func cancel() { if process.isRunning { process.terminate() } }
}

/// The progress lines `homeward run --progress-lines` writes: `progress DONE TOTAL`.
public enum ProgressLine {
    /// DONE and TOTAL of a progress line, or nil for any other line.
    public static func parse(_ line: String) -> (done: Int, total: Int)? {
        let parts = line.split(separator: " ")
        guard parts.count == 3, parts[0] == "progress", let done = Int(parts[1]), let total = Int(parts[2]),
            done >= 0, total > 0, done <= total
        else { return nil }
        return (done, total)
    }
}

/// Splits bytes arriving in pieces into lines (a line over 4 KiB is cut there).
final class LineSplitter: @unchecked Sendable {  // `pending` is read and written only under `lock`
    private let lock = NSLock()
    private var pending: [UInt8] = []
    private let line: @Sendable (String) -> Void

    init(_ line: @escaping @Sendable (String) -> Void) { self.line = line }

    func feed(_ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        for byte in bytes {
            if byte == 10 || pending.count >= 4096 {
                emit()
                if byte == 10 { continue }
            }
            pending.append(byte)
        }
    }

    func flush() {
        lock.lock()
        defer { lock.unlock() }
        if !pending.isEmpty { emit() }
    }

    private func emit() {
        let text = String(decoding: pending, as: UTF8.self).trimmingCharacters(in: ["\r"])
        pending.removeAll(keepingCapacity: true)
        line(text)
    }
}
