import Foundation

/// One job of the workbench: a run of a scenario, or a comparison of a variant with its base.
public struct Job: Sendable, Equatable {
    /// Where a job is in its life.
    public enum State: String, Sendable {
        case running, succeeded, failed, cancelled
    }

    /// An unguessable id (128 random bits, hex): the job's address and its results folder's name.
    public var id: String
    /// What the pages call it (`Run of baseline.json5`).
    public var title: String
    /// The scenario files it reads, by name in the scenario folder.
    public var scenarios: [String]
    /// The command it runs (`run`, `compare`, `schemes`, `sweep`).
    public var command: String
    /// What its progress counts (`replications`, `settings`).
    public var unit = "replications"
    /// Its results folder.
    public var folder: String
    public var state: State = .running
    /// Replications done and in all (0 of 0 until the first progress line).
    public var done = 0
    public var total = 0
    /// The last messages the job wrote (at most `JobBoard.messageLines` lines).
    public var messages: [String] = []
    /// Its exit status once it ended.
    public var status: Int32?
    /// True once a cancel was asked for.
    public var cancelling = false
}

/// Why a job was not started.
public enum JobRefusal: Error, Equatable, Sendable {
    /// As many jobs as `JobBoard.maximumRunning` are running.
    case busy(running: Int)
    /// The runner could not start it (the system's reason).
    case cannotStart(String)
}

/// The workbench's jobs: started through a `JobRunner`, at most `maximumRunning` at once (a run
/// uses every core, so a second one would only halve the speed of both), each with its own
/// results folder under `root`. Thread-safe.
public final class JobBoard: @unchecked Sendable {  // `jobs`, `handles` and `order` only under `lock`
    /// The most message lines kept per job.
    public static let messageLines = 40
    /// The most jobs remembered (the oldest finished ones are forgotten first; their folders stay).
    public static let remembered = 200

    /// The folder holding one folder per job.
    public let root: String
    /// The most jobs running at once.
    public let maximumRunning: Int
    private let runner: any JobRunner
    private let lock = NSLock()
    private var jobs: [String: Job] = [:]
    private var handles: [String: any RunningJob] = [:]
    private var order: [String] = []

    /// A board whose jobs run through `runner` and write under `root`.
    public init(runner: any JobRunner, root: String, maximumRunning: Int = 1) {
        self.runner = runner
        self.root = root
        self.maximumRunning = maximumRunning
    }

    /// Starts `homeward COMMAND ...` for a new job: `arguments` receives the job's folder and
    /// returns the command line.
    ///
    /// - Throws: `JobRefusal.busy` when `maximumRunning` jobs are running; `cannotStart` when the
    ///   folder cannot be made or the runner fails.
    public func start(
        title: String, command: String, scenarios: [String], unit: String = "replications",
        arguments: (String) -> [String]
    ) throws(JobRefusal) -> Job {
        lock.lock()
        let running = jobs.values.filter { $0.state == .running }.count
        guard running < maximumRunning else {
            lock.unlock()
            throw .busy(running: running)
        }
        let id = AccessGuard.randomHex(bytes: 16)
        let folder = root + "/" + id
        var job = Job(id: id, title: title, scenarios: scenarios, command: command, folder: folder)
        job.unit = unit
        jobs[id] = job
        order.append(id)
        forgetOldJobs()
        lock.unlock()
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let handle = try runner.start(arguments: [command] + arguments(folder), output: folder + "/output.txt") {
                [weak self] event in self?.record(id, event)
            }
            lock.lock()
            if jobs[id]?.state == .running { handles[id] = handle }
            lock.unlock()
        } catch {
            lock.lock()
            jobs[id]?.state = .failed
            jobs[id]?.messages.append("could not start: \(error)")
            job = jobs[id] ?? job
            lock.unlock()
            throw .cannotStart("\(error)")
        }
        return job
    }

    /// The job `id`, if it is known.
    public func job(_ id: String) -> Job? {
        lock.lock()
        defer { lock.unlock() }
        return jobs[id]
    }

    /// Every known job, newest first.
    public var all: [Job] {
        lock.lock()
        defer { lock.unlock() }
        return order.reversed().compactMap { jobs[$0] }
    }

    /// Asks job `id` to stop; false when it is unknown or no longer running.
    @discardableResult
    public func cancel(_ id: String) -> Bool {
        lock.lock()
        guard jobs[id]?.state == .running, let handle = handles[id] else {
            lock.unlock()
            return false
        }
        jobs[id]?.cancelling = true
        lock.unlock()
        handle.cancel()
        return true
    }

    func record(_ id: String, _ event: JobEvent) {
        lock.lock()
        defer { lock.unlock() }
        guard var job = jobs[id] else { return }
        switch event {
        case .progress(let done, let total):
            job.done = done
            job.total = total
        case .message(let line):
            guard !line.isEmpty else { break }
            job.messages.append(line)
            if job.messages.count > Self.messageLines { job.messages.removeFirst() }
        case .finished(let status):
            job.status = status
            job.state = status == 0 ? .succeeded : job.cancelling ? .cancelled : .failed
            handles[id] = nil
        }
        jobs[id] = job
    }

    /// Drops the oldest finished jobs beyond `remembered` (called under `lock`).
    private func forgetOldJobs() {
        while order.count > Self.remembered,
            let index = order.firstIndex(where: { jobs[$0]?.state != .running })
        {
            jobs[order[index]] = nil
            order.remove(at: index)
        }
    }
}
