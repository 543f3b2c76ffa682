import Foundation
import HomewardKit

/// The workbench's pages, as HTML text: the library, a scenario, a job, and messages. Every
/// value from a file or a request is escaped (`Markup.escape`); every form that changes
/// anything carries the CSRF field.
enum Pages {
    /// The library: every scenario in the folder with its description, broken files with
    /// their problems, and the recent jobs.
    static func library(_ entries: [ScenarioLibrary.Entry], jobs: [Job], csrf: String) -> String {
        var body = """
            <p class="lede">The scenarios in this folder. Open one to run it, compare it with the scenario it \
            extends, edit it or download it.</p>
            """
        let rows = entries.map { e -> String in
            let link =
                "<a href=\"\(Markup.link("/scenario", [("file", e.file)]))\">\(Markup.escape(e.name ?? e.file))</a>"
            let about =
                e.problems.isEmpty
                ? Markup.escape(e.description ?? "")
                : "<div class=\"problem\"><strong>Does not load:</strong><br>"
                    + e.problems.prefix(5).map(Markup.escape).joined(separator: "<br>") + "</div>"
            let base = e.base.map { "extends " + Markup.escape($0) } ?? ""
            return
                "<tr><td>\(link)</td><td><code>\(Markup.escape(e.file))</code><br><span class=\"note\">\(base)</span></td><td>\(about)</td></tr>"
        }
        body += """
            <h2>Scenarios</h2>
            <table><caption class="note">\(entries.count) scenario file\(entries.count == 1 ? "" : "s")</caption>
            <thead><tr><th scope="col">Scenario</th><th scope="col">File</th><th scope="col">What it is</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table>
            """
        if !jobs.isEmpty {
            let rows = jobs.prefix(20).map { job in
                "<tr><td><a href=\"/jobs/\(job.id)\">\(Markup.escape(job.title))</a></td><td>\(stateText(job))</td></tr>"
            }
            body += """
                <h2>Runs</h2>
                <table><thead><tr><th scope="col">Run</th><th scope="col">State</th></tr></thead>
                <tbody>\(rows.joined())</tbody></table>
                """
        }
        return Markup.page(title: "Scenarios", body: body)
    }

    /// One scenario: what it is, its problems, and the forms to run it and compare it.
    static func scenario(_ e: ScenarioLibrary.Entry, csrf: String, editable: Bool = false) -> String {
        var body = "<p class=\"meta\">File <code>\(Markup.escape(e.file))</code>"
        if let base = e.base {
            body += ", extends <a href=\"\(Markup.link("/scenario", [("file", base)]))\">\(Markup.escape(base))</a>"
        }
        body += "</p>"
        if let name = e.name { body += "<p><strong>\(Markup.escape(name))</strong></p>" }
        if let description = e.description { body += "<p>\(Markup.escape(description))</p>" }
        if !e.problems.isEmpty {
            body += "<h2>Problems</h2><p>The validator (as <code>homeward validate</code>) found:</p>"
            body += e.problems.map { "<div class=\"problem\">\(Markup.escape($0))</div>" }.joined()
        } else {
            let replications = min(max(e.replications ?? 20, 2), Workbench.maximumReplications)
            let count = """
                <p><label for="replications-run">Replications</label> \
                <input type="number" id="replications-run" name="replications" min="2" \
                max="\(Workbench.maximumReplications)" value="\(replications)" required> \
                <span class="note">each a year of the area's patients; more give narrower intervals</span></p>
                """
            let events = """
                <p><input type="checkbox" id="events" name="events"> <label for="events">Also keep the event \
                log (CSV; large)</label></p>
                """
            let file = "<input type=\"hidden\" name=\"file\" value=\"\(Markup.escape(e.file))\">"
            body += "<h2>Run</h2>"
            body += Markup.form(action: "/run", csrf: csrf, button: "Run", fields: file + count + events)
            if let base = e.base {
                body += "<h2>Compare with \(Markup.escape(base))</h2>"
                body +=
                    "<p>Runs both on the same random numbers, so the differences are the change's, not chance's.</p>"
                body += Markup.form(
                    action: "/compare", csrf: csrf, button: "Compare with \(base)",
                    fields: file + count.replacingOccurrences(of: "replications-run", with: "replications-compare"))
            }
        }
        if e.problems.isEmpty { body += analyses(e, csrf: csrf) }
        body += "<h2>Edit and download</h2><ul class=\"files\">"
        if editable {
            body +=
                "<li><a href=\"\(Markup.link("/edit", [("file", e.file)]))\">Edit in a form</a> (saves a new variant)</li>"
        }
        body +=
            "<li><a href=\"\(Markup.link("/download/scenario", [("file", e.file)]))\">Download \(Markup.escape(e.file))</a></li></ul>"
        return Markup.page(title: e.name ?? e.file, body: body)
    }

