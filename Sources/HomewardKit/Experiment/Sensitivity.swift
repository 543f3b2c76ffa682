import Foundation

/// Where a metric's spread across replications comes from: the uncertain inputs (each drawn once
/// per replication) or chance (the simulation's own randomness), and which inputs matter most.
///
/// Method: a linear regression of the metric's per-replication values on the inputs' drawn
/// values (ordinary least squares; Saltelli et al., *Global Sensitivity Analysis: The Primer*,
/// 2008, section 1.2.5, "standardised regression coefficients"). The share of the variance the
/// inputs explain is the regression's adjusted R-squared (clipped to 0..1); the rest is chance,
/// together with any effect of the inputs that is not linear (interactions, thresholds such as
/// a queue that forms only above some demand), so the input share is a lower bound when effects
/// are strongly non-linear. Each input's effect is its regression slope times the width of its
/// own P10-P90 range: how much the metric moves, the other inputs held, when that input moves
/// from a low to a high plausible value. The tornado chart ranks inputs by that effect.
///
/// It needs more replications than inputs: at least `minimumReplications(inputs:)`.
public struct SensitivityAnalysis: Sendable {
    /// One uncertain input as the analysis sees it.
    public struct Input: Sendable, Equatable {
        /// Its path in the scenario (`services.reablement.capacity`) or its name.
        public var name: String
        /// Its law, in words (`triangular 0.6, 0.7, 0.8`).
        public var law: String
        /// The 10th and 90th percentiles of its drawn values.
        public var p10: Double
        public var p90: Double
    }

    /// One input's part in one metric's spread.
    public struct Driver: Sendable, Equatable {
        /// Index into `inputs`.
        public var input: Int
        /// The metric's change when the input moves from its P10 to its P90, other inputs held.
        public var effect: Double
        /// The standardised regression coefficient: slope x sd(input) / sd(metric).
        public var standardized: Double
        /// The 95% confidence interval of `effect` (Student t on the slope's standard error,
        /// n - p - 1 degrees of freedom); NaN when it cannot be computed.
        public var effectLow: Double = .nan
        public var effectHigh: Double = .nan

        /// Whether the effect's interval excludes zero: the input's effect stands out from
        /// chance. An effect that does not may be nothing at all with these replications.
        public var isClear: Bool { effectLow > 0 || effectHigh < 0 }
    }

    /// One metric's spread, split.
    public struct Split: Sendable, Equatable {
        public var key: String
        /// Variance of the metric across replications.
        public var variance: Double
        /// Share of the variance the inputs explain (adjusted R-squared, 0 to 1).
        public var inputShare: Double
        /// The rest: chance, and effects of the inputs that are not linear.
        public var chanceShare: Double { 1 - inputShare }
        /// The inputs, largest effect first.
        public var drivers: [Driver]
    }

    public var inputs: [Input]
    /// The replication numbers, in order.
    public var replications: [Int]
    /// Per replication, each input's value (choices that are not numbers by their index).
    public var draws: [[Double]]
    /// One split per analysed metric (empty when there are too few replications).
    public var splits: [Split]
    /// Why there are no splits, when there are none.
    public var note: String?

    /// The fewest replications the regression accepts for `inputs` inputs: two per input and
    /// ten more, so that the adjusted R-squared has degrees of freedom to spare.
    public static func minimumReplications(inputs: Int) -> Int { 2 * inputs + 10 }

    /// - Parameters:
    ///   - inputs: each input's name and law in words.
    ///   - replications: the replication numbers of `draws` and `runs`.
    ///   - draws: per replication, each input's numeric value.
    ///   - runs: the replications' metrics, in the same order.
    ///   - keys: the metrics to analyse.
    public init(
        inputs: [(name: String, law: String)], replications: [Int], draws: [[Double]], runs: [ReplicationMetrics],
        keys: [String]
    ) {
        let k = inputs.count
        let described = inputs.indices.map { j in
            let xs = draws.map { $0[j] }.filter { !$0.isNaN }
            return Input(
                name: inputs[j].name, law: inputs[j].law, p10: Statistics.quantile(xs, 0.1),
                p90: Statistics.quantile(xs, 0.9))
        }
        self.inputs = described
        self.replications = replications
        self.draws = draws
        let needed = Self.minimumReplications(inputs: k)
        guard draws.count >= needed else {
            splits = []
            note =
                "the split of the spread needs at least \(needed) replications for \(k) uncertain input\(k == 1 ? "" : "s"); this run has \(draws.count)"
            return
        }
        note = nil
        var splits: [Split] = []
        for key in keys {
            let y = runs.map { $0[key] ?? .nan }
            let rows = y.indices.filter { !y[$0].isNaN }
            guard rows.count >= needed else { continue }
            let ys = rows.map { y[$0] }
            let xs = rows.map { draws[$0] }
            guard let fit = Self.regress(ys, xs) else { continue }
            let sdY = Statistics.standardDeviation(ys)
            let drivers = (0..<k).map { j -> Driver in
                let slope = fit.slopes[j]
                let sdX = Statistics.standardDeviation(xs.map { $0[j] })
                let width = described[j].p90 - described[j].p10
                let half = fit.t * fit.errors[j] * abs(width)
                let effect = slope * width
                return Driver(
                    input: j, effect: effect, standardized: sdY > 0 ? slope * sdX / sdY : 0,
                    effectLow: effect - half, effectHigh: effect + half)
            }
            .sorted(by: Self.largerEffect)
            splits.append(
                Split(key: key, variance: Statistics.sampleVariance(ys), inputShare: fit.adjustedR2, drivers: drivers))
        }
        self.splits = splits
    }

