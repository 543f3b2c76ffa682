/// Growable storage of plain values (no references inside) for the simulation's state that
/// changes on every event: patient records, occupied places, capacities, arrival streams.
///
/// An `Array` stored in a struct checks that its buffer is not shared (a runtime call) on
/// every change, because any call in between might have copied it; most of those checks came
/// from `patients[p].x = ...`. `RunBuffer` keeps copy-on-write semantics but checks only when
/// asked: `Simulation.run()` calls `makeUnique()` on each buffer once, before any change, and
/// nothing can copy the simulation while `run()` is under way (it holds exclusive access to
/// it), so the subscript writes in place without checking. Indexes are still checked, and
/// debug builds check that the storage is unique on every write (see `CopyOnWriteBuffer`,
/// which owns that decision).
struct RunBuffer<Element> {
    private var buffer: CopyOnWriteBuffer<Element>

    init() { buffer = CopyOnWriteBuffer() }

    init(_ elements: [Element]) { buffer = CopyOnWriteBuffer(elements) }

    init(repeating element: Element, count: Int) {
        buffer = CopyOnWriteBuffer(repeating: element, count: count)
    }

    var count: Int { buffer.count }

    /// Makes the storage this value's own (copying it if shared): call before changes.
    @inline(__always)
    mutating func makeUnique() { buffer.makeUnique() }

    mutating func append(_ element: Element) { buffer.append(element) }

    @inline(__always)
    subscript(i: Int) -> Element {
        unsafeAddress {
            precondition(i >= 0 && i < buffer.count, "Index out of range")
            return buffer.elements + i
        }
        unsafeMutableAddress {
            precondition(i >= 0 && i < buffer.count, "Index out of range")
            return buffer.assumingUniqueElements() + i
        }
    }

    var indices: Range<Int> { 0..<buffer.count }
}
