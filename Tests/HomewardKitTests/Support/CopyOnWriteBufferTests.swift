import Testing

@testable import HomewardKit

@Suite struct CopyOnWriteBufferTests {
    /// Random interleavings of append, change, copy and read, checked against an `Array` per
    /// live copy: every copy keeps its own contents whichever copy changes (the change goes
    /// through the checked `mutableElements()` or, after `makeUnique()`, the unchecked path).
    @Test func copiesMatchArraysOverManySeeds() {
        for seed in 0..<100 as Range<UInt64> {
            var rng = RandomStream(master: 0xC0_B0FF, replication: seed, stream: 0)
            var buffers = [CopyOnWriteBuffer<Int>(minimumCapacity: rng.index(below: 4))]
            var models: [[Int]] = [[]]
            for step in 0..<300 {
                let k = rng.index(below: buffers.count)
                switch rng.index(below: 5) {
                case 0, 1:
                    buffers[k].append(step)
                    models[k].append(step)
                case 2 where models[k].count > 0:
                    let i = rng.index(below: models[k].count)
                    buffers[k].mutableElements()[i] = -step
                    models[k][i] = -step
                case 3 where models[k].count > 0:
                    let i = rng.index(below: models[k].count)
                    buffers[k].makeUnique()
                    let unique = buffers[k].isUnique
                    #expect(unique)
                    buffers[k].assumingUniqueElements()[i] += 1
                    models[k][i] += 1
                case 4 where buffers.count < 6:
                    buffers.append(buffers[k])
                    models.append(models[k])
                default:
                    break
                }
                #expect(buffers[k].count == models[k].count)
                #expect(buffers[k].capacity >= buffers[k].count)
            }
            for (buffer, model) in zip(buffers, models) {
                #expect((0..<buffer.count).map { buffer[$0] } == model)
            }
        }
    }

    /// A copy shares the storage until one side changes; the change makes it unique and
    /// leaves the other side as it was.
    @Test func sharingEndsAtTheFirstChange() {
        var a = CopyOnWriteBuffer<Double>(repeating: 1.5, count: 3)
        var b = a
        let sharedBefore = (a.isUnique, b.isUnique)
        #expect(sharedBefore == (false, false))
        b.mutableElements()[1] = 9
        let sharedAfter = (a.isUnique, b.isUnique)
        #expect(sharedAfter == (true, true))
        #expect([a[0], a[1], a[2]] == [1.5, 1.5, 1.5])
        #expect([b[0], b[1], b[2]] == [1.5, 9, 1.5])
        let c = CopyOnWriteBuffer([4, 5, 6])
        #expect(c.count == 3 && c[2] == 6)
    }
}
