import Testing

@testable import HomewardKit

/// `RunBuffer` checks for sharing once per `Simulation.run()`, not on every change: copies
/// must still be independent.
@Suite struct RunBufferTests {
    @Test func copiesAreIndependentAfterMakeUnique() {
        var a = RunBuffer<Int>([1, 2, 3])
        var b = a
        b.makeUnique()
        b[0] = 10
        b.append(4)
        #expect(a[0] == 1 && a.count == 3)
        #expect(b[0] == 10 && b.count == 4 && b[3] == 4)
        a.append(5)  // append checks for itself
        #expect(a.count == 4 && a[3] == 5 && b[3] == 4)
        for i in 0..<1_000 { a.append(i) }  // growth keeps the contents
        #expect(a.count == 1_004 && a[0] == 1 && a[1_003] == 999)
    }

    struct Recorder: EventSink {
        var events: [Event] = []
        mutating func append(_ event: Event) { events.append(event) }
    }

    /// A simulation copied before it runs: both copies run to the same events, and running
    /// one does not disturb the other.
    @Test func aCopiedSimulationRunsIndependently() throws {
        let scenario = try Fixtures.smallScenario()
        var first = Simulation(scenario: scenario, seed: 9, replication: 2, sink: Recorder())
        var second = first
        first.run()
        #expect(second.sink.events.isEmpty)
        second.run()
        #expect(!first.sink.events.isEmpty)
        #expect(first.sink.events == second.sink.events)
        // Running a finished simulation's copy again changes only the copy.
        var third = first
        let before = first.sink.events.count
        third.run()
        #expect(first.sink.events.count == before)
    }
}
