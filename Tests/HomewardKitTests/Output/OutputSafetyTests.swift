import Foundation
import Testing

@testable import HomewardCLI
@testable import HomewardKit

/// How Homeward writes its outputs in a folder others can write to: unpredictable, exclusive
/// temporaries that never follow a planted link; devices and named pipes written in place;
/// links, folders and sockets refused; an output that is an input refused before anything runs.
@Suite struct OutputSafetyTests {
    func run(_ args: [String]) -> (status: Int32, out: String, err: String) {
        let c = CapturedConsole()
        let status = HomewardCLI.main(args, console: c.console)
        return (status, c.out, c.err)
    }

    /// The small scenario in a fresh folder.
    /// The small scenario, with a target so that `check` has something to judge.
    static func scenario(in dir: String, name: String = "small.json5") throws -> String {
        let path = dir + "/" + name
        let text = Fixtures.small.replacingOccurrences(
            of: "name: \"small\",", with: "name: \"small\", targets: [{ metric: 'nelAdmissions', atLeast: 1 }],")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func text(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// Reads a named pipe without blocking until the writer has been and gone, or 5 seconds.
    final class PipeReader: @unchecked Sendable {
        private let lock = NSLock()
        private var bytes: [UInt8] = []
        private let done = DispatchSemaphore(value: 0)

        init(_ path: String) {
            let fd = open(path, O_RDONLY | O_NONBLOCK)
            DispatchQueue.global().async {
                defer {
                    if fd >= 0 { close(fd) }
                    self.done.signal()
                }
                guard fd >= 0 else { return }
                let deadline = Date().addingTimeInterval(5)
                var buffer = [UInt8](repeating: 0, count: 1 << 16)
                while Date() < deadline {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n > 0 {
                        self.lock.lock()
                        self.bytes += buffer[0..<n]
                        self.lock.unlock()
                    } else if n == 0 && !self.received.isEmpty {
                        return  // the writer has closed
                    } else {
                        usleep(1000)
                    }
                }
            }
        }

        var received: [UInt8] {
            lock.lock()
            defer { lock.unlock() }
            return bytes
        }

        func wait() -> [UInt8] {
            done.wait()
            return received
        }
    }

    // MARK: Temporary files (unpredictable, exclusive, never through a link)

    @Test func temporaryNamesAreUnpredictableAndExclusive() throws {
        let dir = Fixtures.temporaryDirectory()
        let a = try SafeFile.createTemporary(for: dir + "/summary.json")
        let b = try SafeFile.createTemporary(for: dir + "/summary.json")
        defer {
            close(a.fd)
            close(b.fd)
            OutputRegistry.shared.remove(a.path)
            OutputRegistry.shared.remove(b.path)
        }
        #expect(a.path != b.path)
        for path in [a.path, b.path] {
            let name = (path as NSString).lastPathComponent
            #expect(
                name.range(of: #"^\.summary\.json\.[0-9a-f]{16}\.tmp$"#, options: .regularExpression) != nil, "\(name)")
        }
        #expect(OutputRegistry.shared.pending.isSuperset(of: [a.path, b.path]))
    }

    @Test func aLinkPlantedAtTheOldTemporaryNameIsNeverFollowed() throws {
        let dir = Fixtures.temporaryDirectory()
        let victim = dir + "/victim.txt"
        try "precious".write(toFile: victim, atomically: false, encoding: .utf8)
        #expect(symlink(victim, dir + "/.report.html.tmp") == 0)
        try AtomicFile.write("new report", to: dir + "/report.html")
        #expect(Self.text(victim) == "precious")
        #expect(Self.text(dir + "/report.html") == "new report")
        #expect(OutputTarget.of(dir + "/report.html") == .regular)
    }

    @Test func linksPlantedAtTheOldEventLogTemporaryNamesAreNeverFollowed() throws {
        let dir = Fixtures.temporaryDirectory()
        let small = try Self.scenario(in: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // One victim per planted name: (old code appended a part linked to the same file as the
        // log into itself, without end.)
        let names = ["log.jsonl.tmp", "log.jsonl.part0.tmp", "log.jsonl.part1.tmp"]
        for (i, name) in names.enumerated() {
            try "precious".write(toFile: dir + "/victim\(i).txt", atomically: false, encoding: .utf8)
            #expect(symlink(dir + "/victim\(i).txt", dir + "/" + name) == 0)
        }
        let r = run([
            "run", small, "--replications", "2", "--threads", "2", "--events", dir + "/log.jsonl", "--out",
            dir + "/out", "--quiet",
        ])
        #expect(r.status == 0, "\(r.err)")
        for i in names.indices { #expect(Self.text(dir + "/victim\(i).txt") == "precious", "victim \(i)") }
        #expect(try EventLogInfo(path: dir + "/log.jsonl").header.replications == 2)
    }

    // MARK: Targets that are not regular files

    @Test func aNamedPipeIsWrittenInPlaceNotReplaced() throws {
        let dir = Fixtures.temporaryDirectory()
        let pipe = dir + "/pipe.csv"
        #expect(mkfifo(pipe, 0o600) == 0)
        let reader = PipeReader(pipe)
        try AtomicFile.write("a,b\r\n1,2\r\n", to: pipe)
        #expect(String(decoding: reader.wait(), as: UTF8.self) == "a,b\r\n1,2\r\n")
        #expect(OutputTarget.of(pipe) == .fifo)
    }

    @Test func anEventLogStreamsIntoANamedPipe() throws {
        let dir = Fixtures.temporaryDirectory()
        let small = try Self.scenario(in: dir)
        let pipe = dir + "/events.jsonl"
        #expect(mkfifo(pipe, 0o600) == 0)
        let reader = PipeReader(pipe)
        let r = run(["run", small, "--replications", "1", "--events", pipe, "--out", dir + "/out", "--quiet"])
        #expect(r.status == 0, "\(r.err)")
        let text = String(decoding: reader.wait(), as: UTF8.self)
        #expect(text.hasPrefix("{") && text.contains("\"end\""))
        #expect(OutputTarget.of(pipe) == .fifo)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func aNamedPipeWithoutAReaderFailsAtOnce() throws {
        let dir = Fixtures.temporaryDirectory()
        let pipe = dir + "/pipe"
        #expect(mkfifo(pipe, 0o600) == 0)
        #expect {
            try AtomicFile.write("x", to: pipe)
        } throws: {
            ($0 as? OutputError)?.message == "cannot write '\(pipe)': it is a named pipe and nothing is reading it"
        }
        #expect(OutputTarget.of(pipe) == .fifo)
    }

    @Test func aSymbolicLinkOrAFolderIsRefusedAndLeftAlone() throws {
        let dir = Fixtures.temporaryDirectory()
        let target = dir + "/target.xml"
        try "original".write(toFile: target, atomically: false, encoding: .utf8)
        #expect(symlink(target, dir + "/link.xml") == 0)
        #expect {
            try AtomicFile.write("new", to: dir + "/link.xml")
        } throws: { error in
            let failure = error as? OutputError
            return failure?.kind == .badInput
                && failure?.message
                    == "\(dir)/link.xml: '\(dir)/link.xml' is a symbolic link; write to its target directly"
        }
        #expect(OutputTarget.of(dir + "/link.xml") == .symbolicLink)
        #expect(Self.text(target) == "original")
        let small = try Self.scenario(in: dir)
        let r = run(["check", small, "--replications", "2", "--out", dir + "/out", "--junit", dir + "/link.xml"])
        #expect(r.status == 2)
        #expect(r.err.contains("--junit \(dir)/link.xml: '\(dir)/link.xml' is a symbolic link"))
        #expect(Self.text(target) == "original")
        let d = run(["run", small, "--replications", "1", "--out", dir + "/out", "--html", dir])
        #expect(d.status == 2)
        #expect(d.err.contains("is a directory; give a file name"))
    }

    // MARK: An output that is an input

    struct InputCase: CustomTestStringConvertible, Sendable {
        var name: String
        /// The arguments, with `S` for the scenario, `B` for its base, `D` for the folder.
        var args: [String]
        /// The input that must survive (`S` or `B`).
        var victim: String
        var testDescription: String { name }
    }

    static let inputCases: [InputCase] = [
        InputCase(name: "run --events SCENARIO", args: ["run", "S", "--events", "S"], victim: "S"),
        InputCase(name: "run --html SCENARIO", args: ["run", "S", "--html", "S"], victim: "S"),
        InputCase(name: "check --junit SCENARIO", args: ["check", "S", "--junit", "S"], victim: "S"),
        InputCase(name: "run --events BASE of extends", args: ["run", "S", "--events", "B"], victim: "B"),
        InputCase(
            name: "run --html through another spelling", args: ["run", "S", "--html", "D/./small.json5"], victim: "S"),
        InputCase(name: "compare --html a variant", args: ["compare", "B", "S", "--html", "S"], victim: "S"),
    ]

    @Test(arguments: inputCases) func anOutputThatIsAnInputIsRefusedBeforeAnythingRuns(_ c: InputCase) throws {
        let dir = Fixtures.temporaryDirectory()
        let base = try Self.scenario(in: dir, name: "base.json5")
        let scenario = dir + "/small.json5"
        let text = "{ extends: \"base.json5\", name: \"child\" }\n"
        try text.write(toFile: scenario, atomically: false, encoding: .utf8)
        let args = c.args.map {
            $0 == "S" ? scenario : $0 == "B" ? base : $0.replacingOccurrences(of: "D/", with: dir + "/")
        }
        let before = try #require(Self.text(c.victim == "S" ? scenario : base))
        let r = run(args + ["--replications", "2", "--out", dir + "/out", "--quiet"])
        #expect(r.status == 2, "\(r.err)")
        #expect(r.err.contains("this output is the scenario file"), "\(r.err)")
        #expect(Self.text(c.victim == "S" ? scenario : base) == before)
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/summary.json"))
    }

    @Test func calibrateDoesNotOverwriteItsPopulation() throws {
        let dir = Fixtures.temporaryDirectory()
        let population = dir + "/known.json5"
        try FileManager.default.copyItem(atPath: CalibrationTests.known, toPath: population)
        let before = Self.text(population)
        let r = run([
            "calibrate", CalibrationTests.activityPath, "--population", population, "--from", "2021-04-01", "--to",
            "2022-04-01", "--out", population,
        ])
        #expect(r.status == 2)
        #expect(r.err.contains("--out \(population): this output is the scenario file"), "\(r.err)")
        #expect(Self.text(population) == before)
    }

    @Test func anOutputFolderThatHoldsTheScenarioUnderAResultNameIsRefused() throws {
        let dir = Fixtures.temporaryDirectory()
        let scenario = try Self.scenario(in: dir, name: "summary.json")
        let before = Self.text(scenario)
        let r = run(["run", scenario, "--replications", "1", "--out", dir, "--quiet"])
        #expect(r.status == 2)
        #expect(r.err.contains("--out \(dir)/summary.json: this output is the scenario file"), "\(r.err)")
        #expect(Self.text(scenario) == before)
    }

    @Test func eventsActivityDoesNotOverwriteItsLog() throws {
        let dir = Fixtures.temporaryDirectory()
        let small = try Self.scenario(in: dir)
        #expect(
            run(["run", small, "--replications", "1", "--events", dir + "/log.csv", "--out", dir + "/o"]).status == 0)
        let before = Self.text(dir + "/log.csv")
        let r = run(["events", "activity", dir + "/log.csv", dir + "/log.csv"])
        #expect(r.status == 2)
        #expect(r.err.contains("this output is the input log"), "\(r.err)")
        #expect(Self.text(dir + "/log.csv") == before)
        #expect(link(dir + "/log.csv", dir + "/same.csv") == 0)
        let converted = run(["events", "convert", dir + "/log.csv", dir + "/same.csv"])
        #expect(converted.status == 2)
        #expect(
            converted.err.contains("events convert OUT \(dir)/same.csv: this output is the input log"),
            "\(converted.err)")
        #expect(Self.text(dir + "/log.csv") == before)
    }

    @Test func compareActualsDoesNotOverwriteTheForecastItReads() throws {
        let dir = Fixtures.temporaryDirectory()
        let population = CalibrationTests.known
        let forecast = dir + "/forecast"
        let r = run([
            "run", population, "--replications", "2", "--out", forecast, "--quiet",
        ])
        #expect(r.status == 0, "\(r.err)")
        let before = Self.text(forecast + "/summary.json")
        // Into the forecast's own folder: refused, the forecast intact.
        let same = run(["compare-actuals", forecast, CalibrationTests.activityPath, "--out", forecast])
        #expect(same.status == 2)
        #expect(same.err.contains("--out \(forecast)/summary.json: this output is the forecast"), "\(same.err)")
        #expect(Self.text(forecast + "/summary.json") == before)
        // Into the default folder inside it, twice: the second run replaces the first's files.
        for _ in 0..<2 {
            let again = run(["compare-actuals", forecast, CalibrationTests.activityPath, "--format", "csv"])
            #expect(again.status == 0, "\(again.err)")
        }
        #expect(try ResultSet.verify(forecast + "/actuals") != .unmanaged)
    }

    @Test func reportDoesNotOverwriteAResultFileButMayReplaceAnEarlierReport() throws {
        let dir = Fixtures.temporaryDirectory()
        let small = try Self.scenario(in: dir)
        #expect(run(["run", small, "--replications", "2", "--out", dir + "/out", "--quiet"]).status == 0)
        let before = Self.text(dir + "/out/summary.csv")
        let r = run(["report", dir + "/out", "--html", dir + "/out/summary.csv"])
        #expect(r.status == 2)
        #expect(r.err.contains("--html \(dir)/out/summary.csv: this output is a results file"), "\(r.err)")
        #expect(Self.text(dir + "/out/summary.csv") == before)
        for _ in 0..<2 { #expect(run(["report", dir + "/out", "--html", dir + "/out/report.html"]).status == 0) }
    }

    // MARK: Messages

    @Test func aFolderUnderAFileIsNamedWithoutFoundationText() throws {
        let dir = Fixtures.temporaryDirectory()
        let small = try Self.scenario(in: dir)
        try "not a directory".write(toFile: dir + "/file", atomically: false, encoding: .utf8)
        let r = run(["run", small, "--replications", "1", "--out", dir + "/file/sub", "--quiet"])
        #expect(r.status == 3)
        #expect(
            r.err.contains("cannot create directory '\(dir)/file/sub': '\(dir)/file' is not a directory"), "\(r.err)")
        #expect(!r.err.contains("NSCocoaErrorDomain") && !r.err.contains("error 512"))
    }
}
