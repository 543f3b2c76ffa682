// The simulator's future-event list.

/// The future-event list: a ladder queue (Tang, Goh & Thng, 2005) ordered by (time,
/// sequence number). Ties in time are broken by the order of scheduling (FIFO), never by
/// address or at random.
///
/// Entries are kept in three tiers, each holding only entries later than every entry in
/// the tiers below it:
/// - the *bottom*, a small binary min-heap by (time, sequence) that `popNext()` serves;
/// - the *rungs*, a stack of bucket arrays, each finer than the one above: rung r splits
///   a time range into equal-width buckets, and bucket i holds the entries whose time
///   maps to i (unsorted, as a linked list of nodes in one shared pool);
/// - the *top*, an unsorted list of every entry later than the time the rungs cover.
/// When the bottom runs dry, the first non-empty bucket of the lowest rung moves down to
/// it; a bucket holding more than `bucketLimit` entries is first spread over a new, finer
/// rung instead; when no rung is left, the top becomes rung 0 (or goes straight to the
/// bottom when it is small). Each entry is moved a bounded number of times and the bottom
/// stays small, so with the smooth distributions of a simulation `schedule` and
/// `popNext` take O(1) amortised time whatever the number of pending events.
///
/// Exact order: a bucket's index is `(time - start) * scale` rounded down and clamped to
/// the rung, which never decreases as time increases (IEEE subtraction and multiplication
/// by a positive constant round monotonically), so equal times always share a bucket and
/// every entry of an earlier bucket is strictly earlier in time than every entry of a later
/// one. Only the bottom compares sequence numbers, and it holds every entry tied with its
/// least, so the order popped is exactly the (time, sequence) order of a sorted list.
///
/// Unsmooth inputs stay correct and at worst behave like a binary heap: a bucket that
/// cannot be split (all one time, a range too wide or too narrow for a finite width, or
/// `maximumRungs` reached) goes to the bottom whole, and entries scheduled before the
/// bucket being served (times earlier than those already popped, say) go straight to the
/// bottom; both then cost O(log n). `+infinity` entries wait in the top until nothing
/// else is pending. Sequence numbers come from a counter that starts at 0 and is never
/// reset (not even by `removeAll()`), so a sequence number identifies one scheduling for
/// the calendar's whole life.
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

    /// An entry waiting in the top or in a rung's bucket: a link in a singly linked list.
    @usableFromInline
    struct Node: Sendable {
        @usableFromInline var entry: Entry
        /// The next node of the same list, or `none`.
        @usableFromInline var next: Int32

        @inlinable @inline(__always)
        init(entry: Entry, next: Int32) {
            self.entry = entry
            self.next = next
        }
    }

    /// One bucket of a rung: the head of its node list and the list's length.
    @usableFromInline
    struct Bucket: Sendable {
        @usableFromInline var head: Int32
        @usableFromInline var count: Int32

        @inlinable @inline(__always)
        init(head: Int32, count: Int32) {
            self.head = head
            self.count = count
        }
    }

    /// One rung: `width` buckets at `buckets[base ..< base + width]`; an entry at time t
    /// belongs to bucket `index(of: t)`. Buckets before `current` have been moved down.
    @usableFromInline
    struct Rung: Sendable {
        @usableFromInline var start: Double
        /// Buckets per unit of time: positive and finite.
        @usableFromInline var scale: Double
        @usableFromInline var base: Int
        @usableFromInline var width: Int
        @usableFromInline var current: Int

        @inlinable @inline(__always)
        init(start: Double, scale: Double, base: Int, width: Int) {
            self.start = start
            self.scale = scale
            self.base = base
            self.width = width
            current = 0
        }

        /// The bucket for time t: monotone in t, clamped to `0 ..< width`.
        @inlinable @inline(__always)
        func index(of time: Double) -> Int {
            let x = (time - start) * scale
            return x < Double(width) ? (x > 0 ? Int(x) : 0) : width &- 1
        }
    }

    /// The end of a node list.
    @inlinable @inline(__always) static var none: Int32 { -1 }
    /// The most entries a bucket may hand to the bottom unless it cannot be split.
    @inlinable @inline(__always) static var bucketLimit: Int { 64 }
    /// The most rungs at once; deeper clusters go to the bottom unsplit.
    @inlinable @inline(__always) static var maximumRungs: Int { 8 }

    /// The bottom, a binary heap in level order: `bottom[i]` precedes `2i+1` and `2i+2`.
    /// Never empty while anything is scheduled.
    @usableFromInline var bottom: [Entry]
    /// Storage for the nodes of the top and of every bucket; free nodes form a list.
    @usableFromInline var nodes: [Node]
    /// The head of the list of free nodes in `nodes`.
    @usableFromInline var freeNodes: Int32
    /// The buckets of every rung, rung 0 first.
    @usableFromInline var buckets: [Bucket]
    /// The rungs, coarsest (rung 0) first.
    @usableFromInline var rungs: [Rung]
    /// The top's list: every entry with time > `topThreshold`.
    @usableFromInline var top: Int32
    @usableFromInline var topCount: Int
    /// How many of the top's entries are at +infinity.
    @usableFromInline var topInfinite: Int
    /// The least and greatest finite times in the top.
    @usableFromInline var topMinimum: Double
    @usableFromInline var topMaximum: Double
    /// Entries later than this go to the top; the rungs and the bottom hold the rest.
    @usableFromInline var topThreshold: Double
    /// The number of scheduled entries.
    @usableFromInline var entryCount: Int
    /// How large the bottom may grow from entries scheduled below every rung before it is
    /// spread over a new rung: at least twice its size when last refilled or spread.
    @usableFromInline var bottomLimit: Int
    /// The storage kept when the calendar empties (what `init` reserved).
    @usableFromInline let reservedCapacity: Int
    /// The sequence number the next `schedule` will hand out.
    @usableFromInline var nextSequence: UInt64

    /// Creates an empty calendar.
    /// - Parameter reservingCapacity: How many entries to make room for up front.
    /// - Complexity: O(1) (allocations of the reserved capacity).
    @inlinable
    public init(reservingCapacity: Int = 1024) {
        reservedCapacity = Swift.max(0, reservingCapacity)
        bottom = []
        bottom.reserveCapacity(Swift.min(reservedCapacity, Self.bucketLimit))
        nodes = []
        nodes.reserveCapacity(reservedCapacity)
        buckets = []
        buckets.reserveCapacity(reservedCapacity)
        rungs = []
        rungs.reserveCapacity(Self.maximumRungs)
        freeNodes = Self.none
        top = Self.none
        topCount = 0
        topInfinite = 0
        topMinimum = .infinity
        topMaximum = -.infinity
        topThreshold = -.infinity
        bottomLimit = 2 * Self.bucketLimit
        entryCount = 0
        nextSequence = 0
    }

    /// The number of scheduled entries.
    /// - Complexity: O(1)
    @inlinable
    public var count: Int { entryCount }

    /// Whether nothing is scheduled.
    /// - Complexity: O(1)
    @inlinable
    public var isEmpty: Bool { entryCount == 0 }

    /// The time of the earliest entry, or nil when empty.
    /// - Complexity: O(1)
    @inlinable
    public var nextTime: Double? { bottom.first?.time }

    /// Schedules payload at time; returns the sequence number given to it.
    /// - Parameters:
    ///   - time: When the event is due; must not be NaN. Times earlier than entries
    ///     already popped are accepted (the calendar does not know the clock).
    ///   - payload: The event.
    /// - Returns: The entry's sequence number: 0, 1, 2, … in order of scheduling.
    /// - Complexity: O(1) amortised for a time within or after the range being served
    ///   (at most one bucket per rung is examined); O(log n) for an earlier time.
    ///   Amortised O(1) allocation (none while within capacity).
    @inlinable
    @discardableResult
    public mutating func schedule(at time: Double, _ payload: Payload) -> UInt64 {
        precondition(!time.isNaN, "EventCalendar: cannot schedule at time NaN")
        let sequence = nextSequence
        nextSequence &+= 1
        let entry = Entry(time: time, sequence: sequence, payload: payload)
        if entryCount == 0 {
            // Empty: the entry is the bottom; later times go to the top.
            topThreshold = time
            pushBottom(entry)
        } else if time > topThreshold {
            pushTop(entry)
        } else {
            insertBelowTop(entry)
        }
        entryCount &+= 1
        return sequence
    }

    /// Removes and returns the earliest entry.
    /// - Returns: The entry with the least (time, sequence), or nil when empty.
    /// - Complexity: O(1) amortised for smooth inputs (O(log b) on a bottom of b entries,
    ///   b ≤ `bucketLimit` except for unsplittable buckets); O(n) for the one call that
    ///   moves an unsplittable bucket of n entries to the bottom. Allocates only when a new
    ///   rung or the bottom outgrows its capacity.
    @inlinable
    public mutating func popNext() -> (time: Double, sequence: UInt64, payload: Payload)? {
        guard entryCount > 0 else { return nil }
        let first = popBottom()
        entryCount &-= 1
        if bottom.isEmpty {
            if entryCount == 0 { releaseStorage() } else { refillBottom() }
        }
        return (first.time, first.sequence, first.payload)
    }

    /// Removes every entry, keeping storage up to the capacity reserved at `init`. The
    /// sequence counter is not reset, so later sequence numbers stay distinct from earlier
    /// ones.
    /// - Complexity: O(n) to release the payloads.
    @inlinable
    public mutating func removeAll() {
        entryCount = 0
        releaseStorage()
    }

    // MARK: - The bottom (binary heap)

    @inlinable @inline(__always)
    mutating func pushBottom(_ entry: Entry) {
        bottom.append(entry)
        bottom.withUnsafeMutableBufferPointer { heap in
            // Sift up: move the hole at the end towards the root past every later parent.
            var hole = heap.count &- 1
            while hole > 0 {
                let parent = (hole &- 1) >> 1
                guard entry.precedes(heap[parent]) else { break }
                heap[hole] = heap[parent]
                hole = parent
            }
            heap[hole] = entry
        }
    }

    /// Removes the bottom's least entry; the bottom must not be empty.
    @inlinable @inline(__always)
    mutating func popBottom() -> Entry {
        let last = bottom.removeLast()
        guard !bottom.isEmpty else { return last }
        return bottom.withUnsafeMutableBufferPointer { heap -> Entry in
            let first = heap[0]
            // The hole starts at the root; `last` is re-inserted where it fits.
            Self.siftDown(heap, last, from: 0)
            return first
        }
    }

    /// Sift down: fills the hole at `hole` with `entry`, first moving up each child that
    /// precedes it, so that the subtree below `hole` is a heap again (if it was one apart
    /// from the hole).
    @inlinable @inline(__always)
    static func siftDown(_ heap: UnsafeMutableBufferPointer<Entry>, _ entry: Entry, from hole: Int) {
        let n = heap.count
        var hole = hole
        while true {
            var child = 2 &* hole &+ 1
            if child >= n { break }
            let right = child &+ 1
            if right < n && heap[right].precedes(heap[child]) { child = right }
            guard heap[child].precedes(entry) else { break }
            heap[hole] = heap[child]
            hole = child
        }
        heap[hole] = entry
    }

    // MARK: - Nodes, the top and the rungs

    /// Stores entry in a node whose `next` is next; returns the node's index.
    @inlinable @inline(__always)
    mutating func makeNode(_ entry: Entry, next: Int32) -> Int32 {
        let node = freeNodes
        if node == Self.none {
            precondition(nodes.count < Int(Int32.max), "EventCalendar: more than 2^31 pending events")
            nodes.append(Node(entry: entry, next: next))
            return Int32(truncatingIfNeeded: nodes.count &- 1)
        }
        nodes.withUnsafeMutableBufferPointer { nodes in
            freeNodes = nodes[Int(node)].next
            nodes[Int(node)] = Node(entry: entry, next: next)
        }
        return node
    }

    @inlinable @inline(__always)
    mutating func pushTop(_ entry: Entry) {
        top = makeNode(entry, next: top)
        topCount &+= 1
        if entry.time == .infinity {
            topInfinite &+= 1
        } else {
            topMinimum = Swift.min(topMinimum, entry.time)
            topMaximum = Swift.max(topMaximum, entry.time)
        }
    }

    /// Links a node holding a +infinity entry into the top's list.
    @inlinable
    mutating func keepInfiniteInTop(_ node: Int32) {
        nodes[Int(node)].next = top
        top = node
        topCount &+= 1
        topInfinite &+= 1
    }

    /// Files an entry no later than `topThreshold`: into the coarsest rung whose unserved
    /// buckets cover its time, else (earlier than every unserved bucket) into the bottom.
    @inlinable @inline(__always)
    mutating func insertBelowTop(_ entry: Entry) {
        var r = 0
        while r < rungs.count {
            let rung = rungs[r]
            let i = rung.index(of: entry.time)
            if i >= rung.current {
                let b = rung.base &+ i
                let node = makeNode(entry, next: buckets[b].head)
                buckets.withUnsafeMutableBufferPointer { buckets in
                    buckets[b].head = node
                    buckets[b].count &+= 1
                }
                return
            }
            r &+= 1
        }
        if bottom.count >= bottomLimit && spreadBottom() {
            insertBelowTop(entry)
        } else {
            pushBottom(entry)
        }
    }

    /// Spreads the bottom, grown past `bottomLimit` by early entries, over a new lowest
    /// rung and refills it from there; returns false (and doubles the limit) when the
    /// bottom cannot be split, holds +infinity, or the rungs are at `maximumRungs`.
    @inlinable @inline(never)
    mutating func spreadBottom() -> Bool {
        var minimum = Double.infinity
        var maximum = -Double.infinity
        // With an infinite threshold no rung may form: +infinity would have no top to wait in.
        var splittable = rungs.count < Self.maximumRungs && topThreshold < .infinity
        for entry in bottom where splittable {
            if entry.time == .infinity {
                splittable = false
            } else if entry.time.isFinite {
                minimum = Swift.min(minimum, entry.time)
                maximum = Swift.max(maximum, entry.time)
            }
        }
        guard splittable && pushRung(count: bottom.count, minimum: minimum, maximum: maximum) else {
            bottomLimit = 2 &* bottom.count
            return false
        }
        let rung = rungs[rungs.count &- 1]
        for entry in bottom {
            let b = rung.base &+ rung.index(of: entry.time)
            buckets[b].head = makeNode(entry, next: buckets[b].head)
            buckets[b].count &+= 1
        }
        bottom.removeAll(keepingCapacity: true)
        refillBottom()
        return true
    }

    /// Moves the non-empty list starting at head to the empty bottom (appending, then
    /// heapifying) and frees its nodes.
    @inlinable
    mutating func moveToBottom(_ head: Int32) {
        var tail = head
        while true {
            bottom.append(nodes[Int(tail)].entry)
            let next = nodes[Int(tail)].next
            if next == Self.none { break }
            tail = next
        }
        nodes[Int(tail)].next = freeNodes
        freeNodes = head
        guard bottom.count > 1 else { return }
        bottom.withUnsafeMutableBufferPointer { heap in
            // Floyd's heap construction: sift each parent down, last parent first.
            var parent = heap.count / 2 &- 1
            while parent >= 0 {
                Self.siftDown(heap, heap[parent], from: parent)
                parent &-= 1
            }
        }
    }

    /// The least and greatest finite times in the list starting at head.
    @inlinable
    func finiteRange(_ head: Int32) -> (minimum: Double, maximum: Double) {
        var minimum = Double.infinity
        var maximum = -Double.infinity
        var node = head
        while node != Self.none {
            let time = nodes[Int(node)].entry.time
            if time.isFinite {
                minimum = Swift.min(minimum, time)
                maximum = Swift.max(maximum, time)
            }
            node = nodes[Int(node)].next
        }
        return (minimum, maximum)
    }

    /// Pushes a rung spreading count entries with finite times in minimum ... maximum
    /// over count buckets, or returns false when no positive, finite bucket width splits
    /// that range (one time, or a range that overflows or underflows).
    @inlinable
    mutating func pushRung(count: Int, minimum: Double, maximum: Double) -> Bool {
        guard minimum < maximum else { return false }
        let scale = Double(count) / (maximum - minimum)
        guard scale.isFinite && scale > 0 else { return false }
        rungs.append(Rung(start: minimum, scale: scale, base: buckets.count, width: count))
        buckets.append(contentsOf: repeatElement(Bucket(head: Self.none, count: 0), count: count))
        return true
    }

    /// Spreads the list starting at head over the lowest rung's buckets, except entries
    /// at +infinity, which are returned as a list.
    @inlinable
    mutating func spread(_ head: Int32) -> Int32 {
        let rung = rungs[rungs.count &- 1]
        var infinite = Self.none
        var node = head
        while node != Self.none {
            let n = Int(node)
            let next = nodes[n].next
            let time = nodes[n].entry.time
            if time == .infinity {
                nodes[n].next = infinite
                infinite = node
            } else {
                let b = rung.base &+ rung.index(of: time)
                nodes[n].next = buckets[b].head
                buckets[b].head = node
                buckets[b].count &+= 1
            }
            node = next
        }
        return infinite
    }

    /// Refills the empty bottom from the lowest rung, splitting crowded buckets into finer
    /// rungs, and from the top when no rung is left; something must be scheduled.
    @inlinable @inline(never)
    mutating func refillBottom() {
        fillBottom()
        bottomLimit = 2 &* Swift.max(Self.bucketLimit, bottom.count)
    }

    @inlinable
    mutating func fillBottom() {
        while let rung = rungs.last {
            // The lowest rung's first bucket not yet served, if any.
            var i = rung.current
            while i < rung.width && buckets[rung.base &+ i].count == 0 { i &+= 1 }
            guard i < rung.width else {
                buckets.removeLast(rung.width)
                rungs.removeLast()
                continue
            }
            rungs[rungs.count &- 1].current = i &+ 1
            let bucket = buckets[rung.base &+ i]
            buckets[rung.base &+ i] = Bucket(head: Self.none, count: 0)
            if i == rung.width &- 1 {
                // The rung's last bucket: the rung is spent, so a finer rung replaces it
                // (a far outlier then costs one rung, not one per pass).
                buckets.removeLast(rung.width)
                rungs.removeLast()
            }
            let count = Int(bucket.count)
            if count > Self.bucketLimit && rungs.count < Self.maximumRungs {
                let range = finiteRange(bucket.head)
                if pushRung(count: count, minimum: range.minimum, maximum: range.maximum) {
                    // Rungs hold no +infinity entries (the top keeps them).
                    _ = spread(bucket.head)
                    continue
                }
            }
            moveToBottom(bucket.head)
            return
        }
        // No rung: the top becomes rung 0, keeping its +infinity entries, or goes to the
        // bottom whole when it is small, cannot be split, or is all +infinity.
        let list = top
        let total = topCount
        let finite = total &- topInfinite
        let minimum = topMinimum
        let maximum = topMaximum
        top = Self.none
        topCount = 0
        topInfinite = 0
        topMinimum = .infinity
        topMaximum = -.infinity
        if finite > Self.bucketLimit && pushRung(count: finite, minimum: minimum, maximum: maximum) {
            topThreshold = maximum
            var node = spread(list)
            while node != Self.none {
                let next = nodes[Int(node)].next
                keepInfiniteInTop(node)
                node = next
            }
            fillBottom()
        } else {
            topThreshold = finite > 0 ? maximum : .infinity
            if finite > 0 && finite < total {
                // Keep the +infinity entries in the top; the rest go to the bottom.
                var node = list
                while node != Self.none {
                    let next = nodes[Int(node)].next
                    if nodes[Int(node)].entry.time == .infinity {
                        keepInfiniteInTop(node)
                    } else {
                        pushBottom(nodes[Int(node)].entry)
                        nodes[Int(node)].next = freeNodes
                        freeNodes = node
                    }
                    node = next
                }
            } else {
                moveToBottom(list)
            }
        }
    }

    /// Resets an empty calendar, keeping storage only up to the reserved capacity.
    @inlinable @inline(never)
    mutating func releaseStorage() {
        bottom.removeAll(keepingCapacity: bottom.capacity <= Swift.max(reservedCapacity, Self.bucketLimit))
        nodes.removeAll(keepingCapacity: nodes.capacity <= reservedCapacity)
        buckets.removeAll(keepingCapacity: buckets.capacity <= reservedCapacity)
        rungs.removeAll(keepingCapacity: true)
        freeNodes = Self.none
        top = Self.none
        topCount = 0
        topInfinite = 0
        topMinimum = .infinity
        topMaximum = -.infinity
        topThreshold = -.infinity
        bottomLimit = 2 * Self.bucketLimit
    }
}
