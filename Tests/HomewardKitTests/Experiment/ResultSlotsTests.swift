import Testing

@testable import HomewardKit

@Suite struct ResultSlotsTests {
    /// Whatever the number of threads, and so whatever order the slots are filled in, the
    /// values come back typed and in slot order.
    @Test(arguments: [1, 2, 3, 8])
    func valuesComeBackInSlotOrder(threads: Int) {
        let n = 200
        let slots = ResultSlots<(index: Int, square: Int)>(count: n)
        Runner.parallelFor(count: n, threads: threads) { i in slots.set(i, (i, i * i)) }
        #expect(slots.filled == n)
        let values = slots.allValues
        #expect(values.map(\.index) == Array(0..<n))
        #expect(values.map(\.square) == (0..<n).map { $0 * $0 })
    }

    /// A slot never set reads as nil in `values`.
    @Test func unsetSlotsAreNil() {
        let slots = ResultSlots<String>(count: 3)
        slots.set(1, "b")
        #expect(slots.values == [nil, "b", nil])
        #expect(slots.filled == 1)
    }
}