    /// The forms of the schemes evaluation (when the scenario has schemes) and of a sweep.
    static func analyses(_ e: ScenarioLibrary.Entry, csrf: String) -> String {
        let file = "<input type=\"hidden\" name=\"file\" value=\"\(Markup.escape(e.file))\">"
        func count(_ id: String, _ value: Int) -> String {
            """
            <p><label for="\(id)">Replications</label> <input type="number" id="\(id)" name="replications" \
            min="2" max="\(Workbench.maximumReplications)" value="\(value)" required></p>
            """
        }
        var body = ""
        if e.schemes > 0 {
            body += """
                <h2>Schemes: what each is worth</h2>
                <p>Runs the scenario without its \(e.schemes) Better Care Fund scheme\(e.schemes == 1 ? "" : "s"), \
                with each alone and with all together, on the same random numbers.</p>
                """
            body += Markup.form(
                action: "/schemes", csrf: csrf, button: "Evaluate the schemes",
                fields: file + count("replications-schemes", 10))
        }
        guard !e.numericFields.isEmpty else { return body }
        let fields = e.numericFields.map {
            "<option value=\"\(Markup.escape($0.path))\">\(Markup.escape($0.label)) (\(Markup.escape($0.path)))</option>"
        }
        .joined()
        let metrics = Metric.headline.map {
            "<option value=\"\(Markup.escape($0.key))\">\(Markup.escape($0.label))</option>"
        }
        .joined()
        body += """
            <h2>Sweep: the smallest setting that meets a target</h2>
            <p>Runs the scenario at each setting of one field, from a value to another in steps; with a \
            target, each setting gets replications until its verdict (met, missed or undecided) is clear, \
            up to \(Workbench.sweepVerdictReplications) a setting.</p>
            """
        let sweepFields = """
            <p><label for="sweep-field">Field</label> <select id="sweep-field" name="field">\(fields)</select></p>
            <p><label for="sweep-from">From</label> <input type="text" inputmode="decimal" id="sweep-from" name="from" required> \
            <label for="sweep-to">to</label> <input type="text" inputmode="decimal" id="sweep-to" name="to" required> \
            <label for="sweep-step">in steps of</label> <input type="text" inputmode="decimal" id="sweep-step" name="step" required></p>
            <p><label for="sweep-metric">Target (optional)</label> <select id="sweep-metric" name="metric">\
            <option value="">none</option>\(metrics)</select> \
            <select name="relation" aria-label="at most or at least"><option value="<=">at most</option>\
            <option value=">=">at least</option></select> \
            <input type="text" inputmode="decimal" name="value" aria-label="target value"></p>
            """
        body += Markup.form(
            action: "/sweep", csrf: csrf, button: "Sweep", fields: file + sweepFields + count("replications-sweep", 10))
        return body
    }

    /// A job: progress and cancel while it runs; then its report and downloads, or why it failed.
    static func job(_ job: Job, files: [String], output: String? = nil, csrf: String) -> String {
        // While running, the bar and its caption say how far it is (the script keeps them current).
        var body =
            "<p class=\"meta\">\(job.state == .running ? (job.cancelling ? "Cancelling" : "Running") : stateText(job))</p>"
        var attributes = ""
        switch job.state {
        case .running:
            attributes = " data-job=\"\(job.id)\" data-unit=\"\(Markup.escape(job.unit))\""
            let max = Swift.max(job.total, 1)
            body += """
                <p><label for="progress">Progress</label></p>
                <progress id="progress" max="\(max)" value="\(job.done)">\(job.done) of \(job.total)</progress>
                <p id="progress-text" aria-live="polite">\(job.done) of \(job.total == 0 ? "?" : String(job.total)) \(Markup.escape(job.unit))</p>
                <noscript><p><a href="/jobs/\(job.id)">Reload</a> to see the progress.</p></noscript>
                """
            body += Markup.form(
                action: "/jobs/\(job.id)/cancel", csrf: csrf, button: job.cancelling ? "Cancelling..." : "Cancel",
                buttonClass: "danger")
        case .succeeded:
            body += "<p><a class=\"button\" href=\"/jobs/\(job.id)/report\">Open the report</a></p>"
            body += "<h2>Downloads</h2><ul class=\"files\">"
            body += files.map {
                "<li><a href=\"/jobs/\(job.id)/files/\(FormCoding.encode($0))\">\(Markup.escape($0))</a></li>"
            }
            .joined()
            body += "</ul>"
            if let output, !output.isEmpty {
                body += "<h2>The results in brief</h2><pre>\(Markup.escape(output))</pre>"
            }
        case .failed, .cancelled:
            if !files.isEmpty {
                body += "<h2>Files</h2><ul class=\"files\">"
                body += files.map {
                    "<li><a href=\"/jobs/\(job.id)/files/\(FormCoding.encode($0))\">\(Markup.escape($0))</a></li>"
                }
                .joined()
                body += "</ul>"
            }
        }
        if !job.messages.isEmpty {
            body += "<h2>Messages</h2><pre>\(Markup.escape(job.messages.joined(separator: "\n")))</pre>"
        }
        let links = job.scenarios.map {
            "<a href=\"\(Markup.link("/scenario", [("file", $0)]))\">\(Markup.escape($0))</a>"
        }
        body += "<p class=\"note\">Scenario: \(links.joined(separator: ", "))</p>"
        return Markup.page(title: job.title, body: body, attributes: attributes)
    }

    /// A page with a heading and a message (refusals and errors).
    static func message(_ title: String, _ text: String, extra: String = "") -> String {
        let lines = text.split(separator: "\n").map { "<p>\(Markup.escape(String($0)))</p>" }.joined()
        return Markup.page(title: title, body: lines + extra + "<p><a href=\"/\">Back to the scenarios</a></p>")
    }

    static func stateText(_ job: Job) -> String {
        switch job.state {
        case .running:
            job.cancelling ? "Cancelling" : "Running: \(job.done) of \(job.total == 0 ? "?" : String(job.total))"
        case .succeeded: "<span class=\"ok\">Finished</span>"
        case .failed: "<span class=\"problem\">Failed (exit status \(job.status.map(String.init) ?? "?"))</span>"
        case .cancelled: "Cancelled"
        }
    }
}
