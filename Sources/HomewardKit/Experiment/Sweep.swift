import Foundation

/// A grid of scenario variants: every combination of the varied fields' values, run on the
/// same random streams (common random numbers across points).
public struct Sweep: Sendable {
    /// One varied field: `FIELD=FROM..TO:STEP`.
    public struct Axis: Sendable, Equatable {
        public var field: String
        public var values: [Double]

        /// Parses `services.reablement.capacity=180..260:20`.
        /// - Throws: `ExperimentError.badInput` naming `--vary` for bad syntax, values beyond 10^15, or
        ///   more than `Sweep.maximumValues` values.
        public static func parse(_ text: String) throws(ExperimentError) -> Axis {
            let bad = ExperimentError.badInput(
                "--vary must be FIELD=FROM..TO:STEP (for example services.reablement.capacity=180..260:20), got '\(text)'"
            )
            guard let eq = text.firstIndex(of: "=") else { throw bad }
            let field = String(text[..<eq])
            let range = String(text[text.index(after: eq)...])
            let colon = range.split(separator: ":", omittingEmptySubsequences: false)
            guard !field.isEmpty, colon.count == 2, let step = Double(colon[1]), step > 0, step.isFinite else {
                throw bad
            }
            let ends = colon[0].components(separatedBy: "..")
            guard ends.count == 2, let from = Double(ends[0]), let to = Double(ends[1]), from.isFinite, to.isFinite,
                to >= from
            else { throw bad }
            guard abs(from) <= maximumMagnitude, abs(to) <= maximumMagnitude, step <= maximumMagnitude else {
                throw .badInput("--vary \(field): values and step must be at most 10^15 in size, got '\(range)'")
            }
            // Counted in floating point: a huge range must be refused, not overflow an integer.
            let exact = ((to - from) / step + 1e-9).rounded(.down) + 1
            guard exact <= Double(maximumValues) else {
                throw .badInput("--vary \(field): \(Sweep.count(exact)) values is too many (at most 10,000)")
            }
            let count = Int(exact)
            // Values computed from the index (not by repeated addition) so they print cleanly.
            let values = (0..<count).map { ((from + Double($0) * step) * 1e9).rounded() / 1e9 }
            return Axis(field: field, values: values)
        }
    }

    /// The most values one `--vary` may take.
    public static let maximumValues = 10_000
    /// The most points a grid may have (the product of the axes' values).
    public static let maximumPoints = 100_000
    /// The largest size of a value or step (beyond it, steps vanish in rounding).
    public static let maximumMagnitude = 1e15

    public var axes: [Axis]

    public init(axes: [Axis]) { self.axes = axes }

    /// Refuses a grid of more than `maximumPoints` points, counted before any is built.
    /// - Throws: `ExperimentError.badInput` naming `--vary` and the count.
    public func checkSize() throws(ExperimentError) {
        let count = axes.reduce(1.0) { $0 * Double($1.values.count) }
        guard count <= Double(Self.maximumPoints) else {
            throw .badInput("--vary: the grid has \(Self.count(count)) points; at most 100,000")
        }
    }

    /// A count as a whole number, or "about 1e+18" when too large for one.
    static func count(_ x: Double) -> String {
        x < 1e15 ? String(Int64(x)) : "about " + String(format: "%.2g", x)
    }

    /// Grid points in order: the first axis varies slowest.
    public var points: [[Double]] {
        axes.reduce([[]]) { grid, axis in grid.flatMap { prefix in axis.values.map { prefix + [$0] } } }
    }

    /// The scenario JSON with each axis' field set to the point's value. A field holding a
    /// capacity calendar `{base, changes}` has its `base` set. Fails if a field is not in the
    /// scenario (a typo must not silently add a new field).
    public func apply(_ point: [Double], to root: JSONValue, file: String) throws(ScenarioError) -> JSONValue {
        var result = root
        for (axis, value) in zip(axes, point) {
            guard Sweep.set(&result, ScenarioPath.keys(axis.field), value) else {
                throw ScenarioError(issues: [
                    ScenarioIssue(file: file, path: axis.field, message: "--vary: no such field in the scenario")
                ])
            }
        }
        return result
    }

    /// Checks once, before any point is built, that every varied field is in the scenario: a
    /// field that is not is one issue (not one per point), with the nearest name where one is
    /// close (`services.reablment.capacity` suggests `services.reablement`).
    public func checkFields(in root: JSONValue, file: String) throws(ScenarioError) {
        var issues: [ScenarioIssue] = []
        for axis in axes {
            let path = ScenarioPath.keys(axis.field)
            var node = root
            for (depth, key) in path.enumerated() {
                guard case .object(let o) = node, let child = o[key] else {
                    let near = node.objectValue.flatMap { Suggestion.closest(to: key, among: $0.keys) }
                    let hint = near.map { " (did you mean '\((path.prefix(depth) + [$0]).joined(separator: "."))'?)" }
                    issues.append(
                        ScenarioIssue(
                            file: file, path: axis.field,
                            message: "--vary: no such field in the scenario" + (hint ?? "")))
                    break
                }
                node = child
            }
        }
        if !issues.isEmpty { throw ScenarioError(issues: issues) }
    }

