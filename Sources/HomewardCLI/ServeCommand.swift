import Foundation
import HomewardKit
import HomewardWorkbench

/// `homeward serve [DIR] [--port P] [--results R] [--runs N]`: the workbench in the browser.
enum ServeCommand {
    /// The port when `--port` is not given (unassigned by IANA; 0 picks any free port).
    static let defaultPort = 8737

    static let help = """
        USAGE: homeward serve [DIR] [--port P] [--results R] [--runs N]

        Serves the workbench, a local web application over the scenario files in DIR (default:
        the current folder): the library of scenarios with their descriptions and problems, a run
        with a progress bar and a cancel button, the HTML report, a comparison of a variant with
        its base, and downloads (result tables as CSV, the Excel workbook, the scenario file, the
        event log). Prints the address to open, with its access token; stops with Ctrl-C.

        Safe by default (docs/workbench.md): it listens on 127.0.0.1 only; every request needs the
        token (the first visit turns it into a cookie); Host and Origin are checked; changes are
        POST only and need the page's CSRF field; requests, headers, connections and runs are
        bounded; only the scenario files directly in DIR and the results folder are read, and only
        the results folder is written. Each run is a child process (`homeward run`).

        OPTIONS
          --port P           The port on 127.0.0.1 (default \(defaultPort); 0 picks a free one)
          --results R        Where each run keeps its folder (default: results/workbench)
          --runs N           Runs allowed at once, 1 to 4 (default 1: a run uses every core)

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["port", "results", "runs"], flags: [])
        guard a.positional.count <= 1 else { throw CommandFailure.usage("serve takes one folder\n\n" + help) }
        let directory = a.positional.first ?? "."
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure.usage("\(directory): no such folder of scenarios")
        }
        let port = try a.integer("port", min: 0, max: 65535) ?? defaultPort
        let runs = try a.integer("runs", min: 1, max: 4) ?? 1
        let results = a.value("results") ?? "results/workbench"
        do {
            try FileManager.default.createDirectory(atPath: results, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure.io("\(results): cannot make the results folder: \(error.localizedDescription)")
        }
        let board = JobBoard(runner: ProcessJobRunner(), root: results, maximumRunning: runs)
        // The server is made before the guard, as port 0 is only known once bound.
        let holder = WorkbenchHolder()
        let server: HTTPServer
        do {
            server = try HTTPServer(port: port) { holder.workbench?.handle($0) ?? .text("starting", status: 503) }
        } catch {
            throw CommandFailure.io(error.description)
        }
        let access = AccessGuard.random(port: server.port)
        holder.workbench = Workbench(scenarios: directory, jobs: board, access: access)
        console.out(
            """
            Homeward workbench: the scenarios in \(directory), results in \(results)/
            Open http://127.0.0.1:\(server.port)/?token=\(access.token)
            (Ctrl-C stops it)

            """)
        server.serve()
    }
}

/// The workbench, set once the server's port is known (read by the connection threads).
final class WorkbenchHolder: @unchecked Sendable {  // `value` only under `lock`
    private let lock = NSLock()
    private var value: Workbench?
    var workbench: Workbench? {
        get {
            lock.lock()
            defer { lock.unlock() }
            return value
        }
        set {
            lock.lock()
            value = newValue
            lock.unlock()
        }
    }
}
