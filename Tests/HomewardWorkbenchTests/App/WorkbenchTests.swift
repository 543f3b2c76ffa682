import Foundation
import Testing

@testable import HomewardWorkbench

/// The workbench's pages and actions over a copy of two shipped scenarios and a broken one,
/// with a fake runner in place of child processes.
@Suite struct WorkbenchTests {
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../../../Scenarios"
    ).standardized.path

    let folder: String
    let runner = FakeRunner()
    let workbench: Workbench
    let access = AccessGuard(token: "t", csrf: "c", port: 9)

    init() throws {
        folder = NSTemporaryDirectory() + "workbench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/scenarios", withIntermediateDirectories: true)
        for name in ["baseline.json5", "baseline-more-reablement.json5", "bromley.json5"] {
            try FileManager.default.copyItem(atPath: Self.scenarios + "/" + name, toPath: folder + "/scenarios/" + name)
        }
        try "{ name: \"broken\", services: 3 }".write(
            toFile: folder + "/scenarios/broken.json5", atomically: true, encoding: .utf8)
        try "outside".write(toFile: folder + "/secret.json5", atomically: true, encoding: .utf8)
        workbench = Workbench(
            scenarios: folder + "/scenarios", jobs: JobBoard(runner: runner, root: folder + "/results"), access: access)
    }

    func get(_ target: String) -> HTTPResponse {
        workbench.handle(
            HTTPRequest(
                method: "GET", target: target, headers: [("Host", "127.0.0.1:9"), ("Cookie", "homeward_token=t")]))
    }

    func post(_ target: String, _ body: String) -> HTTPResponse {
        workbench.handle(
            HTTPRequest(
                method: "POST", target: target,
                headers: [
                    ("Host", "127.0.0.1:9"), ("Cookie", "homeward_token=t"),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                ], body: Array(("csrf=c&" + body).utf8)))
    }

    func text(_ response: HTTPResponse) -> String {
        guard case .bytes(let bytes) = response.body else { return "" }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func theLibraryListsScenariosAndBrokenFilesWithTheirProblems() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = get("/")
        #expect(page.status == 200)
        let html = text(page)
        #expect(html.contains("Baseline: mid-sized system 2016-17"))
        #expect(html.contains("extends baseline.json5"))
        #expect(html.contains("broken.json5"))
        #expect(html.contains("Does not load"))
        #expect(!html.contains("secret"))
    }

    @Test func aRunStartsAChildWithTheScenarioAndReplications() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let response = post("/run", "file=baseline.json5&replications=3")
        #expect(response.status == 303)
        let location = try #require(response.headers.first { $0.name == "Location" }?.value)
        let id = String(location.dropFirst("/jobs/".count))
        let arguments = try #require(runner.started.first?.arguments)
        #expect(arguments.prefix(2) == ["run", folder + "/scenarios/baseline.json5"])
        #expect(arguments.contains("--progress-lines"))
        #expect(arguments.joined(separator: " ").contains("--replications 3"))
        #expect(text(get(location)).contains("data-job=\"\(id)\""))
        runner.last?.events(.progress(done: 1, total: 3))
        #expect(text(get(location + "/status")) == #"{"state":"running","done":1,"total":3}"#)
        // A second run waits its turn.
        #expect(post("/run", "file=baseline.json5&replications=3").status == 429)
        #expect(get(location + "/report").status == 404, "no report while running")
        runner.last?.events(.finished(status: 0))
        #expect(text(get(location + "/status")).contains("succeeded"))
    }

    @Test func aCompareRunsTheBaseAndTheVariant() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(post("/compare", "file=baseline-more-reablement.json5&replications=2").status == 303)
        let arguments = try #require(runner.started.first?.arguments)
        #expect(
            Array(arguments.prefix(3)) == [
                "compare", folder + "/scenarios/baseline.json5", folder + "/scenarios/baseline-more-reablement.json5",
            ])
        #expect(post("/compare", "file=baseline.json5&replications=2").status == 404, "the base extends nothing")
    }

    @Test func schemesAreEvaluatedOnlyForAScenarioWithSchemes() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(text(get("/scenario?file=bromley.json5")).contains("action=\"/schemes\""))
        #expect(!text(get("/scenario?file=baseline.json5")).contains("action=\"/schemes\""))
        #expect(post("/schemes", "file=baseline.json5&replications=2").status == 400)
        #expect(post("/schemes", "file=bromley.json5&replications=2").status == 303)
        let arguments = try #require(runner.started.last?.arguments)
        #expect(Array(arguments.prefix(2)) == ["schemes", folder + "/scenarios/bromley.json5"])
    }

    @Test func aSweepVariesACatalogFieldTowardsATarget() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = text(get("/scenario?file=baseline.json5"))
        #expect(page.contains("<option value=\"services.reablement.capacity\">"))
        let form =
            "file=baseline.json5&field=services.reablement.capacity&from=230&to=260&step=10&metric=delayedBedDays"
            + "&relation=%3C%3D&value=9000&replications=3"
        #expect(post("/sweep", form).status == 303)
        let arguments = try #require(runner.started.last?.arguments)
        #expect(arguments.contains("services.reablement.capacity=230..260:10"))
        #expect(arguments.contains("delayedBedDays <= 9000"))
        let cap = try #require(arguments.firstIndex(of: "--max-replications"))
        #expect(arguments[cap + 1] == String(Workbench.sweepVerdictReplications))
        runner.last?.events(.finished(status: 0))
        for bad in [
            form.replacingOccurrences(of: "field=services.reablement.capacity", with: "field=name"),
            form.replacingOccurrences(of: "from=230", with: "from=2e"),
            form.replacingOccurrences(of: "step=10", with: "step=inf"),
            form.replacingOccurrences(of: "metric=delayedBedDays", with: "metric=noSuchMetric"),
            form.replacingOccurrences(of: "relation=%3C%3D", with: "relation=%3D%3D"),
        ] {
            #expect(post("/sweep", bad).status == 400, "\(bad)")
        }
        #expect(runner.started.count == 1)
    }

    @Test func theEventLogIsKeptOnlyWhenAskedFor() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = post("/run", "file=baseline.json5&replications=2")
        let without = try #require(runner.started.last?.arguments)
        #expect(!without.contains("--events"))
        runner.last?.events(.finished(status: 0))
        _ = post("/run", "file=baseline.json5&replications=2&events=on")
        let with = try #require(runner.started.last?.arguments)
        let index = try #require(with.firstIndex(of: "--events"))
        #expect(with[index + 1].hasSuffix("/events.csv"))
    }

    @Test func badRunsAreRefusedWithAPage() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for replications in ["1", "1001", "x", "", "2.5"] {
            #expect(post("/run", "file=baseline.json5&replications=\(replications)").status == 400, "\(replications)")
        }
        #expect(post("/run", "file=broken.json5&replications=2").status == 400)
        #expect(post("/run", "file=..%2Fsecret.json5&replications=2").status == 404)
        #expect(runner.started.isEmpty)
    }

    @Test func onlyFilesInTheFolderAreDownloaded() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let ok = get("/download/scenario?file=baseline.json5")
        #expect(ok.status == 200)
        #expect(ok.body == .file(folder + "/scenarios/baseline.json5"))
        for name in ["..%2Fsecret.json5", "%2Fetc%2Fpasswd", "baseline.json5%00", "..", "missing.json5"] {
            #expect(get("/download/scenario?file=\(name)").status == 404, "\(name)")
        }
        #expect(get("/jobs/0123/files/..%2F..%2Fsecret.json5").status == 404)
        #expect(get("/nowhere").status == 404)
    }

    @Test func cancelNeedsTheCSRFField() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let location = try #require(
            post("/run", "file=baseline.json5&replications=2").headers.first { $0.name == "Location" }?.value)
        let refused = workbench.handle(
            HTTPRequest(
                method: "POST", target: location + "/cancel",
                headers: [("Host", "127.0.0.1:9"), ("Cookie", "homeward_token=t")]))
        #expect(refused.status == 403)
        #expect(runner.last?.cancelled == false)
        #expect(post(location + "/cancel", "").status == 303)
        #expect(runner.last?.cancelled == true)
        #expect(text(get(location)).contains("Cancelled"))
    }
}
