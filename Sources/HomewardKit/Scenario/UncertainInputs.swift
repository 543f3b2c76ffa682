import Foundation

/// Scenario values that are estimates: written as a distribution instead of a number, and drawn
/// once per replication.
///
/// Any value of a scenario (a rate, a share, a stay's mean, a growth rate, a scheme's effect, a
/// cost) may be written as an object with the key `uncertain` naming a family:
///
/// ```json5
/// successRate: { uncertain: "triangular", min: 0.6, mode: 0.7, max: 0.8, source: "..." }
/// costPerDay: { uncertain: "uniform", min: 40, max: 50 }
/// readmission: { uncertain: "normal", mean: 0.98, sd: 0.01, min: 0.95, max: 1 }
/// capacity: { uncertain: "lognormal", mean: 200, sd: 20, min: 150, max: 260, whole: true }
/// days: { uncertain: "choice", values: ["weekdays", "all"], weights: [3, 1] }
/// ```
///
/// Normal and lognormal laws are truncated to `[min, max]`, which are required: every value
/// stays in a range the scenario can be checked against. A lognormal's `mean` and `sd` are
/// those of the value itself (not of its logarithm). `whole: true` rounds each draw to a whole
/// number (for capacities). A choice's values may be any JSON (numbers, text, objects such as a
/// whole pathway mix); its weights default to equal.
///
/// Each input is drawn by inversion (its quantile at one uniform number) from a random stream
/// derived from the master seed, the replication and the input's path in the scenario
/// (`uncertain:services.reablement.capacity`). So two scenarios that share an input share its
/// draws (common random numbers hold across `compare`, `sweep` and `schemes`), adding a range
/// elsewhere does not move any other draw, and no draw of the simulation itself moves.
public struct UncertainInputs: Sendable {
    /// One uncertain value of a scenario.
    public struct Input: Sendable, Equatable {
        /// Where it is: `services.reablement.capacity`, `cohorts.older.month[3]`.
        public var path: String
        /// The same path as steps, for substitution.
        var steps: [Step]
        public var law: Law
        /// Whether draws are rounded to whole numbers.
        public var whole: Bool
        /// The input's `source` note, if any.
        public var source: String?

        /// The value at the uniform number `u` in [0, 1] (its quantile).
        public func value(at u: Double) -> JSONValue {
            let x = law.quantile(u)
            if case .number(let v) = x, whole { return .number(v.rounded()) }
            return x
        }

        /// The value the scenario shows when one value is needed (names, the log header): the
        /// mode of a triangular law, the middle of a uniform one, the mean of a normal or
        /// lognormal (within its bounds), the most likely choice.
        public var nominal: JSONValue {
            let x = law.nominal
            if case .number(let v) = x, whole { return .number(v.rounded()) }
            return x
        }

        /// The value as a number for analysis: a number itself, or the index of a choice whose
        /// values are not numbers.
        public func numeric(_ value: JSONValue) -> Double {
            if case .number(let v) = value { return v }
            if case .choice(let values, _) = law, let i = values.firstIndex(of: value) { return Double(i) }
            return .nan
        }

        /// `triangular(0.6, 0.7, 0.8)` and the like, for manifests and tables.
        public var description: String { law.description + (whole ? ", whole numbers" : "") }
    }

    /// A step of a path: an object's key or an array's index.
    enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    /// The families an uncertain value may follow.
    public enum Law: Sendable, Equatable, CustomStringConvertible {
        case uniform(min: Double, max: Double)
        case triangular(min: Double, mode: Double, max: Double)
        /// A normal law of this mean and sd, truncated to [min, max].
        case normal(mean: Double, sd: Double, min: Double, max: Double)
        /// A lognormal law whose value has this mean and sd, truncated to [min, max].
        case lognormal(mean: Double, sd: Double, min: Double, max: Double)
        case choice(values: [JSONValue], weights: [Double])

        public static let families = ["uniform", "triangular", "normal", "lognormal", "choice"]

