import Foundation
import Testing

@testable import HomewardKit

/// Variants written from edits: they `extends` the base, hold only what changed, and load (with
/// the validator of `homeward validate`) into the base with exactly those changes.
@Suite struct ScenarioVariantTests {
    /// `root` with `value` at `path` (set directly, without `extends`).
    func setting(_ root: JSONValue, _ keys: [String], _ value: JSONValue) -> JSONValue {
        guard let head = keys.first, case .object(var o) = root else { return value }
        o[head] = setting(o[head] ?? .object(JSONObject()), Array(keys.dropFirst()), value)
        return .object(o)
    }

    /// The base's merged model with the variant's name and description and `changes` applied.
    func expected(_ base: LoadedScenario, _ variant: ScenarioVariant, _ changes: [([String], JSONValue)]) -> JSONValue {
        var json = setting(base.merged, ["name"], .string(variant.name))
        json = setting(json, ["description"], .string(variant.description))
        for (keys, value) in changes { json = setting(json, keys, value) }
        return json
    }

    /// A copy of a shipped scenario in a fresh folder, so that variants can be written beside it.
    func copy(_ name: String) throws -> (dir: String, base: LoadedScenario) {
        let dir = Fixtures.temporaryDirectory()
        let text = try String(contentsOfFile: Fixtures.repositoryRoot + "/Scenarios/" + name, encoding: .utf8)
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        return (dir, try ScenarioLoader.load(path: dir + "/" + name))
    }

