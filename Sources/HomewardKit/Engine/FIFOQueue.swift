/// A first-in, first-out queue on a growable ring buffer.
///
/// Used for the patients waiting for a place in a service. Amortised O(1) push and pop with no
/// allocation once the buffer has grown to the largest queue seen.
public struct FIFOQueue<Element>: Sendable where Element: Sendable {
    private var storage: [Element?]
    private var head = 0
    public private(set) var count = 0

    public init(reservingCapacity capacity: Int = 16) {
        storage = Array(repeating: nil, count: Swift.max(capacity, 1))
    }

    public var isEmpty: Bool { count == 0 }

    /// - Complexity: Amortised O(1).
    public mutating func push(_ element: Element) {
        if count == storage.count { grow() }
        storage[(head + count) % storage.count] = element
        count += 1
    }

    /// Removes and returns the oldest element. - Complexity: O(1).
    public mutating func pop() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return element
    }

    public var first: Element? { count > 0 ? storage[head] : nil }

    private mutating func grow() {
        var bigger = [Element?](repeating: nil, count: storage.count * 2)
        for i in 0..<count { bigger[i] = storage[(head + i) % storage.count] }
        storage = bigger
        head = 0
    }
}
