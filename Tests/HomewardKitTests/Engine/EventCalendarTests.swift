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

    // MARK: - The ladder: differential tests and adversarial inputs

    /// A sorted reference: `items` in descending (time, sequence) order, so the least is last.
    struct Reference {
        var items: [Item] = []

        mutating func insert(_ item: Item) {
            // Binary search for the first position whose item precedes `item`.
            var low = 0
            var high = items.count
            while low < high {
                let mid = (low + high) / 2
                if EventCalendarTests.precedes(item, items[mid]) { low = mid + 1 } else { high = mid }
            }
            items.insert(item, at: low)
        }
    }

    /// Checks one pop of calendar against the reference; returns the popped time.
    @discardableResult
    static func popAndCompare(
        _ calendar: inout EventCalendar<Int>, _ reference: inout Reference,
        _ context: @autoclosure () -> String
    ) -> Double? {
        // Compared first and recorded only on a difference: the stress tests pop millions of
        // times, and an expectation macro per pop would cost more than the calendar itself.
        let popped = calendar.popNext().map { Item(time: $0.time, sequence: $0.sequence, payload: $0.payload) }
        let expected = reference.items.popLast()
        if popped != expected {
            Issue.record("\(context()): popped \(String(describing: popped)), expected \(String(describing: expected))")
        }
        if calendar.count != reference.items.count || calendar.nextTime != reference.items.last?.time {
            Issue.record(
                "\(context()): \(calendar.count) pending, next at \(String(describing: calendar.nextTime)); expected \(reference.items.count), next at \(String(describing: reference.items.last?.time))"
            )
        }
        return popped?.time
    }

    /// Random interleavings of schedule, pop and removeAll, with times drawn from changing
    /// mixtures of distributions that stress the ladder (exact ties, same-instant bursts,
    /// huge and tiny increments, adjacent doubles, negative times, times before the last
    /// pop, ±infinity and the extremes of Double), checked after every call against a sorted
    /// reference: identical entries, sequence numbers, count and nextTime.
    @Test func ladderMatchesSortedReferenceUnderStress() {
        for seed in 0..<500 as Range<UInt64> {
            var rng = RandomStream(master: 0x1ADD_E12, replication: seed, stream: 0)
            var calendar = EventCalendar<Int>(reservingCapacity: [0, 4, 1024][rng.index(below: 3)])
            var reference = Reference()
            var issued: UInt64 = 0
            var last = 0.0
            func time(_ kind: Int) -> Double {
                switch kind {
                case 0: return Double(rng.index(below: 6)) * 0.5  // a grid: many ties
                case 1: return last + rng.exponential(mean: 1)  // hold model
                case 2: return last  // same instant
                case 3: return last + rng.uniform() * 1e12  // huge increments
                case 4: return last + rng.uniform() * 1e-12  // tiny increments
                case 5: return last.nextUp  // adjacent doubles
                case 6: return -rng.uniform() * 100  // negative
                case 7: return last - rng.exponential(mean: 5)  // before the last pop
                case 8:
                    return [
                        Double.infinity, -.infinity, .greatestFiniteMagnitude,
                        -.greatestFiniteMagnitude, .leastNonzeroMagnitude, 0,
                    ][rng.index(below: 6)]
                case 9: return (last + rng.exponential(mean: 10)).rounded(.down)  // whole days
                default: return Double(rng.index(below: 1 << 20)) * 1e300  // overflowing ranges
                }
            }
            func schedule(_ t: Double) {
                let payload = rng.index(below: 1_000_000)
                let sequence = calendar.schedule(at: t, payload)
                if sequence != issued { Issue.record("seed \(seed): sequence \(sequence), expected \(issued)") }
                issued += 1
                reference.insert(Item(time: t, sequence: sequence, payload: payload))
            }
            for phase in 0..<3 + rng.index(below: 5) {
                let kinds = (0..<1 + rng.index(below: 3)).map { _ in rng.index(below: 11) }
                let pPop = [0.0, 0.3, 0.5, 0.5, 0.7, 1.0][rng.index(below: 6)]
                for step in 0..<rng.index(below: 600) {
                    let u = rng.uniform()
                    if u < pPop {
                        if let t = Self.popAndCompare(&calendar, &reference, "seed \(seed)"), t.isFinite { last = t }
                    } else if u < pPop + 0.002 {
                        let t = time(kinds[rng.index(below: kinds.count)])
                        for _ in 0..<1 + rng.index(below: 200) { schedule(t) }  // a burst at one instant
                    } else if u < pPop + 0.003 {
                        calendar.removeAll()
                        reference.items.removeAll()
                    } else {
                        schedule(time(kinds[rng.index(below: kinds.count)]))
                    }
                    if (phase + step) % 16 == 0 { calendar._checkInvariants() }
                }
            }
            while !reference.items.isEmpty { Self.popAndCompare(&calendar, &reference, "seed \(seed) drain") }
            #expect(calendar.popNext() == nil && calendar.isEmpty && calendar.nextTime == nil)
            calendar._checkInvariants()
        }
    }

    /// The simulator's pattern at its usual size: ~600 pending, each pop rescheduling at a
    /// mixture of short, long, exact-day and zero delays, so ties are frequent and every
    /// tier of the ladder is used; the popped order must equal the reference's.
    @Test func modelLikeMixMatchesReference() {
        var rng = RandomStream(seed: 7)
        var calendar = EventCalendar<Int>()
        var reference = Reference()
        func schedule(_ t: Double) {
            let payload = rng.index(below: 1_000)
            reference.insert(Item(time: t, sequence: calendar.schedule(at: t, payload), payload: payload))
        }
        for _ in 0..<600 { schedule(rng.uniform() * 91) }
        for step in 0..<50_000 {
            guard let t = Self.popAndCompare(&calendar, &reference, "step \(step)") else { break }
            let u = rng.uniform()
            schedule(
                u < 0.40
                    ? t + rng.exponential(mean: 0.033)
                    : u < 0.75
                        ? t + rng.exponential(mean: 7)
                        : u < 0.87
                            ? (t + rng.exponential(mean: 28)).rounded(.up)
                            : u < 0.99 ? t + 91 : t)
            if step % 1_000 == 0 { calendar._checkInvariants() }
        }
    }

    /// 100,000 entries at one instant (a bucket no rung can split) pop in scheduling order,
    /// interleaved with same-instant reschedules and earlier and later times.
    @Test func hugeSameInstantBurstIsFIFO() {
        var calendar = EventCalendar<Int>()
        calendar.schedule(at: 10, -1)
        for i in 0..<100_000 { calendar.schedule(at: 5, i) }
        calendar._checkInvariants()
        var expected = 0
        while let e = calendar.popNext(), e.time == 5 {
            #expect(e.payload == expected)
            expected += 1
            if expected % 10_000 == 0 {
                calendar.schedule(at: 5, 100_000 + expected / 10_000 - 1)  // joins the end of the instant
                calendar.schedule(at: 4.5, -2)  // earlier than what is popping
                #expect(calendar.popNext()?.payload == -2)
            }
        }
        #expect(expected == 100_010)
        #expect(calendar.isEmpty)
    }

    /// Growth from empty to 200,000 pending at spread-out times and back: every pop in
    /// order, and the storage beyond the reserved capacity is released once empty.
    @Test func growsToTwoHundredThousandAndShrinksWhenEmpty() {
        var rng = RandomStream(seed: 3)
        var calendar = EventCalendar<Int>(reservingCapacity: 16)
        for i in 0..<200_000 { calendar.schedule(at: rng.uniform() * 1_000, i) }
        calendar._checkInvariants()
        var previous = (time: -Double.infinity, sequence: UInt64(0))
        var pops = 0
        while let e = calendar.popNext() {
            #expect(e.time > previous.time || (e.time == previous.time && e.sequence > previous.sequence))
            previous = (e.time, e.sequence)
            pops += 1
            if pops == 100_000 { calendar._checkInvariants() }
        }
        #expect(pops == 200_000)
        #expect(calendar.nodes.capacity <= 16 && calendar.buckets.capacity <= 16)
        #expect(calendar.bottom.capacity <= 64)
    }

    /// Inputs that defeat bucketing: times in reverse order, times before everything already
    /// popped, a geometric cluster at 0 (one bucket after another holds nearly everything),
    /// and ranges whose width overflows. Order must still be exact.
    @Test func adversarialTimesStayInOrder() {
        let patterns: [(String, (Int) -> Double)] = [
            ("reverse", { Double(10_000 - $0) }),
            ("geometric", { 1 / Double(1 << ($0 % 60)) }),
            ("extremes", { $0 % 2 == 0 ? Double($0) * 1e303 : -Double($0) * 1e303 }),
            ("denormal", { Double.leastNonzeroMagnitude * Double($0 % 100) }),
        ]
        for (name, time) in patterns {
            var calendar = EventCalendar<Int>()
            var reference = Reference()
            for i in 0..<5_000 {
                reference.insert(Item(time: time(i), sequence: calendar.schedule(at: time(i), i), payload: i))
                if i % 3 == 0 { Self.popAndCompare(&calendar, &reference, name) }
            }
            calendar._checkInvariants()
            while !reference.items.isEmpty { Self.popAndCompare(&calendar, &reference, name) }
        }
    }
}
