import Testing

@testable import HomewardKit

@Suite struct EventCalendarTests {
    /// One scheduled item in the reference model.
    struct Item: Equatable {
        var time: Double
        var sequence: UInt64
        var payload: Int
    }

    static func precedes(_ a: Item, _ b: Item) -> Bool {
        (a.time, a.sequence) < (b.time, b.sequence)
    }

    /// Random interleavings of schedule and pop, checked against a plain array model:
    /// every pop must return the model's least (time, sequence), and the final drain must
    /// equal the model `sorted()` by (time, sequence). Times come from a small grid most of
    /// the time, so equal times are common and FIFO order among them is exercised.
    @Test func matchesSortedReferenceOverManySeeds() {
        for seed in 0..<2000 as Range<UInt64> {
            var rng = RandomStream(master: 0xCA1E_4DA2, replication: seed, stream: 0)
            var calendar = EventCalendar<Int>(reservingCapacity: 4)  // exercise growth
            var model: [Item] = []
            var issued: UInt64 = 0
            let operations = 20 + rng.index(below: 100)
            let pPop = [0.2, 0.4, 0.5][rng.index(below: 3)]
            for _ in 0..<operations {
                if rng.uniform() < pPop {
                    let next = calendar.popNext()
                    if let best = model.indices.min(by: { Self.precedes(model[$0], model[$1]) }) {
                        let expected = model.remove(at: best)
                        #expect(
                            next.map { Item(time: $0.time, sequence: $0.sequence, payload: $0.payload) } == expected,
                            "seed \(seed)")
                    } else {
                        #expect(next == nil)
                    }
                } else {
                    let time =
                        rng.uniform() < 0.7
                        ? Double(rng.index(below: 6)) * 0.5  // many ties
                        : rng.uniform() * 3
                    let payload = rng.index(below: 1_000_000)
                    let sequence = calendar.schedule(at: time, payload)
                    #expect(sequence == issued)  // 0, 1, 2, … in order
                    issued += 1
                    model.append(Item(time: time, sequence: sequence, payload: payload))
                }
                calendar._checkInvariants()
                #expect(calendar.count == model.count)
                #expect(calendar.isEmpty == model.isEmpty)
                #expect(calendar.nextTime == model.map(\.time).min())
            }
            // Drain and compare with the sorted model.
            let expected = model.sorted(by: Self.precedes)
            var drained: [Item] = []
            while let e = calendar.popNext() {
                drained.append(Item(time: e.time, sequence: e.sequence, payload: e.payload))
                calendar._checkInvariants()
            }
            #expect(drained == expected, "seed \(seed)")
            #expect(calendar.isEmpty && calendar.count == 0 && calendar.nextTime == nil)
            // FIFO among equal times in the drain: sequences increase within a time.
            for (a, b) in zip(drained, drained.dropFirst()) {
                #expect(a.time < b.time || (a.time == b.time && a.sequence < b.sequence))
            }
        }
    }

    /// A discrete-event pattern: pop the earliest, schedule follow-ups at or after it.
    /// Popped times never decrease and equal times come out in scheduling order.
    @Test func simulationPatternIsMonotoneAndFIFO() {
        var rng = RandomStream(seed: 99)
        var calendar = EventCalendar<UInt64>()
        for _ in 0..<50 { calendar.schedule(at: 0, 0) }
        var last: (time: Double, sequence: UInt64) = (-1, 0)
        var pops = 0
        while let e = calendar.popNext(), pops < 20_000 {
            pops += 1
            #expect(e.time > last.time || (e.time == last.time && e.sequence > last.sequence))
            last = (e.time, e.sequence)
            for _ in 0..<rng.index(below: 3) {
                let delay = rng.uniform() < 0.5 ? 0 : Double(rng.index(below: 4))
                calendar.schedule(at: e.time + delay, e.sequence)
            }
        }
        calendar._checkInvariants()
        #expect(pops > 1000)
    }

    @Test func equalTimesPopInSchedulingOrder() {
        var calendar = EventCalendar<String>(reservingCapacity: 0)
        for name in ["a", "b", "c", "d", "e", "f", "g"] { calendar.schedule(at: 5, name) }
        calendar.schedule(at: 1, "first")
        calendar.schedule(at: 9, "last")
        var names: [String] = []
        while let e = calendar.popNext() { names.append(e.payload) }
        #expect(names == ["first", "a", "b", "c", "d", "e", "f", "g", "last"])
    }

    @Test func countIsEmptyNextTimeAndRemoveAll() {
        var calendar = EventCalendar<Int>()
        #expect(calendar.isEmpty && calendar.count == 0 && calendar.nextTime == nil)
        #expect(calendar.popNext() == nil)
        #expect(calendar.schedule(at: 3, 30) == 0)
        #expect(calendar.schedule(at: 1, 10) == 1)
        #expect(calendar.schedule(at: 2, 20) == 2)
        #expect(calendar.count == 3 && !calendar.isEmpty && calendar.nextTime == 1)
        calendar._checkInvariants()
        let e = calendar.popNext()
        #expect(e?.time == 1 && e?.sequence == 1 && e?.payload == 10)
        #expect(calendar.count == 2 && calendar.nextTime == 2)
        calendar.removeAll()
        #expect(calendar.isEmpty && calendar.nextTime == nil)
        // The sequence counter survives removeAll.
        #expect(calendar.schedule(at: 0, 0) == 3)
        calendar._checkInvariants()
    }

    @Test func infiniteAndNegativeTimesOrderCorrectly() {
        var calendar = EventCalendar<Int>()
        calendar.schedule(at: .infinity, 3)
        calendar.schedule(at: -2, 0)
        calendar.schedule(at: 0, 1)
        calendar.schedule(at: .infinity, 4)
        calendar.schedule(at: 1e300, 2)
        var order: [Int] = []
        while let e = calendar.popNext() { order.append(e.payload) }
        #expect(order == [0, 1, 2, 3, 4])
    }
}
