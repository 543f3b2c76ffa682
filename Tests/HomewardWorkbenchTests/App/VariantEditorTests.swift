import Foundation
import Testing

@testable import HomewardWorkbench

/// The form editor through the workbench: the validator's messages beside the field, a saved
/// variant that extends its base with only the change, and no file ever replaced.
@Suite struct VariantEditorTests {
    let folder: String
    let workbench: Workbench

    init() throws {
        folder = NSTemporaryDirectory() + "editor-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/scenarios", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: WorkbenchTests.scenarios + "/baseline.json5", toPath: folder + "/scenarios/baseline.json5")
        workbench = Workbench(
            scenarios: folder + "/scenarios", jobs: JobBoard(runner: FakeRunner(), root: folder + "/results"),
            access: AccessGuard(token: "t", csrf: "c", port: 9))
    }

    func post(_ target: String, _ fields: [(String, String)]) -> (Int, String, String?) {
        let body = (fields + [("csrf", "c")]).map { FormCoding.encode($0.0) + "=" + FormCoding.encode($0.1) }
            .joined(separator: "&")
        let response = workbench.handle(
            HTTPRequest(
                method: "POST", target: target,
                headers: [
                    ("Host", "127.0.0.1:9"), ("Cookie", "homeward_token=t"),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                ], body: Array(body.utf8)))
        guard case .bytes(let bytes) = response.body else { return (response.status, "", nil) }
        return (
            response.status, String(decoding: bytes, as: UTF8.self),
            response.headers.first { $0.name == "Location" }?.value
        )
    }

    let capacity = "f.services.reablement.capacity"

    @Test func theFormShowsEveryFieldWithItsUnitRangeAndSource() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let response = workbench.handle(
            HTTPRequest(
                method: "GET", target: "/edit?file=baseline.json5",
                headers: [("Host", "127.0.0.1:9"), ("Cookie", "homeward_token=t")]))
        guard case .bytes(let bytes) = response.body else { return }
        let html = String(decoding: bytes, as: UTF8.self)
        #expect(html.contains("<label for=\"f-services.reablement.capacity\">reablement capacity (clients at a time)"))
        #expect(html.contains("Allowed: whole number from 0 to 1,000,000"))
        #expect(html.contains("Source: 003 section 2.1"))
        #expect(html.contains("value=\"baseline-variant.json5\""))
    }

    @Test func aBadValueGetsTheValidatorsMessageBesideItsFieldAndNothingIsSaved() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, html, location) = post(
            "/edit", [("file", "baseline.json5"), ("variant", "v.json5"), (capacity, "-3"), ("action", "save")])
        #expect(status == 200 && location == nil)
        #expect(
            html.contains(
                "id=\"f-services.reablement.capacity-message\" role=\"alert\"><div class=\"problem\">must be a whole number &gt;= 0, got -3</div>"
            ))
        #expect(!FileManager.default.fileExists(atPath: folder + "/scenarios/v.json5"))
        let (_, json, _) = post("/edit/check", [("file", "baseline.json5"), ("variant", "v.json5"), (capacity, "-3")])
        #expect(json == #"{"messages":{"services.reablement.capacity":["must be a whole number >= 0, got -3"]}}"#)
    }

    @Test func aProblemInsideAFieldsValueIsShownBesideTheField() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The baseline's acute capacity is a calendar: the validator names `...capacity.base`.
        let (_, json, _) = post(
            "/edit/check", [("file", "baseline.json5"), ("variant", "v.json5"), ("f.services.acute.capacity", "-1")])
        #expect(json.hasPrefix(#"{"messages":{"services.acute.capacity":["#), "\(json)")
    }

    @Test func aGoodValueIsSavedAsAVariantThatExtendsTheBase() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let (status, _, location) = post(
            "/edit", [("file", "baseline.json5"), ("variant", "v.json5"), (capacity, "260"), ("action", "save")])
        #expect(status == 303)
        #expect(location == "/scenario?file=v.json5")
        let text = try String(contentsOfFile: folder + "/scenarios/v.json5", encoding: .utf8)
        #expect(text.contains("extends: \"baseline.json5\""))
        #expect(text.contains("capacity: 260, // was 230"))
        let entry = try #require(workbench.library.entry("v.json5"))
        #expect(entry.problems.isEmpty)
        #expect(entry.base == "baseline.json5")
        // The same name again is refused beside the name field, and the file is unchanged.
        let (again, html, _) = post(
            "/edit", [("file", "baseline.json5"), ("variant", "v.json5"), (capacity, "270"), ("action", "save")])
        #expect(again == 200)
        #expect(html.contains("v.json5 already exists in the scenario folder"))
        #expect(try String(contentsOfFile: folder + "/scenarios/v.json5", encoding: .utf8) == text)
    }

    @Test func fileNamesThatLeaveTheFolderAreRefused() {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for name in ["../v.json5", "/tmp/v.json5", "v.txt", ".json5", ".hidden.json5", "baseline.json5"] {
            let (status, html, _) = post(
                "/edit", [("file", "baseline.json5"), ("variant", name), (capacity, "260"), ("action", "save")])
            #expect(
                status == 200 && html.contains("id=\"variant-message\" role=\"alert\"><div class=\"problem\">"),
                "\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/v.json5"))
    }
}