    /// Larger effect first; ties in input order.
    static func largerEffect(_ a: Driver, _ b: Driver) -> Bool {
        let x = abs(a.effect)
        let y = abs(b.effect)
        return x != y ? x > y : a.input < b.input
    }

    /// Least squares of `y` on the columns of `x` (with an intercept). Columns that do not vary
    /// get a slope of 0. Returns nil when `y` does not vary.
    /// The most inputs for which slopes' standard errors are computed (each needs a solve of
    /// the normal equations); beyond it the effects' intervals are NaN.
    static let maximumInputsForErrors = 100

    static func regress(_ y: [Double], _ x: [[Double]]) -> (
        slopes: [Double], errors: [Double], t: Double, adjustedR2: Double
    )? {
        let n = y.count
        let k = x.first?.count ?? 0
        let meanY = Statistics.mean(y)
        let yc = y.map { $0 - meanY }
        let total = yc.reduce(0) { $0 + $1 * $1 }
        guard n > 1, total > 0 else { return nil }
        let means = (0..<k).map { j in Statistics.mean(x.map { $0[j] }) }
        let used = (0..<k).filter { j in x.contains { abs($0[j] - means[j]) > 1e-12 * max(1, abs(means[j])) } }
        let p = used.count
        var slopes = Array(repeating: 0.0, count: k)
        var errors = Array(repeating: Double.nan, count: k)
        guard p > 0 else { return (slopes, errors, .nan, 0) }
        // Columns scaled to unit sum of squares, so the normal equations are well conditioned.
        var columns = used.map { j in x.map { $0[j] - means[j] } }
        let scales = columns.map { c in c.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        for a in 0..<p { columns[a] = columns[a].map { $0 / scales[a] } }
        var matrix = Array(repeating: Array(repeating: 0.0, count: p), count: p)
        var rhs = Array(repeating: 0.0, count: p)
        for a in 0..<p {
            for b in a..<p {
                var s = 0.0
                for i in 0..<n { s += columns[a][i] * columns[b][i] }
                matrix[a][b] = s
                matrix[b][a] = s
            }
            var s = 0.0
            for i in 0..<n { s += columns[a][i] * yc[i] }
            rhs[a] = s
        }
        guard let beta = solve(matrix, rhs) else { return nil }
        var residual = 0.0
        for i in 0..<n {
            var fitted = 0.0
            for a in 0..<p { fitted += beta[a] * columns[a][i] }
            residual += (yc[i] - fitted) * (yc[i] - fitted)
        }
        for (a, j) in used.enumerated() { slopes[j] = beta[a] / scales[a] }
        let r2 = 1 - residual / total
        let dof = n - p - 1
        let adjusted = dof > 0 ? 1 - (1 - r2) * Double(n - 1) / Double(dof) : r2
        // Standard errors: residual variance times the diagonal of the inverse normal matrix.
        var t = Double.nan
        if dof > 0 && p <= maximumInputsForErrors {
            let variance = residual / Double(dof)
            t = Statistics.studentTQuantile(0.975, degreesOfFreedom: Double(dof))
            for (a, j) in used.enumerated() {
                var unit = Array(repeating: 0.0, count: p)
                unit[a] = 1
                if let column = solve(matrix, unit), column[a] >= 0 {
                    errors[j] = (variance * column[a]).squareRoot() / scales[a]
                }
            }
            for j in 0..<k where !used.contains(j) { errors[j] = 0 }
        }
        return (slopes, errors, t, min(1, max(0, adjusted)))
    }

    /// Solves `a x = b` by Gaussian elimination with partial pivoting; nil if singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        var m = a
        var v = b
        let n = v.count
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(m[$0][col]) < abs(m[$1][col]) }), abs(m[pivot][col]) > 1e-12
            else { return nil }
            m.swapAt(col, pivot)
            v.swapAt(col, pivot)
            for row in (col + 1)..<n {
                let f = m[row][col] / m[col][col]
                if f == 0 { continue }
                for c in col..<n { m[row][c] -= f * m[col][c] }
                v[row] -= f * v[col]
            }
        }
        var x = Array(repeating: 0.0, count: n)
        for row in stride(from: n - 1, through: 0, by: -1) {
            var s = v[row]
            for c in (row + 1)..<n { s -= m[row][c] * x[c] }
            x[row] = s / m[row][row]
        }
        return x
    }

    /// The metrics analysed by default: the headline metrics.
    public static let defaultKeys = Metric.headline.map(\.key)

    // MARK: - Files

    /// One row per metric and input, inputs largest effect first: the effect with its 95%
    /// interval and whether that interval excludes zero, the standardised coefficient, and the
    /// metric's split into inputs and chance.
    public var csv: String {
        var rows = [
            CSV.row([
                "metric", "unit", "input", "law", "input_p10", "input_p90", "effect_p10_to_p90", "effect_ci95_low",
                "effect_ci95_high", "effect_clear", "standardized_coefficient", "input_share", "chance_share",
                "replications",
            ])
        ]
        for split in splits {
            for d in split.drivers {
                let input = inputs[d.input]
                rows.append(
                    CSV.row([
                        .text(split.key), .text(Metric.unit(of: split.key)), .text(input.name), .text(input.law),
                        CSV.number(input.p10), CSV.number(input.p90), CSV.number(d.effect), CSV.number(d.effectLow),
                        CSV.number(d.effectHigh), .text(d.isClear ? "yes" : "no"), CSV.number(d.standardized),
                        CSV.number(split.inputShare), CSV.number(split.chanceShare), .integer(draws.count),
                    ]))
            }
        }
        return rows.joined()
    }

    /// `replication,input,value`: each replication's draw of each input.
    public var inputsCSV: String {
        var rows = [CSV.row(["replication", "input", "value"])]
        for (r, values) in zip(replications, draws) {
            for (input, x) in zip(inputs, values) {
                rows.append(CSV.row([.integer(r), .text(input.name), CSV.number(x)]))
            }
        }
        return rows.joined()
    }

    /// The analysis for `summary.json` (read back by the HTML report).
    public var json: JSONValue {
        func number(_ x: Double) -> JSONValue { x.isFinite ? .number(x) : .null }
        var pairs: [(String, JSONValue)] = [
            (
                "method",
                .string(
                    "linear regression of each metric on the inputs drawn per replication: input share = adjusted R-squared; effect = slope x (input P90 - input P10)"
                )
            ),
            ("replications", .number(Double(draws.count))),
            (
                "inputs",
                .array(
                    inputs.map {
                        .object(
                            JSONObject([
                                ("name", .string($0.name)), ("law", .string($0.law)), ("p10", number($0.p10)),
                                ("p90", number($0.p90)),
                            ]))
                    })
            ),
            (
                "metrics",
                .array(
                    splits.map { split in
                        .object(
                            JSONObject([
                                ("key", .string(split.key)), ("variance", number(split.variance)),
                                ("inputShare", number(split.inputShare)),
                                ("chanceShare", number(split.chanceShare)),
                                (
                                    "drivers",
                                    .array(
                                        split.drivers.map {
                                            .object(
                                                JSONObject([
                                                    ("input", .string(inputs[$0.input].name)),
                                                    ("effect", number($0.effect)),
                                                    (
                                                        "effectCI95",
                                                        .array([number($0.effectLow), number($0.effectHigh)])
                                                    ),
                                                    ("clear", .bool($0.isClear)),
                                                    ("standardized", number($0.standardized)),
                                                ]))
                                        })
                                ),
                            ]))
                    })
            ),
        ]
        if let note { pairs.append(("note", .string(note))) }
        return .object(JSONObject(pairs))
    }
}

