import Foundation
import HomewardKit
import Testing

/// The exact text of validation errors: what a planner sees for each kind of mistake.
@Suite struct ValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        /// (path in the JSON, replacement JSON5 text), applied to the small fixture.
        var edit: (String, String)
        var expected: [String]
        var testDescription: String { name }
    }

    /// Replaces the value at a dotted path of the fixture with `replacement` (JSON5 text,
    /// spliced in verbatim so that NaN and Infinity survive).
    static func edited(_ path: String, _ replacement: String) throws -> String {
        var root = try JSON5.parse(Fixtures.small)
        set(&root, path.split(separator: ".").map(String.init), .string("@@REPLACED@@"))
        return root.jsonText(pretty: true).replacingOccurrences(of: "\"@@REPLACED@@\"", with: replacement)
    }

    static func set(_ node: inout JSONValue, _ path: [String], _ value: JSONValue) {
        guard case .object(var o) = node, let head = path.first else { return }
        if path.count == 1 {
            o[head] = value
        } else {
            var child = o[head] ?? .object(JSONObject())
            set(&child, Array(path.dropFirst()), value)
            o[head] = child
        }
        node = .object(o)
    }

    static let cases: [Case] = [
        Case(
            name: "negative capacity", edit: ("services.reablement.capacity", "-3"),
            expected: ["f.json5: services.reablement.capacity: must be a whole number >= 0, got -3"]),
        Case(
            name: "fractional capacity", edit: ("services.beds.capacity", "2.5"),
            expected: ["f.json5: services.beds.capacity: must be a whole number >= 0, got 2.5"]),
        Case(
            name: "capacity as text", edit: ("services.beds.capacity", "'four'"),
            expected: ["f.json5: services.beds.capacity: must be a whole number >= 0, got a string \"four\""]),
        Case(
            name: "probability above one", edit: ("cohorts.older.inHospitalMortality", "1.3"),
            expected: ["f.json5: cohorts.older.inHospitalMortality: must be a probability from 0 to 1, got 1.3"]),
        Case(
            name: "pathways not summing to one", edit: ("cohorts.older.pathways", "{ '1': 0.5, '2': 0.4 }"),
            expected: ["f.json5: cohorts.older.pathways: probabilities must sum to 1, got 0.9"]),
        Case(
            name: "unknown pathway", edit: ("cohorts.adults.pathways", "{ '9': 1 }"),
            expected: ["f.json5: cohorts.adults.pathways.9: refers to unknown pathway '9' (known: 1, 2, 3, 5)"]),
        Case(
            name: "typo in a field", edit: ("services.reablement.capacty", "8"),
            expected: ["f.json5: services.reablement.capacty: unknown field (did you mean 'capacity'?)"]),
        Case(
            name: "unknown top-level field", edit: ("colour", "'blue'"),
            expected: [
                "f.json5: colour: unknown field (expected one of: name, description, extends, start, horizonDays, warmupDays, replications, seed, population, cohorts, services, pathways, working, census, targets, schemes, demandVariation, warnings)"
            ]),
        Case(
            name: "NaN", edit: ("services.careHome.annualMortality", "NaN"),
            expected: ["f.json5: services.careHome.annualMortality: must be a finite number, got NaN"]),
        Case(
            name: "infinite rate", edit: ("cohorts.adults.crises", "{ perYear: Infinity }"),
            expected: ["f.json5: cohorts.adults.crises.perYear: must be a finite number, got Infinity"]),
        Case(
            name: "bad date", edit: ("start", "'2021-02-30'"),
            expected: ["f.json5: start: must be a real date \"YYYY-MM-DD\", got \"2021-02-30\""]),
        Case(
            name: "absurd horizon", edit: ("horizonDays", "100000"),
            expected: ["f.json5: horizonDays: must be at most 36525, got 100000"]),
        Case(
            name: "unknown service kind", edit: ("services.beds.kind", "'hotel'"),
            expected: [
                "f.json5: services.beds.kind: must be one of acute, crisisResponse, homeReablement, bedBased, careHome, homeCare, got a string \"hotel\""
            ]),
        Case(
            name: "outcome to the wrong kind",
            edit: (
                "services.beds.outcomes", "{ independent: 0.7, careHome: { probability: 0.3, service: 'homeCare' } }"
            ),
            expected: [
                "f.json5: services.beds.outcomes.careHome.service: must name a service of kind careHome, got 'homeCare'"
            ]),
        Case(
            name: "zero capacity with demand", edit: ("services.beds.capacity", "0"),
            expected: [
                "f.json5: services.beds.capacity: is 0 for the whole run, but pathway '3' sends patients there: they would wait in acute beds for ever"
            ]),
        Case(
            name: "missing length of stay", edit: ("cohorts.adults.lengthOfStayDays", "null"),
            expected: ["f.json5: cohorts.adults.lengthOfStayDays: must be an object, got null"]),
        Case(
            name: "missing kind", edit: ("services.beds.kind", "null"),
            expected: [
                "f.json5: services.beds.kind: must be one of acute, crisisResponse, homeReablement, bedBased, careHome, homeCare, got null"
            ]),
        Case(
            name: "two distributions at once",
            edit: ("cohorts.adults.lengthOfStayDays", "{ fixed: 1, exponential: { mean: 2 } }"),
            expected: [
                "f.json5: cohorts.adults.lengthOfStayDays: must name exactly one distribution, got fixed, exponential"
            ]),
        Case(
            name: "triangular out of order",
            edit: ("services.rapidResponse.durationDays", "{ triangular: { min: 3, mode: 1, max: 2 } }"),
            expected: [
                "f.json5: services.rapidResponse.durationDays.triangular: needs min <= mode <= max and min < max, got 3, 1, 2"
            ]),
        Case(
            name: "readmission not cumulative",
            edit: ("cohorts.older.readmission", "{ within30Days: 0.3, within91Days: 0.1 }"),
            expected: [
                "f.json5: cohorts.older.readmission.within91Days: must be >= within30Days (it is cumulative), got 0.1 < 0.3"
            ]),
        Case(
            name: "profile with the wrong length", edit: ("cohorts.adults.dayOfWeek", "[1, 1, 1]"),
            expected: ["f.json5: cohorts.adults.dayOfWeek: must have 7 entries, got 3"]),
        Case(
            name: "no acute service", edit: ("services.acute.kind", "'bedBased'"),
            expected: [
                "f.json5: services.acute.divertAfterHours: unknown field (expected one of: kind, capacity, costPerDay, costPerWeek, costPerEpisode, costs, durationDays, outcomes, delayReason, responsible, countsAsReablement, acceptsWeekends, waitingList)",
                "f.json5: services.acute.durationDays: is required",
                "f.json5: services: must have exactly one service of kind \"acute\", got 0",
            ]),
        Case(
            name: "capacity too large", edit: ("services.beds.capacity", "1e12"),
            expected: ["f.json5: services.beds.capacity: must be at most 1000000, got 1000000000000"]),
        Case(
            name: "negative level CV", edit: ("demandVariation", "{ annualLevelCV: -0.1, winterSeverityCV: 0.02 }"),
            expected: ["f.json5: demandVariation.annualLevelCV: must be >= 0, got -0.1"]),
        Case(
            name: "missing winter CV", edit: ("demandVariation", "{ annualLevelCV: 0.02 }"),
            expected: ["f.json5: demandVariation.winterSeverityCV: is required"]),
        Case(
            name: "CV above one", edit: ("demandVariation", "{ annualLevelCV: 2, winterSeverityCV: 0 }"),
            expected: ["f.json5: demandVariation.annualLevelCV: must be <= 1, got 2"]),
        Case(
            name: "winter month out of range",
            edit: ("demandVariation", "{ annualLevelCV: 0.02, winterSeverityCV: 0.02, winterMonths: [12, 13] }"),
            expected: ["f.json5: demandVariation.winterMonths[1]: must be at most 12, got 13"]),
        Case(
            name: "winter month twice",
            edit: ("demandVariation", "{ annualLevelCV: 0.02, winterSeverityCV: 0.02, winterMonths: [1, 2, 1] }"),
            expected: ["f.json5: demandVariation.winterMonths[2]: month 1 is listed twice"]),
        Case(
            name: "no winter months",
            edit: ("demandVariation", "{ annualLevelCV: 0.02, winterSeverityCV: 0.02, winterMonths: [] }"),
            expected: ["f.json5: demandVariation.winterMonths: must list at least one calendar month (1-12)"]),
        Case(
            name: "misspelt demand-variation field",
            edit: ("demandVariation", "{ annualLevelCv: 0.02, winterSeverityCV: 0.02 }"),
            expected: [
                "f.json5: demandVariation.annualLevelCv: unknown field (did you mean 'annualLevelCV'?)",
                "f.json5: demandVariation.annualLevelCV: is required",
            ]),
    ]

    @Test(arguments: cases)
    func reportsTheExactProblem(_ c: Case) throws {
        let text = try Self.edited(c.edit.0, c.edit.1)
        do {
            _ = try ScenarioLoader.load(text: text, file: "f.json5")
            Issue.record("expected validation to fail")
        } catch {
            #expect(error.issues.map(\.description) == c.expected)
        }
    }

    @Test func reportsEveryProblemNotJustTheFirst() throws {
        var text = try Self.edited("services.reablement.capacity", "-1")
        text = text.replacingOccurrences(of: "\"successRate\": 0.7", with: "\"successRate\": 7")
        do {
            _ = try ScenarioLoader.load(text: text, file: "f.json5")
            Issue.record("expected validation to fail")
        } catch {
            #expect(error.issues.count == 2)
        }
    }

    @Test func malformedJSON5NamesLineAndColumn() {
        do {
            _ = try ScenarioLoader.load(text: "{\n  name: 'x',\n  horizonDays: 12 13\n}", file: "bad.json5")
            Issue.record("expected a parse error")
        } catch {
            #expect(
                error.issues.map(\.description) == [
                    "bad.json5: not valid JSON5: line 3, column 19: expected ',' or '}' after object member"
                ])
        }
    }

    @Test func duplicateKeysAreReportedEvenThroughExtends() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/base.json5", atomically: true, encoding: .utf8)
        try "{ extends: 'base.json5', services: { beds: { capacity: 5, capacity: 6 } } }".write(
            toFile: dir + "/v.json5", atomically: true, encoding: .utf8)
        do {
            _ = try ScenarioLoader.load(path: dir + "/v.json5")
            Issue.record("expected a duplicate-key error")
        } catch {
            #expect(
                error.issues.map(\.description) == ["\(dir)/v.json5: services.beds.capacity: is given more than once"])
        }
    }

    @Test func namesWithDotsAreRejected() throws {
        let text = Fixtures.small.replacingOccurrences(
            of: "homeCare: { kind: \"homeCare\"", with: "\"home.care\": { kind: \"homeCare\"")
        #expect(text != Fixtures.small)
        do {
            _ = try ScenarioLoader.load(text: text, file: "f.json5")
            Issue.record("expected a name error")
        } catch {
            #expect(
                error.issues.map(\.description).contains(
                    "f.json5: services.home.care: names must not be empty or contain '.' (they become metric keys), got \"home.care\""
                ))
        }
    }

    @Test func anOutcomeIntoAServiceWithNoPlacesIsRejected() throws {
        let text = try Self.edited("services.homeCare.capacity", "0")
        do {
            _ = try ScenarioLoader.load(text: text, file: "f.json5")
            Issue.record("expected an error")
        } catch {
            #expect(
                error.issues.map(\.description) == [
                    "f.json5: services.homeCare.capacity: is 0 for the whole run, but reablement sends patients there (outcome home care): they would wait in reablement for ever"
                ])
        }
    }

    @Test func theShippedScenariosAreValid() throws {
        let dir = Fixtures.repositoryRoot + "/Scenarios"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json5") }
        #expect(files.count >= 2)
        for f in files { _ = try ScenarioLoader.load(path: dir + "/" + f) }
    }

    @Test func extendsOverlaysAndDetectsCycles() throws {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/base.json5", atomically: true, encoding: .utf8)
        try "{ extends: 'base.json5', services: { reablement: { capacity: 30 } } }".write(
            toFile: dir + "/v.json5", atomically: true, encoding: .utf8)
        let variant = try ScenarioLoader.load(path: dir + "/v.json5").scenario
        let base = try ScenarioLoader.load(path: dir + "/base.json5").scenario
        #expect(variant.services[variant.serviceIndex(named: "reablement")!].capacity.initial == 30)
        #expect(
            variant.services[variant.serviceIndex(named: "reablement")!].duration
                == base.services[base.serviceIndex(named: "reablement")!].duration)

        // A distribution of another family replaces the base's whole.
        try "{ extends: 'base.json5', cohorts: { adults: { lengthOfStayDays: { exponential: { mean: 4 } } } } }".write(
            toFile: dir + "/d.json5", atomically: true, encoding: .utf8)
        let replaced = try ScenarioLoader.load(path: dir + "/d.json5").scenario
        #expect(replaced.cohorts[replaced.cohortIndex(named: "adults")!].lengthOfStay == .exponential(mean: 4))

        try "{ extends: 'b.json5' }".write(toFile: dir + "/a.json5", atomically: true, encoding: .utf8)
        try "{ extends: 'a.json5' }".write(toFile: dir + "/b.json5", atomically: true, encoding: .utf8)
        do {
            _ = try ScenarioLoader.load(path: dir + "/a.json5")
            Issue.record("expected a cycle error")
        } catch {
            #expect(error.issues.map(\.message) == ["forms a cycle: a.json5 -> b.json5 -> a.json5"])
        }
        do {
            _ = try ScenarioLoader.load(path: dir + "/missing.json5")
            Issue.record("expected a missing-file error")
        } catch {
            #expect(error.issues.map(\.description) == ["\(dir)/missing.json5: no such file"])
        }
    }
}

extension ValidationTests {
    @Test func aHugeUnknownNameIsRefusedQuicklyAndShownShortened() throws {
        // Found by the fuzzer: a 4-million-character target metric took over 30 s, spent on
        // "did you mean" edit distances and lower-casing it once per known metric.
        let long = String(repeating: "x", count: 1_000_000)
        let text = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",", with: "name: \"small\", targets: [{ metric: \"\(long)\", atMost: 1 }],")
        let clock = ContinuousClock()
        let started = clock.now
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(text: text, file: "s.json5") }
        #expect(clock.now - started < .seconds(10))
        #expect(error.description.contains("s.json5: targets[0].metric: unknown metric 'xxxxxxxxxx"))
        #expect(error.description.contains("... (1000000 characters)' (see docs/metrics.md)"))
    }
}
