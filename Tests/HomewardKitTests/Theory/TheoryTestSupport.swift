import Foundation
import Testing

@testable import HomewardKit

/// Shared helpers for the queueing-theory and model-invariant tests (Theory/ and Model/).
///
/// Names carry a `Theory` prefix so that they cannot collide with helpers other test files
/// define in the same module.
enum TheorySupport {
    /// The repository root: this file is Tests/HomewardKitTests/Theory/TheoryTestSupport.swift.
    static func repositoryRoot(filePath: String = #filePath) -> String {
        var url = URL(fileURLWithPath: filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }

    /// `Scenarios/baseline.json5`, loaded and validated.
    static func baseline() throws -> Scenario {
        let path = (repositoryRoot() as NSString).appendingPathComponent("Scenarios/baseline.json5")
        return try ScenarioLoader.load(path: path).scenario
    }

    /// Parses and validates scenario text.
    static func scenario(_ text: String, file: String = "test.json5") throws(ScenarioError) -> Scenario {
        try ScenarioLoader.load(text: text, file: file).scenario
    }

    /// Runs one replication and returns its whole event log.
    static func events(_ scenario: Scenario, seed: UInt64, replication: Int) -> [Event] {
        var simulation = Simulation(
            scenario: scenario, seed: seed, replication: replication, sink: TheoryEventRecorder())
        simulation.run()
        return simulation.sink.events
    }

    /// Runs one replication into a custom sink and returns the sink.
    static func run<Sink: EventSink>(_ scenario: Scenario, seed: UInt64, replication: Int, sink: Sink) -> Sink {
        var simulation = Simulation(scenario: scenario, seed: seed, replication: replication, sink: sink)
        simulation.run()
        return simulation.sink
    }

    /// Whether `theory` lies in the interval `ci` widened on each side by `margin · |theory|`.
    static func covers(_ ci: ConfidenceInterval, _ theory: Double, relativeMargin margin: Double) -> Bool {
        ci.low - margin * abs(theory) <= theory && theory <= ci.high + margin * abs(theory)
    }

    static func format(_ x: Double, _ digits: Int = 4) -> String { String(format: "%.\(digits)f", x) }

    static func describe(_ ci: ConfidenceInterval, _ digits: Int = 4) -> String {
        "\(format(ci.mean, digits)) [\(format(ci.low, digits)), \(format(ci.high, digits))] (\(Int(ci.level * 1000) / 10)% CI, n=\(ci.count))"
    }
}

/// Keeps every event of a replication.
struct TheoryEventRecorder: EventSink {
    var events: [Event] = []
    init() { events.reserveCapacity(1 << 16) }
    mutating func append(_ event: Event) { events.append(event) }
}
