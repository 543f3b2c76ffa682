/// Reads typed fields out of a JSON tree, collecting every problem with its field path.
///
/// Each accessor returns a usable value (the default, or nil) even when the field is wrong, so
/// reading carries on and reports all problems in one pass.
struct FieldReader {
    let file: String
    /// The first `ScenarioError.maximumShown` problems found.
    var issues: [ScenarioIssue] = []
    /// How many more problems were found and not kept (their messages never built).
    var moreIssues = 0
    var sources: [(path: String, text: String)] = []

    init(file: String) { self.file = file }

    /// Whether the problems shown are all kept: any more are only counted.
    var isFull: Bool { issues.count >= ScenarioError.maximumShown }

    /// Records a problem: kept while fewer than `ScenarioError.maximumShown` are, else counted.
    /// A message that is costly to build (a suggestion search, a list of names) is built only
    /// when `isFull` is false, so millions of problems cost little.
    mutating func fail(_ path: String, _ message: String) {
        guard !isFull else {
            moreIssues += 1
            return
        }
        // One problem per line: names and values from the file are shown with escapes.
        func oneLine(_ s: String) -> String {
            s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        }
        issues.append(ScenarioIssue(file: file, path: oneLine(path), message: oneLine(message)))
    }

    // MARK: - Objects

    /// The object at `value`, reporting fields not in `allowed` (with a suggestion) and
    /// collecting its `source` note.
    mutating func object(_ value: JSONValue?, _ path: String, allowed: [String], required: Bool = true) -> JSONObject? {
        guard let value else {
            if required { fail(path, "is required") }
            return nil
        }
        guard case .object(let o) = value else {
            fail(path, "must be an object, got \(describe(value))")
            return nil
        }
        for key in o.keys where key != "source" && !allowed.contains(key) {
            if isFull {
                moreIssues += 1
            } else if let guess = closest(key, in: allowed) {
                fail(join(path, key), "unknown field (did you mean '\(guess)'?)")
            } else {
                fail(join(path, key), "unknown field (expected one of: \(allowed.joined(separator: ", ")))")
            }
        }
        if let source = o["source"], o.keys.contains("source") {
            if case .string(let text) = source {
                sources.append((path.isEmpty ? "(scenario)" : path, text))
            } else {
                fail(join(path, "source"), "must be a string, got \(describe(source))")
            }
        }
        return o
    }

    /// An object used as a map from names to entries (`services`, `cohorts`, ...).
    mutating func map(_ value: JSONValue?, _ path: String, required: Bool = true) -> [(String, JSONValue)] {
        guard let value else {
            if required { fail(path, "is required") }
            return []
        }
        guard case .object(let o) = value else {
            fail(path, "must be an object, got \(describe(value))")
            return []
        }
        if let source = o["source"], source.stringValue == nil {
            fail(
                join(path, "source"),
                "must be a string (a note on where the numbers come from; 'source' cannot be used as a name)")
        }
        let entries = o.filter { $0.key != "source" }.map { ($0.key, $0.value) }
        for (key, _) in entries where key.isEmpty || key.contains(".") {
            fail(join(path, key), "names must not be empty or contain '.' (they become metric keys), got \"\(key)\"")
        }
        return entries
    }

    // MARK: - Scalars

    mutating func number(
        _ o: JSONObject?, _ key: String, _ path: String, default fallback: Double? = nil,
        min: Double? = nil, max: Double? = nil, exclusiveMin: Bool = false
    ) -> Double? {
        let p = join(path, key)
        guard let value = o?[key] else {
            if fallback == nil && o != nil { fail(p, "is required") }
            return fallback
        }
        return checkNumber(value, p, min: min, max: max, exclusiveMin: exclusiveMin) ?? fallback
    }

    mutating func checkNumber(
        _ value: JSONValue, _ p: String, min: Double? = nil, max: Double? = nil, exclusiveMin: Bool = false
    ) -> Double? {
        guard case .number(let x) = value else {
            fail(p, "must be a number, got \(describe(value))")
            return nil
        }
        guard x.isFinite else {
            fail(p, "must be a finite number, got \(format(x))")
            return nil
        }
        if let min, exclusiveMin ? x <= min : x < min {
            fail(p, "must be \(exclusiveMin ? ">" : ">=") \(format(min)), got \(format(x))")
            return nil
        }
        if let max, x > max {
            fail(p, "must be <= \(format(max)), got \(format(x))")
            return nil
        }
        return x
    }

    mutating func integer(
        _ o: JSONObject?, _ key: String, _ path: String, default fallback: Int? = nil, min: Int = 0,
        max: Int = 1_000_000_000
    ) -> Int? {
        let p = join(path, key)
        guard let value = o?[key] else {
            if fallback == nil && o != nil { fail(p, "is required") }
            return fallback
        }
        return checkInteger(value, p, min: min, max: max) ?? fallback
    }

