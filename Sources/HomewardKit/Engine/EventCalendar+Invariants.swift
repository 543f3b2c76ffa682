// Debug-only structural checks for EventCalendar. Not called from the hot operations (they
// are O(n)); tests call them after mutations.

extension EventCalendar {
    #if DEBUG
        /// Traps unless the ladder is well formed: the bottom is a heap and is empty only when
        /// the calendar is; every node is in exactly one list (the top, one bucket, or the free
        /// list) and every list's length is recorded; each bucket holds only the times that map
        /// to it; each tier's times are below every higher tier's (the rungs' served buckets are
        /// empty and the top holds exactly the times above `topThreshold`); no NaN times, and
        /// sequence numbers unique and below the counter.
        /// A no-op in release builds.
        /// - Complexity: O(n + buckets) time; allocates a set of n sequence numbers.
        @inline(never)
        func _checkInvariants() {
            var seen = Set<UInt64>(minimumCapacity: entryCount)
            func check(_ entry: Entry, _ place: String) {
                precondition(!entry.time.isNaN, "EventCalendar: NaN time in \(place)")
                precondition(
                    entry.sequence < nextSequence,
                    "EventCalendar: sequence \(entry.sequence) in \(place) not yet issued")
                precondition(
                    seen.insert(entry.sequence).inserted,
                    "EventCalendar: duplicate sequence \(entry.sequence) in \(place)")
            }
            /// Whether entry lies below the unserved buckets of every rung above `depth`.
            func belowRungs(_ entry: Entry, above depth: Int) -> Bool {
                rungs[..<depth].allSatisfy { $0.index(of: entry.time) < $0.current }
            }
            var visited = [Bool](repeating: false, count: nodes.count)
            /// The entries of the list starting at head, marking its nodes visited.
            func walk(_ head: Int32, _ place: String) -> [Entry] {
                var entries: [Entry] = []
                var node = head
                while node != Self.none {
                    precondition(node >= 0 && Int(node) < nodes.count, "EventCalendar: bad link in \(place)")
                    precondition(!visited[Int(node)], "EventCalendar: node \(node) in two lists (\(place))")
                    visited[Int(node)] = true
                    entries.append(nodes[Int(node)].entry)
                    node = nodes[Int(node)].next
                }
                return entries
            }

            precondition(bottom.isEmpty == (entryCount == 0), "EventCalendar: bottom empty while pending")
            for i in bottom.indices {
                check(bottom[i], "the bottom")
                if i > 0 {
                    precondition(
                        bottom[(i - 1) / 2].precedes(bottom[i]),
                        "EventCalendar: bottom heap order broken at \(i)")
                }
                precondition(
                    bottom[i].time <= topThreshold && belowRungs(bottom[i], above: rungs.count),
                    "EventCalendar: bottom entry above a higher tier")
            }
            var total = bottom.count
            var base = 0
            for (depth, rung) in rungs.enumerated() {
                precondition(
                    rung.base == base && rung.width > 0 && rung.current <= rung.width,
                    "EventCalendar: rung \(depth) misplaced")
                precondition(
                    rung.scale.isFinite && rung.scale > 0 && rung.start.isFinite,
                    "EventCalendar: rung \(depth) has no finite width")
                for i in 0..<rung.width {
                    let bucket = buckets[base + i]
                    let entries = walk(bucket.head, "rung \(depth) bucket \(i)")
                    precondition(entries.count == Int(bucket.count), "EventCalendar: bucket count wrong")
                    precondition(i >= rung.current || entries.isEmpty, "EventCalendar: served bucket not empty")
                    for entry in entries {
                        check(entry, "rung \(depth)")
                        precondition(rung.index(of: entry.time) == i, "EventCalendar: entry in the wrong bucket")
                        precondition(
                            entry.time != .infinity && entry.time <= topThreshold,
                            "EventCalendar: rung entry belongs in the top")
                        precondition(belowRungs(entry, above: depth), "EventCalendar: rung entry above a higher rung")
                    }
                    total += entries.count
                }
                base += rung.width
            }
            precondition(buckets.count == base, "EventCalendar: stray buckets")
            let topEntries = walk(top, "the top")
            precondition(topEntries.count == topCount, "EventCalendar: top count wrong")
            precondition(
                topEntries.filter { $0.time == .infinity }.count == topInfinite,
                "EventCalendar: top infinity count wrong")
            let finite = topEntries.map(\.time).filter { $0 != .infinity }
            precondition(
                topMinimum == finite.min() ?? .infinity && topMaximum == finite.max() ?? -.infinity,
                "EventCalendar: top range wrong")
            for entry in topEntries {
                check(entry, "the top")
                precondition(entry.time > topThreshold, "EventCalendar: top entry below the threshold")
            }
            total += topEntries.count
            precondition(total == entryCount, "EventCalendar: count \(entryCount) but \(total) entries")
            _ = walk(freeNodes, "the free list")
            precondition(!visited.contains(false), "EventCalendar: node lost")
        }
    #else
        /// Checks the ladder's structure in debug builds; a no-op in release builds.
        /// - Complexity: O(1)
        @inline(__always)
        func _checkInvariants() {}
    #endif
}
