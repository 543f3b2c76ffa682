import Foundation
import Testing

@testable import HomewardKit

/// The catalog of fields a planner may edit: derived from the scenario, with the validator's
/// ranges and the scenario's own source notes.
@Suite struct ScenarioFieldCatalogTests {
    @Test func theBaselineListsItsRunDemandServicesWorkingAndCosts() throws {
        let loaded = try Fixtures.baseline()
        let catalog = ScenarioFieldCatalog(loaded)
        let run = catalog.fields(in: .run)
        #expect(run.map(\.path) == ["horizonDays", "warmupDays", "replications", "seed"])
        #expect(run.map(\.currentText) == ["365", "280", "20", "2016"])
        // Every service's capacity, in the scenario's order.
        let capacities = catalog.fields(in: .services).filter { $0.path.hasSuffix(".capacity") }
        #expect(capacities.map(\.path) == loaded.scenario.services.map { "services.\($0.name).capacity" })
        let reablement = try #require(catalog.field("services.reablement.capacity"))
        #expect(reablement.current == .number(230))
        #expect(reablement.unit == "clients at a time")
        #expect(reablement.range == .capacity)
        #expect(reablement.source.hasPrefix("003 section 2.1 (REACH)"))
        // A capacity calendar: its base is the value, its changes are said to stay.
        let acute = try #require(catalog.field("services.acute.capacity"))
        #expect(acute.current == .number(650))
        #expect(acute.note?.contains("2016-12-01 to 2017-03-31: 680") == true)
        // The seven-day switches, off; the acute cost lines the scenario gives, with their own note.
        #expect(catalog.fields(in: .working).map(\.currentText) == ["false", "false", "false"])
        let delayed = try #require(catalog.field("services.acute.costs.perDelayedDay"))
        #expect(delayed.current == .number(313))
        #expect(delayed.source.hasPrefix("who pays: the NHS"))
        #expect(catalog.field("services.homeCare.costPerWeek")?.current == .number(150))
        // Costs the scenario does not give are not listed; groups come in display order.
        #expect(catalog.field("services.homeCare.costPerDay") == nil)
        let groups = catalog.fields.map(\.group)
        #expect(
            groups
                == groups.sorted {
                    ScenarioField.Group.allCases.firstIndex(of: $0)! < ScenarioField.Group.allCases.firstIndex(of: $1)!
                })
        #expect(catalog.fields(in: .schemes).isEmpty)
        // A validator problem inside a field's value belongs to that field.
        #expect(catalog.field(containing: "services.acute.capacity.base")?.path == "services.acute.capacity")
        #expect(
            catalog.field(containing: "services.acute.capacity.changes[0].capacity")?.path == "services.acute.capacity")
        #expect(catalog.field(containing: "services.acute.kind") == nil)
    }

    @Test func schemesAreSwitchesAndTheirCostsAreCosts() throws {
        let loaded = try ScenarioLoader.load(path: Fixtures.repositoryRoot + "/Scenarios/ashford.json5")
        let catalog = ScenarioFieldCatalog(loaded)
        let schemes = catalog.fields(in: .schemes)
        #expect(schemes.map(\.path) == loaded.scenario.schemes.map { "schemes.\($0.name).enabled" })
        #expect(schemes.allSatisfy { $0.current == .bool(true) && !$0.isGiven && $0.range == .boolean })
        let cost = try #require(catalog.field("schemes.24/7 integrated cluster team.cost.perYear"))
        #expect(cost.current == .number(790_000))
        #expect(cost.group == .costs)
        #expect(cost.source.hasPrefix("The seed gives no cost."))
    }

    @Test func anUncertainValueShowsItsMostLikelyValueAndItsRange() throws {
        let loaded = try ScenarioLoader.load(path: Fixtures.repositoryRoot + "/Scenarios/baseline-uncertain.json5")
        let catalog = ScenarioFieldCatalog(loaded)
        let uncertain = catalog.fields.filter { $0.note?.contains("uncertain") == true }
        #expect(!uncertain.isEmpty)
        for field in uncertain {
            let input = try #require(loaded.uncertain.inputs.first { $0.path == field.path })
            #expect(field.current == input.nominal)
            #expect(field.note?.contains(input.description) == true)
        }
    }

    /// The catalog's ranges are the validator's: a value just beyond either bound of every
    /// numeric field (or a fraction in a whole-number field) is refused by the validator,
    /// naming that field; the bounds themselves come from the same constants.
    @Test func everyRangeIsTheValidatorsRange() throws {
        let dir = Fixtures.temporaryDirectory()
        let base = dir + "/small.json5"
        try Fixtures.small.write(toFile: base, atomically: true, encoding: .utf8)
        let loaded = try ScenarioLoader.load(path: base)
        let catalog = ScenarioFieldCatalog(loaded)
        #expect(catalog.fields.count > 20)
        for field in catalog.fields where field.range.kind != .boolean {
            var beyond: [Double] = [field.range.maximum * 2 + 1]
            if field.range.minimum > -1e12 { beyond.append(field.range.minimum - 1) }
            if field.range.kind == .wholeNumber { beyond.append(field.range.minimum + 0.5) }
            for value in beyond {
                let variant = try ScenarioVariant(
                    base: loaded, edits: [ScenarioEdit(path: field.path, value: .number(value))],
                    file: dir + "/v.json5")
                #expect(throws: ScenarioError.self, "\(field.path) = \(value)") { try variant.validated() }
                do {
                    _ = try variant.validated()
                } catch {
                    #expect(
                        error.issues.contains { $0.path == field.path || $0.path.hasPrefix(field.path + ".") },
                        "\(field.path) = \(value): \(error)")
                }
            }
            #expect(!field.range.contains(.number(field.range.maximum * 2 + 1)))
            #expect(field.range.contains(field.current), "\(field.path)")
        }
    }

    @Test func rangesReadAsAPlannerWritesThem() {
        #expect(FieldRange.capacity.description == "whole number from 0 to 1,000,000")
        #expect(FieldRange.probability.description == "share from 0 to 1")
        #expect(FieldRange.annualGrowth.description == "number from -0.5 to 1")
        #expect(FieldRange.boolean.description == "true or false")
        #expect(FieldRange.capacity.contains(.number(3)) && !FieldRange.capacity.contains(.number(3.5)))
        #expect(!FieldRange.capacity.contains(.bool(true)) && FieldRange.boolean.contains(.bool(false)))
    }
}
