/// The result files of `sweep`: `sweep.csv` (one row per point and metric) and `sweep.json`
/// (the manifest, the axes, each point's metrics and, with a target, each point's verdict).
extension SweepResult {
    /// The names of the files `files` gives.
    public static let fileNames = ["sweep.csv", "sweep.json"]

    /// The manifest of a sweep of the scenario in `file`, each point run `replications` times
    /// from `seed` on common random numbers.
    public static func manifest(file: String, seed: UInt64, replications: Int) -> JSONValue {
        .object(
            JSONObject([
                ("homewardVersion", .string(Homeward.version)), ("scenarioFile", .string(file)),
                ("seed", .number(Double(seed))),
                ("replications", .number(Double(replications))), ("generator", .string(Homeward.generator)),
                ("commonRandomNumbers", .bool(true)),
            ]))
    }

    /// The text of `sweep.json`: `verdicts` (one per point, empty without a target) and
    /// `verdict` (the sentence on the smallest setting meeting `target`).
    public func document(manifest: JSONValue, target: Target?, verdicts: [Target.Verdict], verdict: String?)
        -> String
    {
        var points: [JSONValue] = []
        for (i, (point, run)) in zip(self.points, runs).enumerated() {
            var o = JSONObject([
                ("values", .object(JSONObject(zip(sweep.axes, point).map { ($0.field, .number($1)) }))),
                ("metrics", Summary(run).metricsJSON),
            ])
            if !verdicts.isEmpty {
                o["target"] = .object(
                    JSONObject([("met", .bool(verdicts[i].met)), ("shareWithin", .number(verdicts[i].share))]))
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
                ]))
        }
        return JSONValue.object(top).jsonText(pretty: true) + "\n"
    }

    /// `sweep.csv` and `sweep.json` with their names.
    public func files(manifest: JSONValue, target: Target?, verdicts: [Target.Verdict], verdict: String?)
        -> [(name: String, text: String)]
    {
        [
            ("sweep.csv", csv),
            ("sweep.json", document(manifest: manifest, target: target, verdicts: verdicts, verdict: verdict)),
        ]
    }
}
