import Foundation
import HomewardKit

/// The workbench: answers every request of `homeward serve`. Each request passes the
/// `AccessGuard` first; then only files directly in the scenario folder and in the jobs'
/// results folders are read (`ConfinedFolder`), and runs are child processes (`JobBoard`).
public final class Workbench: Sendable {
    /// The scenario folder (DIR) and its library.
    public let library: ScenarioLibrary
    /// The jobs, each with a folder under the results folder.
    public let jobs: JobBoard
    /// The checks of Host, token, Origin and CSRF.
    public let access: AccessGuard

    /// A workbench over the scenarios in `scenarios`, writing under `results`.
    public init(scenarios: String, jobs: JobBoard, access: AccessGuard) {
        library = ScenarioLibrary(folder: ConfinedFolder(path: scenarios))
        self.jobs = jobs
        self.access = access
    }

    /// The names of a job's files that may be downloaded, and their media types.
    public static let jobFiles: [String: String] = [
        "workbook.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "events.csv": "text/csv; charset=utf-8",
        "output.txt": "text/plain; charset=utf-8",
    ]

    /// The answer to `request` (never throws: every failure is a page with its status).
    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        switch access.decide(request) {
        case .deny(let status, let reason):
            return .text(reason, status: status)
        case .enter(let location, let cookie):
            return .redirect(location, headers: [("Set-Cookie", cookie)])
        case .allow:
            var response = route(request)
            if request.method == "HEAD" { response.body = .bytes([]) }
            return response
        }
    }

    func route(_ request: HTTPRequest) -> HTTPResponse {
        let post = request.method == "POST"
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        /// The `*` segments of `pattern` when the path matches it (`jobs/*/status`), else nil.
        func match(_ pattern: String, post wanted: Bool = false) -> [String]? {
            let parts = pattern.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard post == wanted, parts.count == segments.count else { return nil }
            var captures: [String] = []
            for (part, segment) in zip(parts, segments) {
                if part == "*" { captures.append(segment) } else if part != segment { return nil }
            }
            return captures
        }
        if match("") != nil { return .html(Pages.library(library.entries(), jobs: jobs.all, csrf: access.csrf)) }
        if match("static/workbench.css") != nil {
            return HTTPResponse(
                status: 200, headers: [("Content-Type", "text/css; charset=utf-8")],
                body: .bytes(Array(Assets.css.utf8)))
        }
        if match("static/workbench.js") != nil {
            return HTTPResponse(
                status: 200, headers: [("Content-Type", "text/javascript; charset=utf-8")],
                body: .bytes(Array(Assets.script.utf8)))
        }
        if match("scenario") != nil {
            guard let entry = library.entry(request.queryValue("file") ?? "") else {
                return notFound("no such scenario")
            }
            return .html(Pages.scenario(entry, csrf: access.csrf, editable: entry.problems.isEmpty))
        }
        if match("download/scenario") != nil {
            let name = request.queryValue("file") ?? ""
            guard name.hasSuffix(".json5"), let path = library.folder.existingFile(name) else {
                return notFound("no such scenario")
            }
            return .download(path, filename: name, type: "application/json5; charset=utf-8")
        }
        if match("edit") != nil { return edit(request.queryValue("file") ?? "", form: nil) }
        if match("edit", post: true) != nil { return edit(request.formValue("file") ?? "", form: request.form) }
        if match("edit/check", post: true) != nil { return check(request) }
        if match("run", post: true) != nil { return startRun(request) }
        if match("compare", post: true) != nil { return startCompare(request) }
        if match("schemes", post: true) != nil { return startSchemes(request) }
        if match("sweep", post: true) != nil { return startSweep(request) }
        if let id = match("jobs/*/cancel", post: true)?.first {
            guard jobs.job(id) != nil else { return notFound("no such job") }
            jobs.cancel(id)
            return .redirect("/jobs/\(id)")
        }
        if let id = match("jobs/*")?.first {
            guard let job = jobs.job(id) else { return notFound("no such job") }
            return .html(Pages.job(job, files: files(of: job), output: printed(by: job), csrf: access.csrf))
        }
        if let id = match("jobs/*/status")?.first {
            guard let job = jobs.job(id) else { return notFound("no such job") }
            return .json(Self.statusJSON(job))
        }
        if let id = match("jobs/*/report")?.first {
            guard let job = jobs.job(id), job.state == .succeeded,
                let path = ConfinedFolder(path: job.folder).existingFile("report.html")
            else { return notFound("no report for this job") }
            // The report as the command wrote it: self-contained, its own inline style sheet.
            return HTTPResponse(
                status: 200,
                headers: [
                    ("Content-Type", "text/html; charset=utf-8"),
                    (
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
                    ),
                ], body: .file(path))
        }
        if let captures = match("jobs/*/files/*") {
            let name = captures[1]
            guard let job = jobs.job(captures[0]), job.state != .running else { return notFound("no such file") }
            if let type = Self.jobFiles[name], let path = ConfinedFolder(path: job.folder).existingFile(name) {
                return .download(path, filename: "\(job.scenarios.last ?? "homeward")-\(name)", type: type)
            }
            if name.hasSuffix(".csv"), let path = ConfinedFolder(path: job.folder + "/results").existingFile(name) {
                return .download(path, filename: name, type: "text/csv; charset=utf-8")
            }
            return notFound("no such file")
        }
        if request.method != "GET" && request.method != "HEAD" && request.method != "POST" {
            return .text("method not allowed", status: 405)
        }
        return notFound("no such page")
    }

    /// What a finished job printed (the command's tables, as the terminal shows them), up to
    /// `printedBytes`.
    func printed(by job: Job) -> String? {
        guard job.state == .succeeded, let path = ConfinedFolder(path: job.folder).existingFile("output.txt"),
            let handle = FileHandle(forReadingAtPath: path)
        else { return nil }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: Self.printedBytes)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The most bytes of a job's printed output shown on its page (256 KiB; the whole file is a
    /// download).
    static let printedBytes = 256 * 1024

    /// The downloadable files of a finished job: its result tables, then its own files.
    func files(of job: Job) -> [String] {
        guard job.state != .running else { return [] }
        let tables = ConfinedFolder(path: job.folder + "/results").names(endingIn: ".csv")
        let own = Self.jobFiles.keys.sorted().filter { ConfinedFolder(path: job.folder).existingFile($0) != nil }
        return tables + own
    }

    /// The form editor of `name`: empty (`form` nil), checked, or saved (`action=save` with no
    /// problem: the new file is written and the browser sent to it).
    func edit(_ name: String, form: [(name: String, value: String)]?) -> HTTPResponse {
        let editor: VariantEditor
        do {
            guard let found = try VariantEditor(folder: library.folder, name: name) else {
                return notFound("no such scenario")
            }
            editor = found
        } catch {
            return .html(
                Pages.message("Cannot edit \(name)", error.issues.map(\.description).joined(separator: "\n")),
                status: 400)
        }
        guard let form else {
            let fileName = editor.suggestedName(in: library.folder)
            return .html(Pages.edit(editor, outcome: nil, fileName: fileName, csrf: access.csrf))
        }
        let outcome = editor.check(form, folder: library.folder)
        if form.contains(where: { $0.name == "action" && $0.value == "save" }), outcome.isValid,
            let variant = outcome.variant
        {
            if let why = VariantEditor.save(variant, as: outcome.fileName, in: library.folder) {
                var failed = outcome
                failed.messages["variant", default: []].append(why)
                return .html(Pages.edit(editor, outcome: failed, fileName: outcome.fileName, csrf: access.csrf))
            }
            return .redirect("/scenario?file=" + FormCoding.encode(outcome.fileName))
        }
        return .html(Pages.edit(editor, outcome: outcome, fileName: outcome.fileName, csrf: access.csrf))
    }

    /// The validator's messages for the posted form, by field, as JSON (the editor's inline
    /// check as a value is typed): `{"messages":{"PATH":["..."]}}`.
    func check(_ request: HTTPRequest) -> HTTPResponse {
        guard let editor = try? VariantEditor(folder: library.folder, name: request.formValue("file") ?? "") else {
            return notFound("no such scenario")
        }
        let outcome = editor.check(request.form, folder: library.folder)
        let messages = JSONObject(
            outcome.messages.sorted { $0.key < $1.key }.map { ($0.key, .array($0.value.map(JSONValue.string))) })
        return .json(JSONValue.object(JSONObject([("messages", .object(messages))])).jsonText())
    }

    func startRun(_ request: HTTPRequest) -> HTTPResponse {
        let name = request.formValue("file") ?? ""
        guard let entry = library.entry(name), let path = library.folder.existingFile(name) else {
            return notFound("no such scenario")
        }
        guard entry.problems.isEmpty else {
            return .html(Pages.message("Cannot run \(name)", entry.problems.joined(separator: "\n")), status: 400)
        }
        guard let replications = Self.replications(request.formValue("replications")) else {
            return .html(Pages.message("Cannot run \(name)", Self.replicationsMessage), status: 400)
        }
        let events = request.formValue("events") == "on"
        return start(title: "Run of \(name)", command: "run", scenarios: [name]) { folder in
            [
                path, "--out", folder + "/results", "--html", folder + "/report.html", "--xlsx",
                folder + "/workbook.xlsx", "--replications", String(replications), "--progress-lines",
            ] + (events ? ["--events", folder + "/events.csv"] : [])
        }
    }

    func startCompare(_ request: HTTPRequest) -> HTTPResponse {
        let name = request.formValue("file") ?? ""
        guard let entry = library.entry(name), let base = entry.base, let baseEntry = library.entry(base),
            let path = library.folder.existingFile(name), let basePath = library.folder.existingFile(base)
        else { return notFound("no such scenario, or it extends no scenario in this folder") }
        let problems = baseEntry.problems + entry.problems
        guard problems.isEmpty else {
            return .html(Pages.message("Cannot compare \(name)", problems.joined(separator: "\n")), status: 400)
        }
        guard let replications = Self.replications(request.formValue("replications")) else {
            return .html(Pages.message("Cannot compare \(name)", Self.replicationsMessage), status: 400)
        }
        return start(title: "Comparison of \(name) with \(base)", command: "compare", scenarios: [base, name]) {
            folder in
            [
                basePath, path, "--out", folder + "/results", "--html", folder + "/report.html", "--xlsx",
                folder + "/workbook.xlsx", "--replications", String(replications), "--progress-lines",
            ]
        }
    }

    func startSchemes(_ request: HTTPRequest) -> HTTPResponse {
        let name = request.formValue("file") ?? ""
        guard let entry = library.entry(name), let path = library.folder.existingFile(name) else {
            return notFound("no such scenario")
        }
        guard entry.problems.isEmpty, entry.schemes > 0 else {
            return .html(
                Pages.message("Cannot evaluate \(name)", "the scenario does not load or has no schemes"), status: 400)
        }
        guard let replications = Self.replications(request.formValue("replications")) else {
            return .html(Pages.message("Cannot evaluate \(name)", Self.replicationsMessage), status: 400)
        }
        return start(title: "Schemes of \(name)", command: "schemes", scenarios: [name]) { folder in
            [
                path, "--out", folder + "/results", "--html", folder + "/report.html", "--xlsx",
                folder + "/workbook.xlsx", "--replications", String(replications), "--progress-lines",
            ]
        }
    }

    /// A sweep of one field: the form's field, from, to and step, and an optional target; the
    /// sweep command checks the grid itself (its size, the values' range) and says what is wrong.
    func startSweep(_ request: HTTPRequest) -> HTTPResponse {
        let name = request.formValue("file") ?? ""
        guard let entry = library.entry(name), let path = library.folder.existingFile(name) else {
            return notFound("no such scenario")
        }
        let field = request.formValue("field") ?? ""
        func number(_ key: String) -> String? {
            let text = (request.formValue(key) ?? "").trimmingCharacters(in: .whitespaces)
            return Double(text).map { $0.isFinite ? text : nil } ?? nil
        }
        var problems: [String] = entry.problems
        if !entry.numericFields.contains(where: { $0.path == field }) { problems.append("choose a field to vary") }
        let from = number("from")
        let to = number("to")
        let step = number("step")
        if from == nil || to == nil || step == nil { problems.append("from, to and step must be numbers") }
        var target: [String] = []
        if let metric = request.formValue("metric"), !metric.isEmpty {
            let relation = request.formValue("relation") ?? ""
            if Metric.all.contains(where: { $0.key == metric }), ["<=", ">="].contains(relation),
                let value = number("value")
            {
                // A verdict near the target can take many replications: the command's default
                // cap (1,000 a setting) is too long to wait for in a browser.
                target = [
                    "--target", "\(metric) \(relation) \(value)", "--max-replications",
                    String(
                        max(Self.sweepVerdictReplications, Self.replications(request.formValue("replications")) ?? 2)),
                ]
            } else {
                problems.append("a target needs a metric, at most or at least, and a number")
            }
        }
        guard let replications = Self.replications(request.formValue("replications")) else {
            return .html(Pages.message("Cannot sweep \(name)", Self.replicationsMessage), status: 400)
        }
        guard problems.isEmpty, let from, let to, let step else {
            return .html(Pages.message("Cannot sweep \(name)", problems.joined(separator: "\n")), status: 400)
        }
        return start(title: "Sweep of \(field) in \(name)", command: "sweep", scenarios: [name], unit: "settings") {
            folder in
            [
                path, "--vary", "\(field)=\(from)..\(to):\(step)", "--out", folder + "/results", "--html",
                folder + "/report.html", "--xlsx", folder + "/workbook.xlsx", "--replications", String(replications),
                "--progress-lines",
            ] + target
        }
    }

    func start(
        title: String, command: String, scenarios: [String], unit: String = "replications",
        arguments: (String) -> [String]
    ) -> HTTPResponse {
        let job: Job
        do {
            job = try jobs.start(
                title: title, command: command, scenarios: scenarios, unit: unit, arguments: arguments)
        } catch {
            switch error {
            case .busy(let running):
                let list = jobs.all.filter { $0.state == .running }
                    .map { "<li><a href=\"/jobs/\($0.id)\">\(Markup.escape($0.title))</a></li>" }.joined()
                let plural = jobs.maximumRunning == 1 ? "" : "s"
                return .html(
                    Pages.message(
                        "A run is already going",
                        "The workbench runs \(jobs.maximumRunning) job\(plural) at a time (\(running) running now): wait for it to end or cancel it, then start this one again.",
                        extra: "<ul>\(list)</ul>"), status: 429)
            case .cannotStart(let why):
                return .html(Pages.message("Could not start the run", why), status: 500)
            }
        }
        return .redirect("/jobs/\(job.id)")
    }

    /// The replications a form asks for: a whole number from 2 to 1,000 (a run in the browser
    /// is meant to be interactive; larger runs belong to `homeward run`).
    static func replications(_ text: String?) -> Int? {
        guard let text, let n = Int(text.trimmingCharacters(in: .whitespaces)), (2...maximumReplications).contains(n)
        else { return nil }
        return n
    }

    /// The most replications a sweep started from the browser gives one setting to reach its
    /// verdict (`--max-replications`; the command line's default is 1,000): 100 keeps a setting
    /// near its target to seconds on 2 cores; an undecided verdict says so.
    public static let sweepVerdictReplications = 100

    /// The most replications a run started from the browser may ask for.
    public static let maximumReplications = 1000
    static let replicationsMessage = "replications must be a whole number from 2 to \(maximumReplications)"

    func notFound(_ why: String) -> HTTPResponse { .html(Pages.message("Not found", why), status: 404) }

    /// A job's state as JSON for the progress bar: `{"state":"running","done":3,"total":20}`.
    static func statusJSON(_ job: Job) -> String {
        JSONValue.object(
            JSONObject([
                ("state", .string(job.state.rawValue)), ("done", .number(Double(job.done))),
                ("total", .number(Double(job.total))),
            ])
        ).jsonText()
    }
}
