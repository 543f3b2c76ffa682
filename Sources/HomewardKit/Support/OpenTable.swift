/// What an `OpenTable` slot holds: a key and whether the slot is in use, plus the state.
protocol TableEntry {
    /// An unused slot.
    init()
    /// A used slot for `key`, with no state set.
    init(key: UInt32)
    var key: UInt32 { get }
    var isPresent: Bool { get }
}

/// A hash table of plain entries keyed by `UInt32`: open addressing with linear probing,
/// deletion by backward shift (so no tombstones), growing and shrinking geometrically.
///
/// The projection keeps its per-patient state in two of them instead of seven
/// `Dictionary<UInt32, …>`, so an event costs one probe sequence with a multiplicative hash
/// instead of several SipHash look-ups, and no allocation once the table has reached the size
/// of the keys present. Any `UInt32` is a valid key (ids in a log read from a file are
/// arbitrary), and memory follows the number of keys present, never their values. The hash
/// is keyed with a random seed per table, so that keys chosen to collide cannot be written
/// into a log; nothing observable may depend on the order of slots (`Projection.finishAll`
/// sorts the ids it visits).
///
/// - Probing: a key's home slot is the top bits of a keyed multiply-xorshift-multiply hash;
///   a key lives in the first slot from its home (wrapping) not taken by another key, and
///   every slot between its home and its own slot is in use.
/// - Load factor: at most 1/2 (`count * 2 <= capacity`); inserting a key into a table that
///   would pass it first doubles the table (rehashing every key). The capacity is a power of
///   two, at least `minimumCapacity`.
/// - Deletion: `remove(at:)` empties the slot and shifts back later keys of the same probe
///   run whose home does not lie after the hole, so look-ups never need tombstones; it never
///   shrinks the table. `removeAll(where:)` then halves the table while fewer than 1/8 of its
///   slots are used.
///
/// Value semantics: copies share storage until one of them is changed (copy on write, by a
/// `CopyOnWriteBuffer`). The `mutating` look-ups make the storage unique, so that `state(_:)`
/// and `remove(at:)` on the slot they return change it in place without checking again
/// (debug builds check).
///
/// - Complexity: `find`, `findForUpdate`, `slot(for:)` and `remove(at:)` take expected O(1)
///   time at a load factor of at most 1/2 (expected probe length below 2.5 for a miss with
///   linear probing), O(capacity) for the insertion that doubles the table (amortised O(1)),
///   and O(capacity) on the first change after a copy. `removeAll(where:)` and
///   `keys(where:)` take O(capacity).
struct OpenTable<Entry: TableEntry> {
    static var minimumCapacity: Int { 64 }

    /// The slots: `storage.count` is the capacity, every slot initialised (used or not).
    private var storage: CopyOnWriteBuffer<Entry>
    /// Keys present.
    private(set) var count = 0
    /// 64 - log2(capacity): the hash's top bits index the table.
    private var shift: UInt64
    private let seed: UInt64

    init(seed: UInt64 = UInt64.random(in: .min ... .max)) {
        storage = CopyOnWriteBuffer(repeating: Entry(), count: Self.minimumCapacity)
        shift = UInt64(64 - Self.minimumCapacity.trailingZeroBitCount)
        self.seed = seed
    }

    var capacity: Int { storage.count }

    /// Whether inserting a new key would make the table grow.
    var isFull: Bool { (count &+ 1) &* 2 > capacity }

