// Debug-only structural checks for EventCalendar, in the style of swift-collections'
// Heap+Invariants.swift. Not called from the hot operations (it is O(n)); tests call it
// after every mutation.

extension EventCalendar {
    #if DEBUG
        /// Traps unless the heap is well formed: no NaN times, every entry's (time, sequence)
        /// not less than its parent's, sequence numbers unique and below the counter.
        /// A no-op in release builds.
        /// - Complexity: O(n) time; allocates a set of n sequence numbers.
        @inline(never)
        func _checkInvariants() {
            var seen = Set<UInt64>(minimumCapacity: storage.count)
            for i in storage.indices {
                let entry = storage[i]
                precondition(!entry.time.isNaN, "EventCalendar: NaN time at \(i)")
                precondition(
                    entry.sequence < nextSequence,
                    "EventCalendar: sequence \(entry.sequence) at \(i) not yet issued")
                precondition(
                    seen.insert(entry.sequence).inserted,
                    "EventCalendar: duplicate sequence \(entry.sequence)")
                if i > 0 {
                    let parent = (i - 1) / 2
                    precondition(
                        storage[parent].precedes(entry),
                        "EventCalendar: heap order broken between \(parent) and \(i)")
                }
            }
        }
    #else
        /// Checks the heap's structure in debug builds; a no-op in release builds.
        /// - Complexity: O(1)
        @inline(__always)
        func _checkInvariants() {}
    #endif
}
