import Foundation
import HomewardKit
import Testing

/// A variant that misspells the name of one of its base's services or cohorts adds a new,
/// incomplete entry; the problem must name the likely intended entry, not only the consequence.
@Suite struct VariantNameTests {
    func problems(of variant: String) throws -> [String] {
        let dir = Fixtures.temporaryDirectory()
        try Fixtures.small.write(toFile: dir + "/base.json5", atomically: true, encoding: .utf8)
        try variant.write(toFile: dir + "/v.json5", atomically: true, encoding: .utf8)
        do {
            _ = try ScenarioLoader.load(path: dir + "/v.json5")
            return []
        } catch {
            return error.issues.map { "\($0.path): \($0.message)" }
        }
    }

    @Test func aMisspeltServiceNamesTheServiceMeant() throws {
        #expect(
            try problems(of: "{ extends: 'base.json5', services: { reablment: { capacity: 30 } } }") == [
                "services.reablment: no such service in the base scenario (did you mean 'reablement'?); read as a new service it fails: services.reablment.kind: is required"
            ])
    }

    @Test func aCohortInTheWrongCaseIsOneProblemNotFive() throws {
        let found = try problems(
            of: "{ extends: 'base.json5', cohorts: { Older: { crises: { perThousandPerYear: 9 } } } }")
        #expect(found.count == 1)
        #expect(
            found.first?.hasPrefix("cohorts.Older: no such cohort in the base scenario (did you mean 'older'?)") == true
        )
    }

    @Test func aCompleteNewServiceWithASimilarNameIsAccepted() throws {
        let variant = """
            { extends: 'base.json5', services: { reablement2: { kind: "homeReablement", capacity: 3,
              durationDays: { exponential: { mean: 20 } }, outcomes: { independent: 1 } } } }
            """
        #expect(try problems(of: variant) == [])
    }

    @Test func problemsElsewhereAreLeftAsTheyAre() throws {
        #expect(
            try problems(
                of: "{ extends: 'base.json5', services: { reablment: { capacity: 30 }, beds: { capacity: -1 } } }"
            )
            .count == 2)
        // A name far from every base name is a new entry, reported as such.
        #expect(
            try problems(of: "{ extends: 'base.json5', services: { stepUp: { capacity: 3 } } }") == [
                "services.stepUp.kind: is required"
            ])
    }
}
