// The simulator's future-event list.

/// The future-event list: a binary min-heap ordered by (time, sequence number). Ties in
/// time are broken by the order of scheduling (FIFO), never by address or at random.
///
/// Entries live in one contiguous array of `{time, sequence, payload}` structs; sift-up
/// and sift-down move a hole rather than swapping, so each displaced entry is written
/// once. Sequence numbers come from a counter that starts at 0 and is never reset (not
/// even by `removeAll()`), so a sequence number identifies one scheduling for the
/// calendar's whole life.
public struct EventCalendar<Payload>: Sendable where Payload: Sendable {
    /// One scheduled event.
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var time: Double
        @usableFromInline var sequence: UInt64
        @usableFromInline var payload: Payload

        @inlinable @inline(__always)
        init(time: Double, sequence: UInt64, payload: Payload) {
            self.time = time
            self.sequence = sequence
            self.payload = payload
        }

        /// Strict (time, sequence) order; sequences are unique, so this is total.
        @inlinable @inline(__always)
        func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && sequence < other.sequence)
        }
    }

    /// The heap, in level order: `storage[i]` precedes its children `2i+1` and `2i+2`.
    @usableFromInline var storage: [Entry]
    /// The sequence number the next `schedule` will hand out.
    @usableFromInline var nextSequence: UInt64

    /// Creates an empty calendar.
    /// - Parameter reservingCapacity: How many entries to make room for up front.
    /// - Complexity: O(1) (one allocation of the reserved capacity).
    @inlinable
    public init(reservingCapacity: Int = 1024) {
        storage = []
        storage.reserveCapacity(Swift.max(0, reservingCapacity))
        nextSequence = 0
    }

    /// The number of scheduled entries.
    /// - Complexity: O(1)
    @inlinable
    public var count: Int { storage.count }

    /// Whether nothing is scheduled.
    /// - Complexity: O(1)
    @inlinable
    public var isEmpty: Bool { storage.isEmpty }

    /// The time of the earliest entry, or nil when empty.
    /// - Complexity: O(1)
    @inlinable
    public var nextTime: Double? { storage.first?.time }

    /// Schedules payload at time; returns the sequence number given to it.
    /// - Parameters:
    ///   - time: When the event is due; must not be NaN. Times earlier than entries
    ///     already popped are accepted (the calendar does not know the clock).
    ///   - payload: The event.
    /// - Returns: The entry's sequence number: 0, 1, 2, … in order of scheduling.
    /// - Complexity: O(log n); amortised O(1) allocation (none while within capacity).
    @inlinable
    @discardableResult
    public mutating func schedule(at time: Double, _ payload: Payload) -> UInt64 {
        precondition(!time.isNaN, "EventCalendar: cannot schedule at time NaN")
        let sequence = nextSequence
        nextSequence &+= 1
        let entry = Entry(time: time, sequence: sequence, payload: payload)
        storage.append(entry)
        storage.withUnsafeMutableBufferPointer { heap in
            // Sift up: move the hole at the end towards the root past every later parent.
            var hole = heap.count - 1
            while hole > 0 {
                let parent = (hole - 1) >> 1
                guard entry.precedes(heap[parent]) else { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = entry
        }
        return sequence
    }

    /// Removes and returns the earliest entry.
    /// - Returns: The entry with the least (time, sequence), or nil when empty.
    /// - Complexity: O(log n); never allocates.
    @inlinable
    public mutating func popNext() -> (time: Double, sequence: UInt64, payload: Payload)? {
        guard let last = storage.popLast() else { return nil }
        guard !storage.isEmpty else {
            return (last.time, last.sequence, last.payload)
        }
        let first = storage.withUnsafeMutableBufferPointer { heap -> Entry in
            let first = heap[0]
            // Sift down: the hole starts at the root; `last` is re-inserted where it fits.
            let n = heap.count
            var hole = 0
            while true {
                var child = 2 &* hole &+ 1
                if child >= n { break }
                let right = child &+ 1
                if right < n && heap[right].precedes(heap[child]) { child = right }
                guard heap[child].precedes(last) else { break }
                heap[hole] = heap[child]
                hole = child
            }
            heap[hole] = last
            return first
        }
        return (first.time, first.sequence, first.payload)
    }

    /// Removes every entry, keeping the storage's capacity. The sequence counter is not
    /// reset, so later sequence numbers stay distinct from earlier ones.
    /// - Complexity: O(n) to release the payloads.
    @inlinable
    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
    }
}