        /// The quantile at `u` in [0, 1].
        public func quantile(_ u: Double) -> JSONValue {
            let u = Swift.min(Swift.max(u, 0), 1)
            switch self {
            case .uniform(let lo, let hi):
                return .number(lo + u * (hi - lo))
            case .triangular(let lo, let mode, let hi):
                let c = (mode - lo) / (hi - lo)
                let x =
                    u < c
                    ? lo + ((hi - lo) * (mode - lo) * u).squareRoot()
                    : hi - ((hi - lo) * (hi - mode) * (1 - u)).squareRoot()
                return .number(Swift.min(Swift.max(x, lo), hi))
            case .normal(let mean, let sd, let lo, let hi):
                return .number(Law.truncatedNormalQuantile(u, mu: mean, sigma: sd, lo: lo, hi: hi))
            case .lognormal(let mean, let sd, let lo, let hi):
                let (mu, sigma) = Law.logParameters(mean: mean, sd: sd)
                let logLow = lo > 0 ? Foundation.log(lo) : -Double.infinity
                let z = Law.truncatedNormalQuantile(u, mu: mu, sigma: sigma, lo: logLow, hi: Foundation.log(hi))
                return .number(Swift.min(Swift.max(exp(z), lo), hi))
            case .choice(let values, let weights):
                let total = weights.reduce(0, +)
                var cumulative = 0.0
                for (value, w) in zip(values, weights) {
                    cumulative += w
                    if u * total < cumulative { return value }
                }
                return values[values.count - 1]
            }
        }

        var nominal: JSONValue {
            switch self {
            case .uniform(let lo, let hi): .number((lo + hi) / 2)
            case .triangular(_, let mode, _): .number(mode)
            case .normal(let mean, _, let lo, let hi), .lognormal(let mean, _, let lo, let hi):
                .number(Swift.min(Swift.max(mean, lo), hi))
            case .choice(let values, let weights):
                values[weights.indices.max { weights[$0] < weights[$1] || (weights[$0] == weights[$1] && $0 > $1) }!]
            }
        }

        /// mu and sigma of the logarithm of a lognormal value with this mean and sd.
        static func logParameters(mean: Double, sd: Double) -> (mu: Double, sigma: Double) {
            let cv = sd / mean  // as a ratio first: sd * sd underflows for tiny values
            let s2 = Foundation.log(1 + cv * cv)
            return (Foundation.log(mean) - s2 / 2, s2.squareRoot())
        }

        /// The share of a normal law (mu, sigma) inside [lo, hi].
        static func mass(mu: Double, sigma: Double, lo: Double, hi: Double) -> Double {
            Statistics.normalCDF((hi - mu) / sigma) - Statistics.normalCDF((lo - mu) / sigma)
        }

        static func truncatedNormalQuantile(_ u: Double, mu: Double, sigma: Double, lo: Double, hi: Double) -> Double {
            guard sigma > 0 else { return Swift.min(Swift.max(mu, lo), hi) }
            let a = Statistics.normalCDF((lo - mu) / sigma)
            let b = Statistics.normalCDF((hi - mu) / sigma)
            let z = Statistics.normalQuantile(a + u * (b - a))
            let x = mu + sigma * z
            return x.isFinite ? Swift.min(Swift.max(x, lo), hi) : (u < 0.5 ? lo : hi)
        }

        public var description: String {
            func f(_ x: Double) -> String { TableRenderer.plain(x) }
            switch self {
            case .uniform(let lo, let hi): return "uniform \(f(lo)) to \(f(hi))"
            case .triangular(let lo, let mode, let hi): return "triangular \(f(lo)), \(f(mode)), \(f(hi))"
            case .normal(let mean, let sd, let lo, let hi):
                return "normal mean \(f(mean)) sd \(f(sd)) within \(f(lo)) to \(f(hi))"
            case .lognormal(let mean, let sd, let lo, let hi):
                return "lognormal mean \(f(mean)) sd \(f(sd)) within \(f(lo)) to \(f(hi))"
            case .choice(let values, let weights):
                let total = weights.reduce(0, +)
                return "choice of "
                    + zip(values, weights).map { "\($0.jsonText()) (\(TableRenderer.percent($1 / total)))" }
                    .joined(separator: ", ")
            }
        }
    }

    /// The uncertain values, in the order they appear in the scenario.
    public var inputs: [Input] = []

    public init() {}

    public var isEmpty: Bool { inputs.isEmpty }

    /// Fields that fix the run's shape and so cannot vary between replications.
    public static let fixedFields: Set<String> = ["name", "seed", "replications", "horizonDays", "warmupDays", "start"]

    /// The most uncertain values a scenario may hold (each is a draw and a column of the
    /// sensitivity analysis).
    public static let maximumInputs = 1_000

    /// The most values all of a scenario's choices may hold together: loading reads the
    /// scenario once per value to check it, so this bounds the time a hostile file can take.
    public static let maximumChoiceValues = 1_000

    // MARK: - Finding them