    static func set(_ node: inout JSONValue, _ path: [String], _ value: Double) -> Bool {
        guard case .object(var o) = node, let head = path.first, var child = o[head] else { return false }
        if path.count == 1 {
            if ScenarioPath.isCapacityCalendar(child), case .object(var calendar) = child {
                calendar["base"] = .number(value)
                child = .object(calendar)
            } else {
                child = .number(value)
            }
        } else if !set(&child, Array(path.dropFirst()), value) {
            return false
        }
        o[head] = child
        node = .object(o)
        return true
    }

    /// A label like `services.reablement.capacity=200`.
    public func label(_ point: [Double]) -> String {
        zip(axes, point).map { "\($0.field)=\(TableRenderer.plain($1))" }.joined(separator: ", ")
    }
}

/// The results of a sweep: each point's replications and, with a target, each point's verdict.
public struct SweepResult: Sendable {
    public var sweep: Sweep
    public var points: [[Double]]
    /// Each point's replications (with a target, as many as its verdict needed).
    public var runs: [[ReplicationMetrics]]
    /// Each point's verdict on the target (empty without one).
    public var verdicts: [Target.Verdict]
    /// Each point's overload warnings (empty when not worked out; see `OverloadWarning.of`).
    public var warnings: [[OverloadWarning]] = []

    public init(sweep: Sweep, points: [[Double]], runs: [[ReplicationMetrics]], verdicts: [Target.Verdict] = []) {
        self.sweep = sweep
        self.points = points
        self.runs = runs
        self.verdicts = verdicts
    }

    /// The metrics a sweep's table and report show for each point (a target's metric is added).
    public static let columns = Metric.sweepColumns.map(\.key)

    /// The first point (in grid order, first axis slowest) whose verdict is "met".
    public var firstMet: Int? { verdicts.firstIndex { $0.met } }

    /// The recommended point: the first that is met, when every point before it is missed;
    /// nil when none is met, without a target, or when an undecided point comes first. Then the
    /// smallest setting that is enough is itself undecided: recommending the first met point
    /// would turn on whether the replications happened to settle an earlier, borderline one,
    /// which is exactly the flip with the seed that verdicts exist to prevent.
    public var recommended: Int? {
        guard let first = firstMet, !undecidedBeforeRecommended.contains(where: { $0 < first }) else { return nil }
        return first
    }

    /// The points before the first met one (or all, when none is met) whose verdict is
    /// undecided: settings that may be enough, which the replications could not tell.
    public var undecidedBeforeRecommended: [Int] {
        let end = firstMet ?? verdicts.count
        return verdicts.indices.filter { $0 < end && verdicts[$0].outcome == .undecided }
    }

    /// The sentence on the recommended setting: the first point meeting `target`, or that none
    /// does, and any undecided point before it.
    public func verdictSentence(_ target: Target) -> String {
        var text: String
        if let first = recommended {
            let v = verdicts[first]
            text =
                "Smallest setting meeting \(target): \(sweep.label(points[first])) (achieved \(TableRenderer.format(v.interval.mean)), \(TableRenderer.percent(v.share)) of \(v.replications) replications within)."
        } else if let first = firstMet {
            text =
                "Smallest setting meeting \(target): undecided, \(sweep.label(points[first])) or a smaller one the replications could not settle (add --max-replications, or accept the risk)."
        } else {
            text = "No point in the grid meets \(target)."
        }
        let open = undecidedBeforeRecommended
        if !open.isEmpty {
            text +=
                " Undecided: "
                + open.map { "\(sweep.label(points[$0])) \(verdicts[$0].statement.dropFirst("undecided ".count))" }
                .joined(separator: "; ") + "."
        }
        return text
    }

    /// Tidy CSV: one row per point and metric.
    public var csv: String {
        let judged = !verdicts.isEmpty
        var out = CSV.row(
            ["point"] + sweep.axes.map { .text($0.field) }
                + ["metric", "unit", "mean", "ci95_low", "ci95_high", "replications"]
                + (judged ? ["verdict", "share_within", "share_low", "share_high", "interval_level"] : []))
        for (i, (point, run)) in zip(points, runs).enumerated() {
            var verdict: [CSV.Cell] = []
            if judged {
                let v = verdicts[i]
                verdict = [
                    .text(v.outcome.rawValue), CSV.number(v.share), CSV.number(v.decisive.low),
                    CSV.number(v.decisive.high), CSV.number(v.level),
                ]
            }
            for entry in Summary(run).entries {
                out += CSV.row(
                    [.integer(i)] + point.map(CSV.number) + [
                        .text(entry.key), .text(Metric.unit(of: entry.key)), CSV.number(entry.interval.mean),
                        CSV.number(entry.interval.low), CSV.number(entry.interval.high), .integer(entry.values.count),
                    ] + verdict)
            }
        }
        return out
    }
}

extension TableRenderer {
    /// A number as typed in a field (no grouping), for labels.
    public static func plain(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : String(x)
    }

    /// A number as a person wrote it: whole numbers grouped ("2,000"), others as typed ("0.5").
    public static func compact(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? grouped(x, decimals: 0) : String(x)
    }
}
