import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// Each layer throws its own error; `HomewardCLI.report` alone turns them into a message on
/// standard error and an exit status.
@Suite struct ErrorStatusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let error: any HomewardError
        let status: HomewardCLI.Status
        var testDescription: String { "\(type(of: error)) \(error.kind) → \(status)" }
    }

    @Test(arguments: [
        Case(error: OutputError.badInput("out: in use"), status: .badInput),
        Case(error: OutputError.io("out: disk full"), status: .outputFailed),
        Case(error: ExperimentError.badInput("--vary: bad"), status: .badInput),
        Case(error: ExperimentError.io("p.json: cannot read"), status: .outputFailed),
        Case(error: ReportError.badInput("dir: no results"), status: .badInput),
        Case(error: ReportError.io("dir: cannot read"), status: .outputFailed),
        Case(error: CommandFailure.usage("--seed: bad"), status: .badInput),
    ])
    func eachLayersErrorMapsToItsStatusWithItsMessageVerbatim(_ c: Case) {
        let captured = CapturedConsole()
        #expect(HomewardCLI.report(c.error, captured.console) == c.status)
        #expect(captured.err == "homeward: \(c.error.message)\n")
        #expect(captured.out.isEmpty)
    }

    @Test func aLayersErrorCarriesAnotherLayersKindAndMessage() {
        let output = OutputError.io("results/x: disk full")
        let report = ReportError(output)
        #expect(report.kind == .io)
        #expect(report.description == "results/x: disk full")
    }

    @Test func theLibraryThrowsItsOwnErrorsNotTheCommandLines() throws {
        #expect(throws: ReportError.badInput("/nonexistent-homeward: no such results directory")) {
            _ = try HTMLReport.build(resultsDirectory: "/nonexistent-homeward")
        }
        #expect(throws: ExperimentError.self) { try Shard.parse("3/2", environment: [:]) }
        // No source file of the library names the command line's error type.
        let library = Fixtures.repositoryRoot + "/Sources/HomewardKit"
        let files = try #require(FileManager.default.enumerator(atPath: library)?.allObjects as? [String])
        let naming = try files.filter { $0.hasSuffix(".swift") }.filter {
            try String(contentsOfFile: library + "/" + $0, encoding: .utf8).contains("CommandFailure")
        }
        #expect(naming == [])
    }

    @Test func theSignalStatusesAreTheLibrarysNamedOnes() {
        #expect(HomewardCLI.Status.interrupted.rawValue == OutputRegistry.interruptedStatus)
        #expect(HomewardCLI.Status.terminated.rawValue == OutputRegistry.terminatedStatus)
        #expect(OutputRegistry.interruptedStatus == 130)
        #expect(OutputRegistry.terminatedStatus == 143)
    }
}
