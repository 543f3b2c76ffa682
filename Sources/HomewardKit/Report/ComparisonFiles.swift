/// The result files of `compare`: `compare.json` (the manifest and the comparison) and
/// `compare.csv`.
extension Comparison {
    /// The manifest of a comparison of `scenarios`, each run `replications` times from `seed`
    /// on common random numbers.
    public static func manifest(_ scenarios: [LoadedScenario], seed: UInt64, replications: Int) -> JSONValue {
        .object(
            JSONObject([
                ("homewardVersion", .string(Homeward.version)), ("seed", .number(Double(seed))),
                ("replications", .number(Double(replications))), ("generator", .string(Homeward.generator)),
                ("commonRandomNumbers", .bool(true)),
                (
                    "scenarios",
                    .array(
                        scenarios.map {
                            .object(
                                JSONObject([
                                    ("file", .string($0.file)), ("name", .string($0.scenario.name)),
                                    ("hash", .string($0.hash)),
                                ]))
                        })
                ),
            ]))
    }

    /// The text of `compare.json`.
    public func document(manifest: JSONValue) -> String {
        ResultDocument.text(manifest: manifest, key: "comparison", body: json)
    }

    /// The names of the files `files` gives.
    public static let fileNames = ["compare.json", "compare.csv"]

    /// `compare.json` and `compare.csv` with their names.
    public func files(manifest: JSONValue) -> [(name: String, text: String)] {
        [("compare.json", document(manifest: manifest)), ("compare.csv", csv)]
    }
}

/// A result document: the manifest and one body under its key, pretty-printed, ending in a newline.
enum ResultDocument {
    static func text(manifest: JSONValue, key: String, body: JSONValue) -> String {
        JSONValue.object(JSONObject([("manifest", manifest), (key, body)])).jsonText(pretty: true) + "\n"
    }
}
