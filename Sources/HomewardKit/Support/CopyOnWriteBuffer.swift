/// The count and capacity of a `CopyOnWriteBuffer`, kept in front of its elements.
struct CopyOnWriteBufferHeader {
    var count: Int
    var capacity: Int
}

/// Contiguous, growable storage of plain values (no references inside) with value semantics:
/// copies share the elements until one of them is changed (copy on write).
///
/// This type owns the one unsafe decision that state changed on every event needs: whether a
/// change checks that the storage is not shared (a runtime call) or relies on a check made
/// earlier. An `Array` in a struct checks on every change, because any call in between might
/// have copied it; the simulation's per-event state changes several times per event, so its
/// owners check once and then change elements through pointers.
/// - `makeUnique()`, `append(_:)` and `mutableElements()` check, and copy the elements if the
///   storage is shared.
/// - `assumingUniqueElements()` does not check in release builds. It is for an owner that has
///   called `makeUnique()` and cannot be copied before its changes end. Debug builds (so the
///   tests) trap if the storage is shared, so a missing `makeUnique()` is found instead of
///   silently changing every copy.
///
/// A pointer handed out stays valid until the buffer grows, is copied on write, or is
/// released. The header and the elements share one allocation (a `ManagedBuffer`).
///
/// - Complexity: element access O(1); `makeUnique()` O(1) when unique, O(count) when it
///   copies; `append(_:)` amortised O(1) (the capacity doubles).
struct CopyOnWriteBuffer<Element> {
    /// Not a subclass and not constrained: the elements are plain values, so nothing needs
    /// deinitialising, and an unconstrained generic class's metadata is cheap to make.
    typealias Storage = ManagedBuffer<CopyOnWriteBufferHeader, Element>

    private var storage: Storage

    /// An empty buffer with room for `minimumCapacity` elements.
    init(minimumCapacity: Int = 16) {
        storage = Self.makeStorage(capacity: minimumCapacity)
    }

    /// A buffer of `count` copies of `element`.
    init(repeating element: Element, count: Int) {
        storage = Self.makeStorage(capacity: count)
        storage.withUnsafeMutablePointers { header, elements in
            elements.initialize(repeating: element, count: count)
            header.pointee.count = count
        }
    }

    /// A buffer of `elements`, in order.
    init(_ elements: [Element]) {
        storage = Self.makeStorage(capacity: elements.count)
        storage.withUnsafeMutablePointers { header, base in
            elements.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress!, count: $0.count) }
            header.pointee.count = elements.count
        }
    }

    private static func makeStorage(capacity: Int) -> Storage {
        precondition(_isPOD(Element.self), "CopyOnWriteBuffer holds plain values only")
        let capacity = max(capacity, 1)
        return Storage.create(minimumCapacity: capacity) { _ in
            CopyOnWriteBufferHeader(count: 0, capacity: capacity)
        }
    }

    @inline(__always)
    private var header: CopyOnWriteBufferHeader {
        storage.withUnsafeMutablePointerToHeader { $0.pointee }
    }

    /// The number of elements.
    var count: Int {
        @inline(__always) get { header.count }
    }

    /// The number of elements the storage holds before it must grow.
    var capacity: Int {
        @inline(__always) get { header.capacity }
    }

    /// The elements, to read (not to change: copies may share them).
    var elements: UnsafePointer<Element> {
        @inline(__always) get { UnsafePointer(storage.withUnsafeMutablePointerToElements { $0 }) }
    }

    /// The element at `i` (traps when `i` is out of range, as an array index would).
    @inline(__always)
    subscript(i: Int) -> Element {
        precondition(i >= 0 && i < count, "Index out of range")
        return elements[i]
    }

    /// Whether no other buffer shares the storage.
    var isUnique: Bool {
        mutating get { isKnownUniquelyReferenced(&storage) }
    }

    /// Makes the storage this buffer's own, copying the elements if it is shared.
    @inline(__always)
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { reallocate(capacity: capacity) }
    }

    /// The elements, to change: the storage is made unique first.
    @inline(__always)
    mutating func mutableElements() -> UnsafeMutablePointer<Element> {
        makeUnique()
        return storage.withUnsafeMutablePointerToElements { $0 }
    }

    /// The elements, to change, without checking that the storage is unique: the caller has
    /// called `makeUnique()` and nothing can have copied the buffer since. Debug builds trap if
    /// the storage is shared.
    @inline(__always)
    mutating func assumingUniqueElements() -> UnsafeMutablePointer<Element> {
        assert(isKnownUniquelyReferenced(&storage), "CopyOnWriteBuffer changed while shared: call makeUnique() first")
        return storage.withUnsafeMutablePointerToElements { $0 }
    }

    /// Adds `element` at the end, making the storage unique and growing it as needed.
    mutating func append(_ element: Element) {
        let header = header
        if header.count == header.capacity {
            reallocate(capacity: header.capacity * 2)
        } else {
            makeUnique()
        }
        storage.withUnsafeMutablePointers { header, elements in
            (elements + header.pointee.count).initialize(to: element)
            header.pointee.count += 1
        }
    }

    /// Moves the elements into new storage of `capacity` (at least the count), leaving any
    /// other buffer sharing the old storage as it was.
    private mutating func reallocate(capacity: Int) {
        let count = count
        let fresh = Self.makeStorage(capacity: capacity)
        fresh.withUnsafeMutablePointers { header, elements in
            elements.initialize(from: self.elements, count: count)
            header.pointee.count = count
        }
        storage = fresh
    }
}