    /// Finds every `{uncertain: ...}` object in a merged scenario and checks it.
    /// - Throws: `ScenarioError` naming the file, the field and the problem.
    public static func find(in root: JSONValue, file: String) throws(ScenarioError) -> UncertainInputs {
        var found = UncertainInputs()
        var reader = FieldReader(file: file)
        walk(root, path: "", steps: [], into: &found, &reader)
        if found.inputs.count > maximumInputs {
            reader.fail(
                found.inputs[maximumInputs].path,
                "at most \(maximumInputs) values may be uncertain, got \(found.inputs.count)")
        }
        // Each choice value is checked by reading the scenario once, so their total is bounded.
        var choices = 0
        for input in found.inputs {
            guard case .choice(let values, _) = input.law else { continue }
            choices += values.count
            if choices > maximumChoiceValues {
                reader.fail(
                    input.path,
                    "the scenario's choices hold more than \(maximumChoiceValues) values in all (each is checked by reading the scenario once)"
                )
                break
            }
        }
        if !reader.issues.isEmpty { throw ScenarioError(issues: reader.issues, more: reader.moreIssues) }
        return found
    }

    private static func walk(
        _ value: JSONValue, path: String, steps: [Step], into found: inout UncertainInputs, _ r: inout FieldReader
    ) {
        switch value {
        case .object(let o):
            if o["uncertain"] != nil {
                if steps.count == 1, case .key(let top) = steps[0], fixedFields.contains(top) {
                    r.fail(path, "cannot be uncertain: it fixes the run's shape, the same for every replication")
                    return
                }
                if let input = read(o, path: path, steps: steps, &r) { found.inputs.append(input) }
                return
            }
            for (key, child) in o {
                walk(child, path: path.isEmpty ? key : path + "." + key, steps: steps + [.key(key)], into: &found, &r)
            }
        case .array(let items):
            for (i, child) in items.enumerated() {
                walk(child, path: "\(path)[\(i)]", steps: steps + [.index(i)], into: &found, &r)
            }
        default:
            return
        }
    }

    static let fields: [String: [String]] = [
        "uniform": ["min", "max"],
        "triangular": ["min", "mode", "max"],
        "normal": ["mean", "sd", "min", "max"],
        "lognormal": ["mean", "sd", "min", "max"],
        "choice": ["values", "weights"],
    ]

    /// The largest size of a law's parameter (and weight): beyond it, widths and sums overflow
    /// or lose every digit that matters.
    public static let maximumMagnitude = 1e15

