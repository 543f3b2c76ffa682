import Testing

@testable import HomewardKit

@Suite struct OpenTableTests {
    /// The projection's discharge entry, its `prunesBefore` used as a payload, to check that
    /// state follows its key through growth, shrinking and backward shifts.
    typealias Entry = DischargeEntry

    /// The table's contents as a dictionary (slot order does not matter).
    static func contents(_ table: OpenTable<Entry>) -> [UInt32: UInt64] {
        var result: [UInt32: UInt64] = [:]
        for key in table.keys(where: { _ in true }) {
            let i = table.find(key)
            #expect(i >= 0)
            result[key] = table.entry(i).prunesBefore
        }
        return result
    }

    /// Random interleavings of insert, update, look-up, remove, bulk remove and copy, checked
    /// against a `Dictionary` after every operation, with the structural invariants checked
    /// too. Keys come from a small range most of the time (so probe runs collide, merge and
    /// are shifted back) and from the whole of `UInt32` otherwise; a few seeds grow the table
    /// to thousands of keys and bulk-remove most of them (so it shrinks).
    @Test func matchesDictionaryOverManySeeds() {
        for seed in 0..<150 as Range<UInt64> {
            var rng = RandomStream(master: 0x0BE4_7AB1, replication: seed, stream: 0)
            // Some tables share a hash seed, one is the zero seed: nothing depends on it.
            var table = OpenTable<Entry>(seed: seed % 3 == 0 ? 0 : rng.next())
            var model: [UInt32: UInt64] = [:]
            var copies: [(OpenTable<Entry>, [UInt32: UInt64])] = []
            let keyRange = UInt32([40, 200, 5_000][rng.index(below: 3)])
            let operations = seed % 75 == 0 ? 3_000 : 50 + rng.index(below: 400)
            let pRemove = [0.1, 0.3, 0.5][rng.index(below: 3)]
            func randomKey() -> UInt32 {
                rng.uniform() < 0.9 ? UInt32(rng.index(below: Int(keyRange))) : UInt32(truncatingIfNeeded: rng.next())
            }
            for _ in 0..<operations {
                let u = rng.uniform()
                let key = randomKey()
                if u < pRemove {
                    let i = table.findForUpdate(key)
                    #expect((i >= 0) == (model[key] != nil))
                    if i >= 0 {
                        #expect(table.entry(i).prunesBefore == model[key])
                        table.remove(at: i)
                        model[key] = nil
                    }
                } else if u < 0.95 {
                    let value = rng.next()
                    let i = table.slot(for: key)
                    #expect(table.entry(i).key == key)
                    if model[key] == nil { #expect(table.entry(i).prunesBefore == 0) }
                    table.state(i).pointee.prunesBefore = value
                    model[key] = value
                } else if u < 0.97 {
                    let threshold = rng.next()
                    table.removeAll { $0.prunesBefore < threshold }
                    model = model.filter { $0.value >= threshold }
                    #expect(table.capacity == OpenTable<Entry>.minimumCapacity || table.count * 8 >= table.capacity)
                } else if u < 0.98 {
                    copies.append((table, model))
                } else {
                    let probe = randomKey()
                    #expect((table.find(probe) >= 0) == (model[probe] != nil))
                }
                table.checkInvariants()
                #expect(table.count == model.count)
            }
            #expect(Self.contents(table) == model)
            // Copies kept their contents while the original changed (copy on write).
            for (copy, snapshot) in copies {
                copy.checkInvariants()
                #expect(Self.contents(copy) == snapshot)
            }
        }
    }

    /// Changing a copy leaves the original as it was, and the other way round.
    @Test func copiesAreIndependent() {
        var a = OpenTable<Entry>(seed: 7)
        for key in 0..<100 as Range<UInt32> {
            let i = a.slot(for: key)
            a.state(i).pointee.prunesBefore = UInt64(key)
        }
        var b = a
        let five = b.slot(for: 5)
        b.state(five).pointee.prunesBefore = 500
        let six = b.findForUpdate(6)
        b.remove(at: six)
        let added = a.slot(for: 1000)
        a.state(added).pointee.prunesBefore = 1
        a.checkInvariants()
        b.checkInvariants()
        #expect(a.entry(a.find(5)).prunesBefore == 5)
        #expect(a.find(6) >= 0)
        #expect(b.find(1000) < 0)
        #expect(a.count == 101 && b.count == 99)
    }

    /// The table doubles before passing a load factor of 1/2 and shrinks back to the minimum
    /// once almost every key is gone.
    @Test func growsAndShrinks() {
        var table = OpenTable<Entry>(seed: 1)
        let minimum = OpenTable<Entry>.minimumCapacity
        for key in 0..<UInt32(minimum / 2) { _ = table.slot(for: key) }
        #expect(table.capacity == minimum)
        _ = table.slot(for: 1_000_000)
        #expect(table.capacity == 2 * minimum)
        for key in 0..<10_000 as Range<UInt32> { _ = table.slot(for: key &* 2_654_435_761) }
        #expect(table.capacity == 32_768)
        table.checkInvariants()
        table.removeAll { $0.key != 0 }
        table.checkInvariants()
        #expect(table.count == 1 && table.capacity == minimum)
    }
}
