/// Growable storage of plain values (no references inside) for the simulation's state that
/// changes on every event: patient records, occupied places, capacities, arrival streams.
///
/// An `Array` stored in a struct checks that its buffer is not shared (a runtime call) on
/// every change, because any call in between might have copied it: in a callgrind profile of
/// the reference model those checks were about 5% of all instructions, mostly from
/// `patients[p].x = ...`. `RunBuffer` keeps copy-on-write semantics but checks only when
/// asked: `Simulation.run()` calls `makeUnique()` on each buffer once, before any change, and
/// nothing can copy the simulation while `run()` is under way (it holds exclusive access to
/// it), so the subscript writes in place without checking. Indexes are still checked.
///
/// Rule: change a `RunBuffer` only inside `Simulation.run()` (or after `makeUnique()`);
/// `append` checks for itself.
struct RunBuffer<Element> {
    final class Storage {
        private(set) var count: Int
        private(set) var capacity: Int
        private(set) var base: UnsafeMutablePointer<Element>

        init(capacity: Int) {
            precondition(_isPOD(Element.self), "RunBuffer holds plain values only")
            self.capacity = max(capacity, 1)
            count = 0
            base = .allocate(capacity: self.capacity)
        }

        deinit { base.deallocate() }  // plain values: nothing to deinitialise

        func copy() -> Storage {
            let s = Storage(capacity: capacity)
            s.base.initialize(from: base, count: count)
            s.count = count
            return s
        }

        func append(_ element: Element) {
            if count == capacity {
                let bigger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
                bigger.moveInitialize(from: base, count: count)
                base.deallocate()
                base = bigger
                capacity *= 2
            }
            (base + count).initialize(to: element)
            count += 1
        }
    }

    private var storage: Storage

    init() { storage = Storage(capacity: 16) }

    init(_ elements: [Element]) {
        storage = Storage(capacity: elements.count)
        for e in elements { storage.append(e) }
    }

    init(repeating element: Element, count: Int) {
        self.init(Array(repeating: element, count: count))
    }

    var count: Int { storage.count }

    /// Makes the storage this value's own (copying it if shared): call before changes.
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    mutating func append(_ element: Element) {
        makeUnique()
        storage.append(element)
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        unsafeAddress {
            precondition(i >= 0 && i < storage.count, "Index out of range")
            return UnsafePointer(storage.base + i)
        }
        unsafeMutableAddress {
            precondition(i >= 0 && i < storage.count, "Index out of range")
            return storage.base + i
        }
    }

    var indices: Range<Int> { 0..<storage.count }
}