    private static func read(_ o: JSONObject, path: String, steps: [Step], _ r: inout FieldReader) -> Input? {
        let limit = maximumMagnitude
        guard let family = o["uncertain"]?.stringValue, let names = fields[family] else {
            r.fail(
                path + ".uncertain",
                "must name a family (\(Law.families.joined(separator: ", "))), got \(r.describe(o["uncertain"]!))")
            return nil
        }
        let before = r.issues.count + r.moreIssues
        let body = r.object(.object(o), path, allowed: ["uncertain", "whole"] + names)
        let whole = r.bool(body, "whole", path, default: false)
        func ordered(_ lo: Double, _ hi: Double) -> Bool {
            if hi <= lo { r.fail(path, "needs min < max, got min \(r.format(lo)) and max \(r.format(hi))") }
            return hi > lo
        }
        var law: Law?
        switch family {
        case "uniform":
            if let lo = r.number(body, "min", path, min: -limit, max: limit),
                let hi = r.number(body, "max", path, min: -limit, max: limit), ordered(lo, hi)
            {
                law = .uniform(min: lo, max: hi)
            }
        case "triangular":
            if let lo = r.number(body, "min", path, min: -limit, max: limit),
                let mode = r.number(body, "mode", path, min: -limit, max: limit),
                let hi = r.number(body, "max", path, min: -limit, max: limit), ordered(lo, hi)
            {
                if mode < lo || mode > hi {
                    r.fail(path + ".mode", "must lie from min to max, got \(r.format(mode))")
                } else {
                    law = .triangular(min: lo, mode: mode, max: hi)
                }
            }
        case "normal", "lognormal":
            let positive = family == "lognormal"
            if let mean = positive
                ? r.number(body, "mean", path, min: 0, max: limit, exclusiveMin: true)
                : r.number(body, "mean", path, min: -limit, max: limit),
                let sd = r.number(body, "sd", path, min: 0, max: limit),
                let lo = r.number(body, "min", path, min: positive ? 0 : -limit, max: limit),
                let hi = r.number(body, "max", path, min: -limit, max: limit), ordered(lo, hi)
            {
                let mass: Double
                if positive {
                    let (mu, sigma) = Law.logParameters(mean: mean, sd: sd)
                    mass =
                        sigma == 0 ? 1 : Law.mass(mu: mu, sigma: sigma, lo: lo > 0 ? log(lo) : -.infinity, hi: log(hi))
                } else {
                    mass = sd == 0 ? 1 : Law.mass(mu: mean, sigma: sd, lo: lo, hi: hi)
                }
                if (sd == 0 && (mean < lo || mean > hi)) || !(mass > 1e-6) {
                    r.fail(
                        path,
                        "min to max holds almost none of the \(family) law (mean \(r.format(mean)), sd \(r.format(sd)))"
                    )
                } else {
                    law =
                        positive
                        ? .lognormal(mean: mean, sd: sd, min: lo, max: hi)
                        : .normal(mean: mean, sd: sd, min: lo, max: hi)
                }
            }
        default:  // choice
            guard case .array(let values)? = body?["values"], !values.isEmpty, values.count <= 1_000 else {
                r.fail(path + ".values", "must be a list of 1 to 1,000 values")
                return nil
            }
            for (i, v) in values.enumerated() where v.containsUncertain {
                r.fail("\(path).values[\(i)]", "a choice's values cannot themselves be uncertain")
            }
            var weights = Array(repeating: 1.0, count: values.count)
            if let w = body?["weights"] {
                guard case .array(let ws) = w, ws.count == values.count else {
                    r.fail(path + ".weights", "must be a list of \(values.count) numbers, one per value")
                    return nil
                }
                weights = ws.enumerated().map { i, x in
                    r.checkNumber(x, "\(path).weights[\(i)]", min: 0, max: limit, exclusiveMin: true) ?? 1
                }
            }
            law = .choice(values: values, weights: weights)
        }
        guard let law, r.issues.count + r.moreIssues == before else { return nil }
        if whole, case .choice = law {
            r.fail(path + ".whole", "applies to numeric families only (a choice draws its values as written)")
            return nil
        }
        return Input(path: path, steps: steps, law: law, whole: whole, source: o["source"]?.stringValue)
    }

    /// The inputs for a manifest: path, law and source of each.
    public var json: JSONValue {
        .array(
            inputs.map { input in
                var pairs: [(String, JSONValue)] = [("path", .string(input.path)), ("law", .string(input.description))]
                if let source = input.source { pairs.append(("source", .string(source))) }
                return .object(JSONObject(pairs))
            })
    }

    // MARK: - Drawing them

    /// The uniform number input `i` is drawn at in replication `replication`.
    public func uniform(_ i: Int, seed: UInt64, replication: Int) -> Double {
        var stream = RandomStream(
            master: seed, replication: UInt64(replication), stream: StreamID.named("uncertain:" + inputs[i].path))
        return stream.uniform()
    }

    /// Each input's value in replication `replication`.
    public func draw(seed: UInt64, replication: Int) -> [JSONValue] {
        inputs.indices.map { inputs[$0].value(at: uniform($0, seed: seed, replication: replication)) }
    }

    /// The scenario with each input replaced by its value in `values` (one per input).
    public func substitute(_ values: [JSONValue], in root: JSONValue) -> JSONValue {
        var result = root
        for (input, value) in zip(inputs, values) { UncertainInputs.set(&result, input.steps[...], value) }
        return result
    }

    /// The scenario with every input at its nominal value.
    public func nominal(_ root: JSONValue) -> JSONValue { substitute(inputs.map(\.nominal), in: root) }

    private static func set(_ node: inout JSONValue, _ steps: ArraySlice<Step>, _ value: JSONValue) {
        guard let step = steps.first else {
            node = value
            return
        }
        switch (step, node) {
        case (.key(let k), .object(var o)):
            guard var child = o[k] else { return }
            set(&child, steps.dropFirst(), value)
            o[k] = child
            node = .object(o)
        case (.index(let i), .array(var a)) where a.indices.contains(i):
            set(&a[i], steps.dropFirst(), value)
            node = .array(a)
        default:
            return
        }
    }
}

extension JSONValue {
    /// Whether this value holds an `{uncertain: ...}` object anywhere.
    var containsUncertain: Bool {
        switch self {
        case .object(let o): o["uncertain"] != nil || o.contains { $0.value.containsUncertain }
        case .array(let a): a.contains { $0.containsUncertain }
        default: false
        }
    }
}
