/// The result files of `schemes`: `schemes.json` (the manifest and the evaluation) and
/// `schemes.csv`.
extension SchemeEvaluation {
    /// The manifest of an evaluation of the schemes of `scenario`, each option run
    /// `replications` times from `seed` on common random numbers.
    public static func manifest(_ scenario: LoadedScenario, seed: UInt64, replications: Int) -> JSONValue {
        .object(
            JSONObject([
                ("homewardVersion", .string(Homeward.version)), ("scenarioFile", .string(scenario.file)),
                ("scenarioHash", .string(scenario.hash)),
                ("seed", .number(Double(seed))), ("replications", .number(Double(replications))),
                ("generator", .string(Homeward.generator)),
                ("commonRandomNumbers", .bool(true)),
            ]))
    }

    /// The text of `schemes.json`.
    public func document(manifest: JSONValue) -> String {
        ResultDocument.text(manifest: manifest, key: "evaluation", body: json)
    }

    /// The names of the files `files` gives.
    public static let fileNames = ["schemes.json", "schemes.csv"]

    /// `schemes.json` and `schemes.csv` with their names.
    public func files(manifest: JSONValue) -> [(name: String, text: String)] {
        [("schemes.json", document(manifest: manifest)), ("schemes.csv", csv)]
    }
}