    @inline(__always)
    func home(_ key: UInt32) -> Int {
        // A keyed multiply-xorshift-multiply mix; the top bits are the best mixed.
        var h = (UInt64(key) ^ seed) &* 0x9E37_79B9_7F4A_7C15
        h ^= h &>> 29
        h = h &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: h &>> shift)
    }

    /// The slot holding `key`, or -1. Read-only.
    @inline(__always)
    func find(_ key: UInt32) -> Int {
        let slots = storage.elements
        let mask = capacity &- 1
        var i = home(key)
        while slots[i].isPresent {
            if slots[i].key == key { return i }
            i = (i &+ 1) & mask
        }
        return -1
    }

    /// The slot holding `key`, or -1; the storage is made unique, so the slot may be changed.
    @inline(__always)
    mutating func findForUpdate(_ key: UInt32) -> Int {
        storage.makeUnique()
        return find(key)
    }

    /// The slot holding `key`, inserted with no state set if absent; the storage is made
    /// unique, so the slot may be changed. (A `PatientState` left with no field set must be
    /// given back with `removeIfEmpty`.)
    @inline(__always)
    mutating func slot(for key: UInt32) -> Int {
        storage.makeUnique()
        let found = find(key)
        if found >= 0 { return found }
        if isFull { resize(to: capacity &* 2) }
        let slots = storage.assumingUniqueElements()
        let mask = capacity &- 1
        var i = home(key)
        while slots[i].isPresent { i = (i &+ 1) & mask }
        slots[i] = Entry(key: key)
        count &+= 1
        return i
    }

    /// The entry in slot `i`, to read.
    @inline(__always)
    func entry(_ i: Int) -> Entry { storage.elements[i] }

    /// The entry in slot `i`, to change in place: `i` comes from a mutating look-up (which made
    /// the storage unique) and the pointer is used before the table next changes shape.
    @inline(__always)
    mutating func state(_ i: Int) -> UnsafeMutablePointer<Entry> { storage.assumingUniqueElements() + i }

    /// Removes the key in slot `i` (after a mutating look-up), shifting later keys of its
    /// probe run back into the hole.
    mutating func remove(at i: Int) {
        let slots = storage.assumingUniqueElements()
        let mask = capacity &- 1
        var hole = i
        var j = (i &+ 1) & mask
        while slots[j].isPresent {
            // The key at j may fill the hole if the hole lies between its home and j.
            let h = home(slots[j].key)
            if (j &- h) & mask >= (j &- hole) & mask {
                slots[hole] = slots[j]
                hole = j
            }
            j = (j &+ 1) & mask
        }
        slots[hole] = Entry()
        count &-= 1
    }

    /// Rehashes every key into a table of `newCapacity` slots (a power of two, at least twice
    /// the count).
    mutating func resize(to newCapacity: Int) {
        let old = storage
        var fresh = CopyOnWriteBuffer(repeating: Entry(), count: newCapacity)
        let oldSlots = old.elements
        let newSlots = fresh.assumingUniqueElements()  // just made
        shift = UInt64(64 - newCapacity.trailingZeroBitCount)
        let mask = newCapacity &- 1
        for k in 0..<old.count where oldSlots[k].isPresent {
            var i = home(oldSlots[k].key)
            while newSlots[i].isPresent { i = (i &+ 1) & mask }
            newSlots[i] = oldSlots[k]
        }
        storage = fresh
    }

    /// Removes every entry for which `shouldRemove` is true (it must not depend on the order of
    /// the slots), then shrinks the table if it is mostly empty.
    mutating func removeAll(where shouldRemove: (Entry) -> Bool) {
        storage.makeUnique()
        let slots = storage.elements
        var i = 0
        while i < capacity {
            if slots[i].isPresent && shouldRemove(slots[i]) {
                // Backward shift only moves keys not yet visited into slots >= i (and keys
                // already visited, which are tested again harmlessly), so look at i again.
                remove(at: i)
                continue
            }
            i += 1
        }
        shrinkIfSparse()
    }

    /// Halves the table while fewer than 1/8 of its slots are used, so that memory follows
    /// the patients present.
    mutating func shrinkIfSparse() {
        var target = capacity
        while target > Self.minimumCapacity && count &* 8 < target { target /= 2 }
        if target != capacity { resize(to: max(target, Self.minimumCapacity)) }
    }

    /// The keys whose entry satisfies `predicate`, in slot order.
    func keys(where predicate: (Entry) -> Bool) -> [UInt32] {
        var result: [UInt32] = []
        let slots = storage.elements
        for i in 0..<capacity where slots[i].isPresent && predicate(slots[i]) {
            result.append(slots[i].key)
        }
        return result
    }
}

// MARK: - Invariants

extension OpenTable {
    #if DEBUG
        /// Traps unless the table is well formed: the capacity is a power of two, at least
        /// `minimumCapacity`, and matches the hash's shift; `count` is the number of used
        /// slots and at most half the capacity; no key is in two slots; and `find` reaches
        /// every key at its own slot, which holds only if every slot from the key's home to
        /// its slot is in use (no hole a look-up would stop at).
        /// A no-op in release builds.
        /// - Complexity: O(capacity) time, no allocation.
        @inline(never)
        func checkInvariants() {
            precondition(capacity >= Self.minimumCapacity, "OpenTable: capacity below the minimum")
            precondition(capacity.nonzeroBitCount == 1, "OpenTable: capacity \(capacity) not a power of two")
            precondition(
                shift == UInt64(64 - capacity.trailingZeroBitCount), "OpenTable: shift does not match capacity")
            var used = 0
            for i in 0..<capacity where entry(i).isPresent {
                used += 1
                let key = entry(i).key
                // `find` stops at the first empty slot or at the first slot holding the key,
                // so reaching i proves the run is unbroken and no earlier slot holds the key.
                precondition(find(key) == i, "OpenTable: key \(key) in slot \(i) not found along its probe run")
            }
            precondition(used == count, "OpenTable: count \(count) but \(used) slots used")
            precondition(count * 2 <= capacity, "OpenTable: load factor above 1/2")
        }
    #else
        @inline(__always)
        func checkInvariants() {}
    #endif
}
