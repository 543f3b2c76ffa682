import Foundation
import Testing

@testable import HomewardKit

/// `services.NAME.waitingList`: read on downstream services as a whole number from 0 to 10^6,
/// refused with a reason on the acute hospital and crisis response, and listed by the field
/// catalog (so the workbench's form shows it) with the validator's range.
@Suite struct WaitingListFieldTests {
    /// The small scenario with `field` added to service `service` (after its `kind`).
    static func load(_ service: String, _ field: String) -> Result<LoadedScenario, ScenarioError> {
        var text = Fixtures.small
        guard let at = text.range(of: "\(service): { kind: ") else { fatalError("no service \(service)") }
        text.replaceSubrange(at, with: "\(service): { \(field), kind: ")
        do throws(ScenarioError) {
            return .success(try ScenarioLoader.load(text: text, file: "w.json5"))
        } catch { return .failure(error) }
    }

    @Test(arguments: ["reablement", "beds", "careHome", "homeCare"])
    func downstreamServicesTakeAWaitingList(service: String) throws {
        let loaded = try Self.load(service, "waitingList: 3").get()
        let s = try #require(loaded.scenario.serviceIndex(named: service))
        #expect(loaded.scenario.services[s].waitingList == 3)
        #expect(loaded.scenario.services.filter { $0.waitingList != nil }.count == 1)
        let zero = try Self.load(service, "waitingList: 0").get()
        #expect(zero.scenario.services[s].waitingList == 0)
    }

    @Test func withoutTheFieldThereIsNoLimit() throws {
        let s = try Fixtures.smallScenario()
        #expect(s.services.allSatisfy { $0.waitingList == nil })
    }

    @Test(arguments: [
        (
            "acute", "waitingList: 2",
            "w.json5: services.acute.waitingList: is for downstream services; the acute hospital's limit on patients waiting is edWaitingRoom"
        ),
        (
            "rapidResponse", "waitingList: 2",
            "w.json5: services.rapidResponse.waitingList: is for downstream services; crisis response has no queue (a crisis finding it full is conveyed)"
        ),
        (
            "reablement", "waitingList: -1",
            "w.json5: services.reablement.waitingList: must be a whole number >= 0, got -1"
        ),
        ("beds", "waitingList: 2.5", "w.json5: services.beds.waitingList: must be a whole number >= 0, got 2.5"),
        (
            "homeCare", "waitingList: 1000001",
            "w.json5: services.homeCare.waitingList: must be at most 1000000"
        ),
    ])
    func badWaitingListsAreRefused(service: String, field: String, says: String) {
        guard case .failure(let error) = Self.load(service, field) else {
            Issue.record("\(service): \(field) was accepted")
            return
        }
        #expect(error.issues.map(\.description).contains { $0.hasPrefix(says) }, "\(error)")
    }

    /// The catalog lists the field where the scenario gives it, with its range, unit and meaning.
    @Test func theCatalogListsTheField() throws {
        let loaded = try Self.load("reablement", "waitingList: 3").get()
        let catalog = ScenarioFieldCatalog(loaded)
        let field = try #require(catalog.field("services.reablement.waitingList"))
        #expect(field.current == .number(3))
        #expect(field.range == .waitingList)
        #expect(field.group == .services)
        #expect(field.unit == "patients")
        #expect(field.label == "reablement waiting list")
        #expect(field.meaning.contains("placed out of area"))
        #expect(catalog.field("services.beds.waitingList") == nil)
        #expect(FieldRange.waitingList.description == "whole number from 0 to 1,000,000")
    }
}