    @Test func oneCapacityChangedLoadsAsTheBaseWithThatCapacity() throws {
        let base = try Fixtures.baseline()
        // Written beside the base (a variant must be in its base's folder or above it).
        let variant = try ScenarioVariant(
            base: base, edits: [ScenarioEdit(path: "services.reablement.capacity", value: .number(250))],
            file: Fixtures.repositoryRoot + "/Scenarios/plan-that-is-never-written.json5")
        #expect(variant.text.contains("extends: \"baseline.json5\""))
        #expect(variant.text.contains("capacity: 250, // was 230"))
        #expect(variant.changes.map(\.field.path) == ["services.reablement.capacity"])
        let loaded = try variant.validated()
        #expect(loaded.merged == expected(base, variant, [(["services", "reablement", "capacity"], .number(250))]))
        let services = loaded.scenario.services
        for (i, service) in base.scenario.services.enumerated() {
            #expect(
                services[i].capacity
                    == (service.name == "reablement" ? CapacitySchedule(initial: 250) : service.capacity))
        }
        #expect(loaded.hash != base.hash)
    }

    @Test func aCapacityCalendarKeepsItsChangesWhenItsBaseIsEdited() throws {
        let base = try Fixtures.baseline()
        let variant = try ScenarioVariant(
            base: base, edits: [ScenarioEdit(path: "services.acute.capacity", value: .number(700))],
            file: Fixtures.repositoryRoot + "/Scenarios/plan-that-is-never-written.json5")
        let loaded = try variant.validated()
        #expect(loaded.merged == expected(base, variant, [(["services", "acute", "capacity", "base"], .number(700))]))
        let acute = loaded.scenario.services[loaded.scenario.acute].capacity
        #expect(acute.initial == 700)
        #expect(acute.maximum == 700)
        // The winter beds run to the end of the horizon (2017-03-31).
        #expect(acute.changes.map { $0.capacity } == [680])
    }

    @Test func anEditOutOfRangeGetsTheValidatorsMessageNamingTheField() throws {
        let (dir, base) = try copy("baseline.json5")
        let variant = try ScenarioVariant(
            base: base,
            edits: [
                ScenarioEdit(path: "services.reablement.capacity", value: .number(-3)),
                ScenarioEdit(path: "cohorts.older.conveyance", value: .number(1.5)),
            ], file: dir + "/plan.json5")
        #expect(throws: ScenarioError.self) { try variant.validated() }
        do {
            _ = try variant.validated()
        } catch {
            #expect(
                error.description == """
                    \(dir)/plan.json5: cohorts.older.conveyance: must be a probability from 0 to 1, got 1.5
                    \(dir)/plan.json5: services.reablement.capacity: must be a whole number >= 0, got -3
                    """)
        }
    }

    @Test func anUnknownPathIsRefusedByName() throws {
        let (dir, base) = try copy("baseline.json5")
        #expect(throws: ScenarioError.self) {
            _ = try ScenarioVariant(
                base: base, edits: [ScenarioEdit(path: "services.reablment.capacity", value: .number(250))],
                file: dir + "/plan.json5")
        }
        do {
            _ = try ScenarioVariant(
                base: base,
                edits: [
                    ScenarioEdit(path: "services.reablment.capacity", value: .number(250)),
                    ScenarioEdit(path: "cohorts.older.lengthOfStayDays", value: .number(3)),
                    ScenarioEdit(path: "seed", value: .number(1)), ScenarioEdit(path: "seed", value: .number(2)),
                    ScenarioEdit(path: "replications", value: .string("ten")),
                ], file: dir + "/plan.json5")
        } catch {
            #expect(
                error.issues.map(\.description) == [
                    "\(dir)/plan.json5: services.reablment.capacity: is not a field that can be edited in \(dir)/baseline.json5 (did you mean 'services.reablement.capacity'?)",
                    "\(dir)/plan.json5: cohorts.older.lengthOfStayDays: is not a field that can be edited in \(dir)/baseline.json5",
                    "\(dir)/plan.json5: seed: is edited more than once",
                    "\(dir)/plan.json5: replications: must be a number or true or false, got \"ten\"",
                ])
        }
    }

    @Test func aSchemeIsSwitchedOffAndOnAgainByAVariantOfTheVariant() throws {
        let (dir, base) = try copy("ashford.json5")
        let names = base.scenario.schemes.map(\.name)
        #expect(names.count >= 2)
        let off = try ScenarioVariant(
            base: base, edits: [ScenarioEdit(path: "schemes.\(names[0]).enabled", value: .bool(false))],
            file: dir + "/off.json5")
        #expect(off.text.contains("enabled: false, // was true"))
        let loadedOff = try off.validated()
        #expect(loadedOff.scenario.schemes.map(\.name) == Array(names.dropFirst()))
        try off.text.write(toFile: off.file, atomically: true, encoding: .utf8)
        let reloaded = try ScenarioLoader.load(path: off.file)
        let catalog = ScenarioFieldCatalog(reloaded)
        #expect(catalog.field("schemes.\(names[0]).enabled")?.current == .bool(false))
        let on = try ScenarioVariant(
            base: reloaded, edits: [ScenarioEdit(path: "schemes.\(names[0]).enabled", value: .bool(true))],
            file: dir + "/on.json5")
        #expect(try on.validated().scenario.schemes.map(\.name) == names)
    }

    @Test func editsEqualToTheBaseAreLeftOut() throws {
        let (dir, base) = try copy("baseline.json5")
        let variant = try ScenarioVariant(
            base: base,
            edits: [
                ScenarioEdit(path: "services.reablement.capacity", value: .number(230)),
                ScenarioEdit(path: "working.sevenDayDischarge", value: .bool(true)),
            ], file: dir + "/plan.json5")
        #expect(variant.changes.map(\.field.path) == ["working.sevenDayDischarge"])
        #expect(variant.name == "Baseline: mid-sized system 2016-17, 7-day discharge on")
        #expect(!variant.text.contains("reablement"))
        let loaded = try variant.validated()
        #expect(loaded.scenario.working.sevenDayDischarge)
    }

    @Test func aVariantOutsideItsBasesFolderIsRefused() throws {
        let (dir, base) = try copy("baseline.json5")
        let elsewhere = Fixtures.temporaryDirectory() + "/plan.json5"
        #expect(throws: ScenarioError.self) {
            _ = try ScenarioVariant(
                base: base, edits: [ScenarioEdit(path: "seed", value: .number(3))], file: elsewhere)
        }
        // In a folder above the base is allowed: `extends` reads below.
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try Fixtures.small.write(toFile: dir + "/sub/small.json5", atomically: true, encoding: .utf8)
        let small = try ScenarioLoader.load(path: dir + "/sub/small.json5")
        let above = try ScenarioVariant(
            base: small, edits: [ScenarioEdit(path: "seed", value: .number(3))], file: dir + "/plan.json5")
        #expect(above.text.contains("extends: \"sub/small.json5\""))
        #expect(try above.validated().scenario.seed == 3)
    }

    @Test func namesThatLookLikeCodeStayInTheirStringsAndComments() throws {
        let dir = Fixtures.temporaryDirectory()
        let hostile = Fixtures.small.replacingOccurrences(
            of: "name: \"small\"", with: "name: \"evil\\n}, seed: 9, x: {\\u2028// \\\"quoted\\\"\"")
        try hostile.write(toFile: dir + "/base.json5", atomically: true, encoding: .utf8)
        let base = try ScenarioLoader.load(path: dir + "/base.json5")
        let variant = try ScenarioVariant(
            base: base, edits: [ScenarioEdit(path: "services.reablement.capacity", value: .number(9))],
            file: dir + "/plan.json5")
        let loaded = try variant.validated()
        #expect(loaded.scenario.seed == 11)
        #expect(loaded.scenario.name.hasPrefix(base.scenario.name))
    }

    @Test func aSchemeSwitchedOffIsStillChecked() throws {
        let scheme = """
            schemes: { "more beds": { start: "2021-03-01", enabled: false, effects: { capacity: { beds: 2 } } } },
            """
        let off = Fixtures.small.replacingOccurrences(
            of: "pathways: {\n    \"1\"", with: scheme + "pathways: {\n    \"1\"")
        #expect(off != Fixtures.small)
        #expect(try ScenarioLoader.load(text: off, file: "off.json5").scenario.schemes.isEmpty)
        let bad = off.replacingOccurrences(of: "beds: 2", with: "bedz: 2")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(text: bad, file: "off.json5") }
        let on = off.replacingOccurrences(of: "enabled: false", with: "enabled: true")
        #expect(try ScenarioLoader.load(text: on, file: "on.json5").scenario.schemes.map(\.name) == ["more beds"])
    }
}
