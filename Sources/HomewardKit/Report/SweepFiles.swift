/// The result files of `sweep`: `sweep.csv` (one row per point and metric) and `sweep.json`
/// (the manifest, the axes, each point's metrics and, with a target, each point's verdict).
extension SweepResult {
    /// The names of the files `files` gives.
    public static let fileNames = ["sweep.csv", "sweep.json"]

    /// The manifest of a sweep of the scenario in `file`, each point run `replications` times
    /// from `seed` on common random numbers.
    /// With a target, `plan` is the sequential plan each point followed (`replications` is then
    /// the first look; each point records its own count).
    public static func manifest(
        file: String, seed: UInt64, replications: Int, plan: SequentialVerdicts.Plan? = nil
    ) -> JSONValue {
        var o = JSONObject([
            ("homewardVersion", .string(Homeward.version)), ("scenarioFile", .string(file)),
            ("seed", .number(Double(seed))),
            ("replications", .number(Double(replications))), ("generator", .string(Homeward.generator)),
            ("commonRandomNumbers", .bool(true)),
        ])
        if let plan { o["sequentialVerdicts"] = plan.json }
        return .object(o)
    }

    /// The text of `sweep.json`: with a target, each point's verdict (`target` in each point:
    /// `verdict` met, missed or undecided, `met`, `shareWithin` with `shareLow` and `shareHigh`,
    /// the interval judged on `low` and `high` at `level`, and `replications`), the index of
    /// the `recommended` point and `verdict` (the sentence on the smallest setting meeting it).
    public func document(manifest: JSONValue, target: Target?, verdict: String?) -> String {
        var points: [JSONValue] = []
        for (i, (point, run)) in zip(self.points, runs).enumerated() {
            var o = JSONObject([
                ("values", .object(JSONObject(zip(sweep.axes, point).map { ($0.field, .number($1)) }))),
                ("metrics", Summary(run).metricsJSON),
            ])
            if i < warnings.count { o["warnings"] = .array(warnings[i].map(\.json)) }
            if !verdicts.isEmpty {
                let v = verdicts[i]
                o["target"] = .object(
                    JSONObject([
                        ("met", .bool(v.met)), ("shareWithin", .number(v.share)),
                        ("verdict", .string(v.outcome.rawValue)),
                        ("statement", .string(v.statement)), ("shareLow", .number(v.shareInterval.low)),
                        ("shareHigh", .number(v.shareInterval.high)), ("low", .number(v.decisive.low)),
                        ("high", .number(v.decisive.high)), ("level", .number(v.level)),
                        ("replications", .number(Double(v.replications))),
                    ]))
            }
            points.append(.object(o))
        }
        var top = JSONObject([
            ("manifest", manifest),
            (
                "axes",
                .array(
                    sweep.axes.map {
                        .object(
                            JSONObject([
                                ("field", .string($0.field)), ("values", .array($0.values.map { .number($0) })),
                            ]))
                    })
            ),
            ("points", .array(points)),
        ])
        if let target {
            top["target"] = .object(
                JSONObject([
                    ("metric", .string(target.metric)), ("bound", .string(target.bound.rawValue)),
                    ("value", .number(target.value)),
                    ("confidence", target.confidence.map { .number($0) } ?? .null), ("verdict", .string(verdict ?? "")),
                    ("recommended", recommended.map { .number(Double($0)) } ?? .null),
                ]))
        }
        return JSONValue.object(top).jsonText(pretty: true) + "\n"
    }

    /// `sweep.csv` and `sweep.json` with their names.
    public func files(manifest: JSONValue, target: Target?, verdict: String?) -> [(name: String, text: String)] {
        [
            ("sweep.csv", csv),
            ("sweep.json", document(manifest: manifest, target: target, verdict: verdict)),
        ]
    }
}