extension SensitivityAnalysis {
    /// The analysis of a run of `loaded`: its uncertain values and, with `demandVariation`, each
    /// model year's demand level and winter severity, redrawn for each replication (a draw
    /// depends only on the seed, the replication and its stream's name, so nothing needs to be
    /// kept from the run itself). Nil when the scenario has neither.
    public static func of(
        _ loaded: LoadedScenario, seed: UInt64, replications: [Int], runs: [ReplicationMetrics],
        keys: [String] = defaultKeys
    ) -> SensitivityAnalysis? {
        let u = loaded.uncertain
        let variation = loaded.scenario.demandVariation
        guard !u.isEmpty || variation != nil else { return nil }
        var names = u.inputs.map { ($0.path, $0.description) }
        var draws: [[Double]] = []
        for r in replications {
            var row = zip(u.inputs, u.draw(seed: seed, replication: r)).map { $0.numeric($1) }
            if variation != nil {
                let scenario = (try? loaded.scenario(seed: seed, replication: r)) ?? loaded.scenario
                let factors = DemandVariation.sampledFactors(scenario: scenario, seed: seed, replication: r)
                if draws.isEmpty, let v = scenario.demandVariation {
                    names += factors.map { factor in
                        let cv = factor.name.hasPrefix("demandVariation.level") ? v.annualLevelCV : v.winterSeverityCV
                        return (factor.name, "lognormal, mean 1, CV \(TableRenderer.plain(cv))")
                    }
                }
                row += factors.map(\.value)
            }
            draws.append(row)
        }
        // Every replication has the same years, so the same factors; guard all the same.
        guard draws.allSatisfy({ $0.count == names.count }) else { return nil }
        return SensitivityAnalysis(
            inputs: names, replications: replications, draws: draws, runs: runs, keys: keys)
    }
}