    mutating func checkInteger(_ value: JSONValue, _ p: String, min: Int = 0, max: Int = 1_000_000_000) -> Int? {
        guard case .number(let x) = value else {
            fail(p, "must be a whole number >= \(min), got \(describe(value))")
            return nil
        }
        guard x.isFinite, x == x.rounded(), x >= Double(min) else {
            fail(p, "must be a whole number >= \(min), got \(format(x))")
            return nil
        }
        guard x <= Double(max) else {
            fail(p, "must be at most \(max), got \(format(x))")
            return nil
        }
        return Int(x)
    }

    mutating func probability(_ o: JSONObject?, _ key: String, _ path: String, default fallback: Double? = nil)
        -> Double?
    {
        let p = join(path, key)
        guard let value = o?[key] else {
            if fallback == nil && o != nil { fail(p, "is required") }
            return fallback
        }
        return checkProbability(value, p) ?? fallback
    }

    mutating func checkProbability(_ value: JSONValue, _ p: String) -> Double? {
        guard case .number(let x) = value, x.isFinite, x >= 0, x <= 1 else {
            let got: String
            if case .number(let x) = value { got = format(x) } else { got = describe(value) }
            fail(p, "must be a probability from 0 to 1, got \(got)")
            return nil
        }
        return x
    }

    mutating func string(_ o: JSONObject?, _ key: String, _ path: String, default fallback: String? = nil) -> String? {
        let p = join(path, key)
        guard let value = o?[key] else {
            if fallback == nil && o != nil { fail(p, "is required") }
            return fallback
        }
        guard case .string(let s) = value else {
            fail(p, "must be a string, got \(describe(value))")
            return fallback
        }
        return s
    }

    mutating func bool(_ o: JSONObject?, _ key: String, _ path: String, default fallback: Bool) -> Bool {
        guard let value = o?[key] else { return fallback }
        guard case .bool(let b) = value else {
            fail(join(path, key), "must be true or false, got \(describe(value))")
            return fallback
        }
        return b
    }

    mutating func date(_ o: JSONObject?, _ key: String, _ path: String, required: Bool = true) -> CivilDate? {
        guard let value = o?[key] else {
            if required && o != nil { fail(join(path, key), "is required") }
            return nil
        }
        return checkDate(value, join(path, key))
    }

    mutating func checkDate(_ value: JSONValue, _ p: String) -> CivilDate? {
        guard case .string(let text) = value else {
            fail(p, "must be a date \"YYYY-MM-DD\", got \(describe(value))")
            return nil
        }
        guard let d = CivilDate(iso: text) else {
            fail(p, "must be a real date \"YYYY-MM-DD\", got \"\(text)\"")
            return nil
        }
        return d
    }

    /// A list of numbers of a fixed length (profiles), each >= 0, not all zero.
    mutating func profile(_ o: JSONObject?, _ key: String, _ path: String, count: Int) -> [Double] {
        let flat = [Double](repeating: 1, count: count)
        guard let value = o?[key] else { return flat }
        let p = join(path, key)
        guard case .array(let items) = value else {
            fail(p, "must be a list of \(count) numbers, got \(describe(value))")
            return flat
        }
        guard items.count == count else {
            fail(p, "must have \(count) entries, got \(items.count)")
            return flat
        }
        var xs: [Double] = []
        for (i, item) in items.enumerated() {
            guard let x = checkNumber(item, "\(p)[\(i)]", min: 0) else { return flat }
            xs.append(x)
        }
        let mean = xs.reduce(0, +) / Double(count)
        guard mean > 0 else {
            fail(p, "must not be all zero")
            return flat
        }
        return xs.map { $0 / mean }
    }

    // MARK: - Helpers

    func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func describe(_ v: JSONValue) -> String {
        switch v {
        case .null: "null"
        case .bool(let b): b ? "true" : "false"
        case .number(let x): format(x)
        case .string(let s): "a string \"\(s.count > 40 ? String(s.prefix(40)) + "..." : s)\""
        case .array: "a list"
        case .object: "an object"
        }
    }

    func format(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "Infinity" : "-Infinity" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        return String(x)
    }

    /// The allowed key nearest to a misspelt one (see `Suggestion.closest`).
    func closest(_ key: String, in allowed: [String]) -> String? { Suggestion.closest(to: key, among: allowed) }

    func editDistance(_ a: String, _ b: String) -> Int { Suggestion.editDistance(a, b) }
}

/// "Did you mean ...?" for misspelt names in scenarios, activity files and options.
package enum Suggestion {
    /// The candidate nearest to a misspelt name (edit distance at most 2, or a case change).
    package static func closest(to key: String, among allowed: [String]) -> String? {
        var best: (String, Int)?
        let length = key.utf8.count
        for candidate in allowed where abs(candidate.utf8.count - length) <= 2 {
            let d = candidate.lowercased() == key.lowercased() ? 0 : editDistance(key, candidate)
            if d <= 2, best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// Whether two strings are within `limit` edits; cheap when their lengths alone say no
    /// (a 4-million-character name must not cost 4 million steps per candidate).
    static func isNear(_ a: String, _ b: String, within limit: Int) -> Bool {
        abs(a.utf8.count - b.utf8.count) <= limit && editDistance(a, b) <= limit
    }

    /// Levenshtein distance between the UTF-8 bytes of two strings.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8)
        let b = Array(b.utf8)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = Swift.min(
                    previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
