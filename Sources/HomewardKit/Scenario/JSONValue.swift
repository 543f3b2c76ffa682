// JSONValue.swift
//
// The in-memory JSON tree used for scenario files: a plain value enum plus an object type that
// remembers key order. Parsing lives in JSON5Parser.swift, writing in JSONWriter.swift.

/// A JSON value whose objects keep their keys in source order.
///
/// Numbers are stored as `Double`, as in JavaScript. Equality is structural: objects compare
/// their keys *in order* (see ``JSONObject``), numbers compare with `Double`'s `==`, so
/// `.number(.nan) != .number(.nan)` and `.number(-0.0) == .number(0.0)`.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// A JSON object whose keys keep their source (insertion) order.
///
/// Duplicate keys: when the same key is inserted twice — by the parser or by
/// ``init(_:)`` — the later value wins but the key keeps its *first* position, and the repeated
/// key is appended to ``duplicateKeys`` (one entry per repeated occurrence, in source order) so
/// callers can warn about it. Assigning through the subscript never records a duplicate.
///
/// Equality compares keys in order and their values; ``duplicateKeys`` is not compared.
public struct JSONObject: Equatable, Sendable, Sequence {
    /// A key and its value, as produced by iteration.
    public typealias Element = (key: String, value: JSONValue)

    /// The keys in order: source order for parsed objects, insertion order otherwise.
    public private(set) var keys: [String] = []

    /// Keys that were inserted again while already present (one entry per repetition).
    ///
    /// Filled by the parser and by ``init(_:)``; the later value replaced the earlier one.
    public private(set) var duplicateKeys: [String] = []

    private var storage: [String: JSONValue] = [:]

    /// Creates an empty object.
    public init() {}

    /// Creates an object from key/value pairs, in order.
    ///
    /// A repeated key keeps its first position, takes the later value and is recorded in
    /// ``duplicateKeys``.
    /// - Complexity: O(n) expected.
    public init(_ pairs: [(String, JSONValue)]) {
        keys.reserveCapacity(pairs.count)
        storage.reserveCapacity(pairs.count)
        for (key, value) in pairs {
            insertRecordingDuplicate(key, value)
        }
    }

    /// Inserts or replaces `key`, recording a replacement in ``duplicateKeys``.
    internal mutating func insertRecordingDuplicate(_ key: String, _ value: JSONValue) {
        if storage.updateValue(value, forKey: key) == nil {
            keys.append(key)
        } else {
            duplicateKeys.append(key)
        }
    }

    /// The value for `key`; setting a new key appends it, setting `nil` removes it.
    ///
    /// Replacing the value of an existing key keeps the key's position.
    /// - Complexity: Get and set are O(1) expected; removal is O(n) (the key order is an array).
    public subscript(key: String) -> JSONValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil {
                    keys.append(key)
                }
            } else if storage.removeValue(forKey: key) != nil, let index = keys.firstIndex(of: key) {
                keys.remove(at: index)
            }
        }
    }

    /// The number of keys.
    public var count: Int { keys.count }

    /// Whether the object has no keys.
    public var isEmpty: Bool { keys.isEmpty }

    /// The values in key order.
    public var values: [JSONValue] { keys.map { storage[$0] ?? .null } }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.keys == rhs.keys && lhs.storage == rhs.storage
    }

    /// Iterates `(key, value)` pairs in key order.
    public struct Iterator: IteratorProtocol {
        private var keyIterator: IndexingIterator<[String]>
        private let storage: [String: JSONValue]

        fileprivate init(keys: [String], storage: [String: JSONValue]) {
            self.keyIterator = keys.makeIterator()
            self.storage = storage
        }

        public mutating func next() -> JSONObject.Element? {
            guard let key = keyIterator.next() else { return nil }
            // `storage` always holds every key in `keys`; `.null` is unreachable.
            return (key: key, value: storage[key] ?? .null)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(keys: keys, storage: storage)
    }

    public var underestimatedCount: Int { keys.count }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// Creates an object from a literal, keeping the literal's key order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}

// MARK: - Convenience accessors

extension JSONValue {
    /// The object, if this is `.object`.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The elements, if this is `.array`.
    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The string, if this is `.string`.
    public var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// The number, if this is `.number`.
    public var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The Boolean, if this is `.bool`.
    public var boolValue: Bool? {
        if case .bool(let bool) = self { return bool }
        return nil
    }

    /// Whether this is `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

// MARK: - Literals

extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// Creates an object from a literal, keeping the literal's key order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}
