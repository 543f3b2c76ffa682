/// The CSV of `verify --csv`: one row per check.
extension VerificationSuite {
    /// `case,measure,theory,simulated_mean,ci99_low,ci99_high,passed,note`.
    public static func csv(_ checks: [Check]) -> String {
        var csv = CSV.row([
            "case", "measure", "theory", "simulated_mean", "ci99_low", "ci99_high", "passed", "note",
        ])
        for c in checks {
            csv += CSV.row([
                .text(c.caseName), .text(c.measure), CSV.number(c.theory), CSV.number(c.simulated.mean),
                CSV.number(c.simulated.low),
                CSV.number(c.simulated.high), c.passed ? "yes" : "no", .text(c.note),
            ])
        }
        return csv
    }
}
