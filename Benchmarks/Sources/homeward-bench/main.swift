// homeward-bench: Homeward's performance measurements against the targets of the issue
// "Performance: benchmarks against a peer". Only HomewardKit's public API is used.
//
//   homeward-bench [--json] [--quick] [--baseline PATH] [--tmp DIR] [--wait-quiet SECONDS]
//
// Before each timed section the bench waits (up to --wait-quiet seconds, default 120; 0 with
// --quick) until other processes use less than 0.1 core, and it reports how much CPU other
// processes used during the timings: on a shared machine the numbers mean little otherwise.
//
// What each number means is documented in Benchmarks/README.md. Internal mode (the bench
// re-invokes itself so that each horizon's peak memory is measured in a fresh process):
//
//   homeward-bench --child-memory SCENARIO

import Dispatch
import Foundation
import HomewardKit

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

// MARK: - Utilities

/// Monotonic seconds.
@inline(__always)
func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Keeps a value alive so that the optimiser cannot delete the work that produced it.
@inline(never)
func blackHole<T>(_ x: T) { withExtendedLifetime(x) {} }

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    guard !s.isEmpty else { return .nan }
    return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

/// A field of /proc/self/status in kB (VmHWM: peak resident set; VmRSS: current).
func procStatusKB(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
        let digits = line.dropFirst(field.count + 1).filter { $0.isNumber }
        return Int(String(digits)) ?? -1
    }
    return -1
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("homeward-bench: \(message)\n".utf8))
    exit(3)
}

func absolutePath(_ path: String) -> String {
    URL(fileURLWithPath: path).standardizedFileURL.path
}

func loadScenario(_ path: String) -> LoadedScenario {
    do {
        return try ScenarioLoader.load(path: path)
    } catch {
        fail("cannot load \(path): \(error)")
    }
}

// MARK: - Result rows

/// One line of the table: a measurement and the issue's target beside it.
struct Row {
    var section: String
    var name: String
    var value: Double
    var unit: String
    /// The issue's target as text ("-" when there is none).
    var target: String
    /// "met", "MISSED", "n/a" or "-" (no target).
    var status: String
    var note: String = ""
}

func formatNumber(_ x: Double) -> String {
    if x.isNaN { return "n/a" }
    let a = abs(x)
    let decimals = a >= 1000 ? 0 : a >= 100 ? 1 : a >= 10 ? 2 : 3
    let f = NumberFormatter()
    f.numberStyle = .decimal
    f.minimumFractionDigits = decimals
    f.maximumFractionDigits = decimals
    f.locale = Locale(identifier: "en_GB")
    return f.string(from: NSNumber(value: x)) ?? String(x)
}

func formatInteger(_ n: Int) -> String {
    let f = NumberFormatter()
    f.numberStyle = .decimal
    f.locale = Locale(identifier: "en_GB")
    return f.string(from: NSNumber(value: n)) ?? String(n)
}

/// The 1-minute load average (other processes on the machine distort every timing).
func loadAverage() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return .nan }
    return Double(text.split(separator: " ").first ?? "") ?? .nan
}

/// CPU seconds used by this process so far (user + system, all threads).
func cpuSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// CPU seconds used by the calling thread so far.
func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Busy and total CPU time of the whole machine so far, in seconds (from /proc/stat).
func machineCPU() -> (busy: Double, total: Double) {
    guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
        let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
    else { return (.nan, .nan) }
    let f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
    guard f.count >= 5 else { return (.nan, .nan) }
    let tick = Double(sysconf(Int32(_SC_CLK_TCK)))
    let total = f.prefix(8).reduce(0, +)
    let idle = f[3] + f[4]  // idle + iowait
    return ((total - idle) / tick, total / tick)
}

/// CPU (in cores) that other processes used while `body` ran: machine busy time minus ours.
func othersCores<T>(_ body: () -> T) -> (T, Double) {
    let m0 = machineCPU()
    let c0 = cpuSeconds()
    let t0 = now()
    let result = body()
    let wall = now() - t0
    let m1 = machineCPU()
    let ours = cpuSeconds() - c0
    return (result, max(0, ((m1.busy - m0.busy) - ours) / wall))
}

/// Waits (up to `limit` seconds) until the rest of the machine uses less than 0.1 core,
/// sampling for a second at a time; returns the cores others were using at the end.
func waitForQuiet(_ what: String, limit: Double) -> Double {
    guard limit > 0 else { return .nan }
    let began = now()
    var others = 0.0
    repeat {
        let m0 = machineCPU()
        let c0 = cpuSeconds()
        usleep(1_000_000)
        let m1 = machineCPU()
        others = max(0, (m1.busy - m0.busy) - (cpuSeconds() - c0))
        if others < 0.1 { return others }
        FileHandle.standardError.write(
            Data("  ... other processes use \(formatNumber(others)) cores; waiting before: \(what)\n".utf8))
    } while now() - began < limit
    return others
}

func padded(_ s: String, _ n: Int, right: Bool = false) -> String {
    let c = s.count
    if c >= n { return s }
    let pad = String(repeating: " ", count: n - c)
    return right ? pad + s : s + pad
}

func printTable(_ rows: [Row], header: String) {
    print(header)
    let w0 = max(44, rows.map { $0.name.count }.max() ?? 0)
    let w1 = 16
    let w2 = max(10, rows.map { $0.unit.count }.max() ?? 0)
    let w3 = max(18, rows.map { $0.target.count }.max() ?? 0)
    let line =
        padded("measurement", w0) + "  " + padded("value", w1, right: true) + "  " + padded("unit", w2) + "  "
        + padded("target", w3) + "  status"
    print(line)
    print(String(repeating: "-", count: line.count + 10))
    var section = ""
    for r in rows {
        if r.section != section {
            section = r.section
            print("[\(section)]")
        }
        var text =
            padded(r.name, w0) + "  " + padded(formatNumber(r.value), w1, right: true) + "  " + padded(r.unit, w2)
            + "  " + padded(r.target, w3) + "  " + r.status
        if !r.note.isEmpty { text += "  (\(r.note))" }
        print(text)
    }
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default:
            if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
        }
    }
    return out + "\""
}

func jsonNumber(_ x: Double) -> String { x.isFinite ? String(x) : "null" }

func printJSON(_ rows: [Row], meta: [(String, String)]) {
    var parts: [String] = []
    for r in rows {
        parts.append(
            "    {\"section\": \(jsonString(r.section)), \"name\": \(jsonString(r.name)), \"value\": \(jsonNumber(r.value)), "
                + "\"unit\": \(jsonString(r.unit)), \"target\": \(jsonString(r.target)), \"status\": \(jsonString(r.status)), "
                + "\"note\": \(jsonString(r.note))}")
    }
    let m = meta.map { "    \(jsonString($0.0)): \(jsonString($0.1))" }.joined(separator: ",\n")
    print("{\n  \"meta\": {\n\(m)\n  },\n  \"results\": [\n\(parts.joined(separator: ",\n"))\n  ]\n}")
}

// MARK: - 1. The event calendar alone (hold model)

/// A payload the size of the model's own (`Action`: 12 bytes).
struct HoldPayload: Sendable {
    var subject: Int32
    var token: UInt32
    var kind: UInt8
}

/// `ops` hold operations: pop the earliest event, schedule one at its time + Exp(1).
@inline(never)
func hold(_ calendar: inout EventCalendar<HoldPayload>, _ rng: inout RandomStream, ops: Int) -> UInt64 {
    var checksum: UInt64 = 0
    for _ in 0..<ops {
        guard let e = calendar.popNext() else { fail("calendar emptied during the hold model") }
        checksum &+= UInt64(truncatingIfNeeded: e.payload.subject) &+ e.sequence
        calendar.schedule(
            at: e.time + rng.exponential(mean: 1.0),
            HoldPayload(subject: e.payload.subject, token: e.payload.token &+ 1, kind: 0))
    }
    return checksum
}

/// Events (hold operations) per second with `pending` events in the calendar: the median of
/// `runs` timed runs, each sized to take about `seconds`.
func calendarRate(pending: Int, runs: Int, seconds: Double) -> (rate: Double, cpuRate: Double, opsPerRun: Int) {
    var rng = RandomStream(seed: 20_240_601 &+ UInt64(pending))
    var calendar = EventCalendar<HoldPayload>(reservingCapacity: pending)
    for i in 0..<pending {
        calendar.schedule(
            at: rng.exponential(mean: 1.0), HoldPayload(subject: Int32(truncatingIfNeeded: i), token: 0, kind: 0))
    }
    // Warm up (and bring the time distribution to its steady state), then calibrate.
    blackHole(hold(&calendar, &rng, ops: max(10 * pending, 200_000)))
    var ops = 200_000
    var t0 = now()
    blackHole(hold(&calendar, &rng, ops: ops))
    var dt = now() - t0
    ops = max(100_000, Int(Double(ops) * seconds / max(dt, 1e-6)))
    var rates: [Double] = []
    var cpuRates: [Double] = []
    for _ in 0..<runs {
        let c0 = threadCPUSeconds()
        t0 = now()
        blackHole(hold(&calendar, &rng, ops: ops))
        dt = now() - t0
        rates.append(Double(ops) / dt)
        cpuRates.append(Double(ops) / (threadCPUSeconds() - c0))
    }
    precondition(calendar.count == pending)
    return (median(rates), median(cpuRates), ops)
}

// MARK: - 2. The whole model

/// Counts events; "patients" are the distinct patient ids seen in `.crisis` events.
struct CountingSink: EventSink {
    var events = 0
    var crises = 0
    var conveyances = 0
    var patients = 0
    var seen: [Bool] = []

    mutating func append(_ event: Event) {
        events &+= 1
        switch event.kind {
        case .crisis:
            crises &+= 1
            let id = Int(event.patient)
            if id >= seen.count {
                seen.append(contentsOf: repeatElement(false, count: max(id + 1 - seen.count, seen.count)))
            }
            if !seen[id] {
                seen[id] = true
                patients &+= 1
            }
        case .conveyance:
            conveyances &+= 1
        default:
            break
        }
    }
}

struct ModelRate {
    var eventsPerCPUSecond: Double
    var patientsPerCPUSecond: Double
    var eventsPerSecond: Double
    var patientsPerSecond: Double
    var eventsPerReplication: Double
    var patientsPerReplication: Double
    var conveyancesPerReplication: Double
    var secondsPerReplication: Double
}

/// One replication at a time through a counting sink (no projection, no log).
func modelRate(_ scenario: Scenario, seed: UInt64, replications: Int) -> ModelRate {
    // Warm-up run (page in code and data).
    var warm = Simulation(scenario: scenario, seed: seed, replication: 1_000, sink: CountingSink())
    warm.run()
    blackHole(warm.sink.events)
    var eventRates: [Double] = []
    var patientRates: [Double] = []
    var events: [Double] = []
    var patients: [Double] = []
    var conveyances: [Double] = []
    var seconds: [Double] = []
    var cpuEventRates: [Double] = []
    var cpuPatientRates: [Double] = []
    for rep in 0..<replications {
        let c0 = threadCPUSeconds()
        let t0 = now()
        var simulation = Simulation(scenario: scenario, seed: seed, replication: rep, sink: CountingSink())
        simulation.run()
        let dt = now() - t0
        let cpu = threadCPUSeconds() - c0
        let sink = simulation.sink
        cpuEventRates.append(Double(sink.events) / cpu)
        cpuPatientRates.append(Double(sink.patients) / cpu)
        eventRates.append(Double(sink.events) / dt)
        patientRates.append(Double(sink.patients) / dt)
        events.append(Double(sink.events))
        patients.append(Double(sink.patients))
        conveyances.append(Double(sink.conveyances))
        seconds.append(dt)
    }
    return ModelRate(
        eventsPerCPUSecond: median(cpuEventRates), patientsPerCPUSecond: median(cpuPatientRates),
        eventsPerSecond: median(eventRates), patientsPerSecond: median(patientRates),
        eventsPerReplication: median(events), patientsPerReplication: median(patients),
        conveyancesPerReplication: median(conveyances), secondsPerReplication: median(seconds))
}

/// Wall seconds of `Runner.run` (projections on), median of `runs`.
func runnerSeconds(_ loaded: LoadedScenario, replications: Int, threads: Int, runs: Int, eventsPath: String? = nil)
    -> Double
{
    runnerTimes(loaded, replications: replications, threads: threads, runs: runs, eventsPath: eventsPath).wall
}

/// Wall seconds of `Runner.run` (projections on) and the CPU seconds it used, medians of `runs`.
func runnerTimes(_ loaded: LoadedScenario, replications: Int, threads: Int, runs: Int, eventsPath: String? = nil) -> (
    wall: Double, cpu: Double
) {
    var times: [Double] = []
    var cpus: [Double] = []
    for _ in 0..<runs {
        let c0 = cpuSeconds()
        let options = RunOptions(
            replications: replications, seed: loaded.scenario.seed, threads: threads, eventsPath: eventsPath)
        let t0 = now()
        do {
            let result = try Runner.run(loaded, options: options)
            blackHole(result.replications.count)
        } catch {
            fail("run failed: \(error)")
        }
        times.append(now() - t0)
        cpus.append(cpuSeconds() - c0)
    }
    return (median(times), median(cpus))
}

/// Diagnostic: `perThread` replications on each of 2 threads through `Runner.replicate`,
/// either all threads sharing one `Scenario` value (as `Runner.run` does) or each thread
/// with its own copy loaded from the file (so no heap object of the scenario is shared).
/// Returns the wall seconds, median of `runs`.
func twoThreadSeconds(path: String, perThread: Int, privateCopies: Bool, runs: Int) -> Double {
    let shared = loadScenario(path).scenario
    let copies = privateCopies ? [loadScenario(path).scenario, loadScenario(path).scenario] : [shared, shared]
    var times: [Double] = []
    for _ in 0..<runs {
        let t0 = now()
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            let scenario = copies[worker]
            for k in 0..<perThread {
                let metrics = Runner.replicate(scenario, seed: scenario.seed, replication: worker * perThread + k)
                blackHole(metrics.values.count)
            }
        }
        times.append(now() - t0)
    }
    return median(times)
}

// MARK: - Peak memory in a child process

/// Child mode: run one replication of SCENARIO (projections on, one thread) and print
/// `hwmBeforeKB hwmAfterKB horizonDays seconds`.
func childMemory(_ path: String) -> Never {
    let loaded = loadScenario(path)
    let before = procStatusKB("VmHWM")
    let t0 = now()
    do {
        let result = try Runner.run(
            loaded, options: RunOptions(replications: 1, seed: loaded.scenario.seed, threads: 1))
        blackHole(result.replications.count)
    } catch {
        fail("run failed: \(error)")
    }
    let dt = now() - t0
    let after = procStatusKB("VmHWM")
    print("\(before) \(after) \(loaded.scenario.days) \(dt)")
    exit(0)
}

struct MemoryResult {
    var hwmBeforeKB: Double
    var hwmAfterKB: Double
    var seconds: Double
}

func executablePath() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}

func measureMemory(baseline: String, horizonDays: Int, tmp: String) -> MemoryResult {
    let file = "\(tmp)/baseline-\(horizonDays)d.json5"
    let text = """
        // Written by homeward-bench: the baseline with a \(horizonDays)-day horizon.
        { extends: \(jsonString(absolutePath(baseline))), horizonDays: \(horizonDays) }

        """
    do { try text.write(toFile: file, atomically: true, encoding: .utf8) } catch {
        fail("cannot write \(file): \(error)")
    }
    defer { try? FileManager.default.removeItem(atPath: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executablePath())
    process.arguments = ["--child-memory", file]
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { fail("cannot start the memory child: \(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { fail("memory child failed (\(process.terminationStatus))") }
    let fields = String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap {
        Double($0)
    }
    guard fields.count == 4 else { fail("memory child printed '\(String(decoding: data, as: UTF8.self))'") }
    return MemoryResult(hwmBeforeKB: fields[0], hwmAfterKB: fields[1], seconds: fields[3])
}

// MARK: - Main

let arguments = Array(CommandLine.arguments.dropFirst())
if let i = arguments.firstIndex(of: "--child-memory") {
    guard i + 1 < arguments.count else { fail("--child-memory needs a scenario file") }
    childMemory(arguments[i + 1])
}

func option(_ name: String) -> String? {
    guard let i = arguments.firstIndex(of: name), i + 1 < arguments.count else { return nil }
    return arguments[i + 1]
}
let asJSON = arguments.contains("--json")
let quick = arguments.contains("--quick")
let baselinePath = option("--baseline") ?? "../Scenarios/baseline.json5"
let referencePath = option("--reference") ?? "peers/reference.json5"
let quietLimit = Double(option("--wait-quiet") ?? (quick ? "0" : "120")) ?? 120
let tmp = absolutePath(option("--tmp") ?? ".build/bench-tmp")
for a in arguments where a.hasPrefix("--") {
    guard ["--json", "--quick", "--baseline", "--reference", "--tmp", "--wait-quiet"].contains(a) else {
        fail(
            "unknown option \(a); usage: homeward-bench [--json] [--quick] [--baseline PATH] [--reference PATH] [--tmp DIR] [--wait-quiet SECONDS]"
        )
    }
}
do { try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true) } catch {
    fail("cannot create \(tmp)")
}

func progress(_ s: String) {
    FileHandle.standardError.write(Data("  ... \(s)\n".utf8))
}

let loadBefore = loadAverage()
if loadBefore > 0.5 {
    FileHandle.standardError.write(
        Data(
            "homeward-bench: warning: the 1-minute load average is \(loadBefore); other processes will distort the timings\n"
                .utf8))
}
var rows: [Row] = []
let timedRuns = quick ? 3 : 7

// 1. Calendar.
for pending in [16, 1_000, 100_000] {
    progress("event calendar, \(pending) pending")
    _ = waitForQuiet("event calendar", limit: quietLimit)
    let (r, others) = othersCores { calendarRate(pending: pending, runs: timedRuns, seconds: quick ? 0.2 : 0.5) }
    let isTarget = pending == 1_000
    rows.append(
        Row(
            section: "event calendar (hold model: pop one, push one at t + Exp(1))",
            name: "\(formatInteger(pending)) pending: events per second", value: r.rate, unit: "events/s",
            target: isTarget ? ">= 10,000,000" : "-",
            status: isTarget ? (r.rate >= 10e6 ? "met" : "MISSED by \(formatNumber((1 - r.rate / 10e6) * 100))%") : "-",
            note:
                "median of \(timedRuns) runs of \(formatInteger(r.opsPerRun)) events; \(formatNumber(r.cpuRate)) per CPU-second; other processes \(formatNumber(others)) cores"
        ))
}

// 2. The whole model.
let loaded = loadScenario(baselinePath)
let scenario = loaded.scenario
progress("whole model, counting sink")
let modelReps = quick ? 3 : 11
_ = waitForQuiet("whole model", limit: quietLimit)
let (m, othersModel) = othersCores { modelRate(scenario, seed: scenario.seed, replications: modelReps) }
let modelSection = "whole model: \(scenario.name), \(scenario.warmupDays) + \(scenario.days) days"
rows.append(
    Row(
        section: modelSection, name: "events per second (simulation + counting sink)", value: m.eventsPerSecond,
        unit: "events/s", target: "-", status: "-",
        note:
            "\(formatNumber(m.eventsPerReplication)) events per replication, median of \(modelReps) replications; \(formatNumber(m.eventsPerCPUSecond)) per CPU-second; other processes \(formatNumber(othersModel)) cores"
    ))
rows.append(
    Row(
        section: modelSection, name: "patients per second (simulation + counting sink)", value: m.patientsPerSecond,
        unit: "patients/s", target: "-", status: "-",
        note:
            "patient = distinct id in .crisis events; \(formatNumber(m.patientsPerReplication)) per replication (\(formatNumber(m.conveyancesPerReplication)) conveyances); \(formatNumber(m.patientsPerCPUSecond)) per CPU-second"
    ))

let runnerReps = quick ? 4 : 10
let runnerRuns = quick ? 1 : 5
let perThread = max(runnerReps / 2, 1)
// The 1- and 2-thread runs are interleaved (1, 2, shared, private; 1, 2, ...) and each
// speed-up is taken within one round, so that a change in the machine's load between rounds
// does not turn into a false speed-up or slow-down.
var wall1: [Double] = []
var wall2: [Double] = []
var cpuPer1: [Double] = []
var cpuPer2: [Double] = []
var ratios: [Double] = []
var sharedRatios: [Double] = []
var privateRatios: [Double] = []
var roundOthers: [Double] = []
for round in 0..<runnerRuns {
    progress("threads, round \(round + 1) of \(runnerRuns): Runner.run on 1 and 2 threads, then the diagnostics")
    _ = waitForQuiet("thread round \(round + 1)", limit: quietLimit)
    let (_, others) = othersCores { () -> Int in
        let (a, ca) = runnerTimes(loaded, replications: runnerReps, threads: 1, runs: 1)
        let (b, cb) = runnerTimes(loaded, replications: runnerReps, threads: 2, runs: 1)
        let shared = twoThreadSeconds(path: baselinePath, perThread: perThread, privateCopies: false, runs: 1)
        let own = twoThreadSeconds(path: baselinePath, perThread: perThread, privateCopies: true, runs: 1)
        let perRep = a / Double(runnerReps)
        wall1.append(a)
        wall2.append(b)
        cpuPer1.append(ca / Double(runnerReps))
        cpuPer2.append(cb / Double(runnerReps))
        ratios.append(a / b)
        sharedRatios.append(perRep * Double(2 * perThread) / shared)
        privateRatios.append(perRep * Double(2 * perThread) / own)
        return 0
    }
    roundOthers.append(others)
}
let t1 = median(wall1)
let t2 = median(wall2)
let rps1 = Double(runnerReps) / t1
let rps2 = Double(runnerReps) / t2
let ratio = median(ratios)
let othersNote =
    "other processes \(formatNumber(median(roundOthers))) cores (median of rounds; max \(formatNumber(roundOthers.max() ?? .nan)))"
let runnerNote = "Runner.run, \(runnerReps) replications, projections on, median of \(runnerRuns)"
rows.append(
    Row(
        section: modelSection, name: "replications per second, 1 thread", value: rps1, unit: "reps/s", target: "-",
        status: "-",
        note: runnerNote + "; \(formatNumber(1 / median(cpuPer1))) per CPU-second"))
rows.append(
    Row(
        section: modelSection, name: "replications per second, 2 threads", value: rps2, unit: "reps/s", target: "-",
        status: "-",
        note: runnerNote
            + "; \(formatNumber(1 / median(cpuPer2))) per CPU-second; CPU/wall \(formatNumber(median(cpuPer2) * Double(runnerReps) / t2))"
    ))
rows.append(
    Row(
        section: modelSection, name: "speed-up, 2 threads over 1", value: ratio, unit: "x", target: ">= 1.8x",
        status: ratio >= 1.8 ? "met" : "MISSED by \(formatNumber((1.8 - ratio) / 1.8 * 100))%",
        note: "median of \(runnerRuns) paired rounds (each: 1 thread then 2 threads); \(othersNote)"))
rows.append(
    Row(
        section: modelSection, name: "diagnostic: 2 threads sharing one Scenario", value: median(sharedRatios),
        unit: "x", target: "-", status: "-",
        note: "speed-up over 1 thread in the same round; Runner.replicate, \(perThread) replications a thread"))
rows.append(
    Row(
        section: modelSection, name: "diagnostic: 2 threads, private Scenario copies", value: median(privateRatios),
        unit: "x", target: "-", status: "-",
        note: "speed-up over 1 thread in the same round; each thread loads its own copy of the file"))
rows.append(
    Row(
        section: modelSection, name: "events per second with projections, 1 thread",
        value: m.eventsPerReplication * rps1,
        unit: "events/s", target: "-", status: "-", note: "events per replication x replications per second"))

progress("peak memory, 1 year (child process)")
let mem1 = measureMemory(baseline: baselinePath, horizonDays: 365, tmp: tmp)
progress("peak memory, 10 years (child process)")
let mem10 = measureMemory(baseline: baselinePath, horizonDays: 3650, tmp: tmp)
let memRatio = mem10.hwmAfterKB / mem1.hwmAfterKB
let memNote = "VmHWM after 1 replication; \(formatNumber(mem1.hwmBeforeKB / 1024)) MB after loading"
rows.append(
    Row(
        section: modelSection, name: "peak memory, 1-year horizon", value: mem1.hwmAfterKB / 1024, unit: "MB",
        target: "-", status: "-", note: memNote))
rows.append(
    Row(
        section: modelSection, name: "peak memory, 10-year horizon", value: mem10.hwmAfterKB / 1024, unit: "MB",
        target: "-", status: "-",
        note:
            "VmHWM after 1 replication (\(formatNumber(mem10.seconds)) s); \(formatNumber(mem10.hwmBeforeKB / 1024)) MB after loading"
    ))
rows.append(
    Row(
        section: modelSection, name: "peak memory, 10 years over 1 year", value: memRatio, unit: "x",
        target: "<= 1.10x",
        status: memRatio <= 1.10 ? "met" : "MISSED by \(formatNumber((memRatio - 1.10) * 100)) points",
        note:
            "growth after loading: \(formatNumber((mem1.hwmAfterKB - mem1.hwmBeforeKB) / 1024)) MB vs \(formatNumber((mem10.hwmAfterKB - mem10.hwmBeforeKB) / 1024)) MB"
    ))

// 3. The event log: the run with no log, with the binary log (.hwlog) and with JSON Lines,
// interleaved in rounds; then the binary writer alone.
let logReps = quick ? 1 : 2
let logRuns = quick ? 1 : 5
let binaryPath = "\(tmp)/bench-events.hwlog"
let jsonPath = "\(tmp)/bench-events.jsonl"
var withoutTimes: [Double] = []
var binaryTimes: [Double] = []
var jsonTimes: [Double] = []
var logOthers: [Double] = []
var binaryCPU: [Double] = []
func fileBytes(_ path: String) -> Double {
    Double(((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0)
}
for round in 0..<logRuns {
    progress("event log, round \(round + 1) of \(logRuns): without, then with the binary log, then with JSON Lines")
    _ = waitForQuiet("event log round \(round + 1)", limit: quietLimit)
    // An untimed replication first: the first timing after the wait for a quiet machine came
    // out slower (a cold start), which made the runs with a log look faster than without.
    _ = runnerSeconds(loaded, replications: 1, threads: 1, runs: 1)
    let (_, others) = othersCores { () -> Int in
        withoutTimes.append(runnerSeconds(loaded, replications: logReps, threads: 1, runs: 1))
        let binary = runnerTimes(loaded, replications: logReps, threads: 1, runs: 1, eventsPath: binaryPath)
        binaryTimes.append(binary.wall)
        binaryCPU.append(binary.cpu)
        jsonTimes.append(runnerSeconds(loaded, replications: logReps, threads: 1, runs: 1, eventsPath: jsonPath))
        return 0
    }
    logOthers.append(others)
}
let without = median(withoutTimes)
let withBinary = median(binaryTimes)
let withJSON = median(jsonTimes)
let binaryBytes = fileBytes(binaryPath)
let jsonBytes = fileBytes(jsonPath)
try? FileManager.default.removeItem(atPath: binaryPath)
try? FileManager.default.removeItem(atPath: jsonPath)

/// The binary writer alone: one replication's events, recorded in memory first, written with
/// `BinaryEventLogWriter` (the writer `Runner.run` uses for .hwlog) to a file and closed.
struct RecordingSink: EventSink {
    var events: [Event] = []
    mutating func append(_ event: Event) { events.append(event) }
}
var recording = Simulation(scenario: scenario, seed: scenario.seed, replication: 0, sink: RecordingSink())
recording.run()
let recorded = recording.sink.events
let writerPath = "\(tmp)/bench-writer.hwlog"
let writerContext = ProjectionContext(scenario: scenario)
var writerRates: [Double] = []
var writerCPURates: [Double] = []
var writerBytes = 0.0
progress("binary writer alone, \(timedRuns) runs of \(recorded.count) events")
_ = waitForQuiet("binary writer", limit: quietLimit)
let (_, writerOthers) = othersCores { () -> Int in
    for _ in 0..<timedRuns {
        let c0 = threadCPUSeconds()
        let t0 = now()
        do {
            var writer = try BinaryEventLogWriter(
                path: writerPath,
                header: EventLogHeader(context: writerContext, scenarioHash: "", seed: 0, replications: 1),
                replication: 0)
            for e in recorded { writer.append(e) }
            try writer.close()
        } catch {
            fail("binary writer failed: \(error)")
        }
        let dt = now() - t0
        let cpu = threadCPUSeconds() - c0
        writerBytes = fileBytes(writerPath)
        writerRates.append(writerBytes / 1e6 / dt)
        writerCPURates.append(writerBytes / 1e6 / cpu)
    }
    return 0
}
try? FileManager.default.removeItem(atPath: writerPath)

/// MB per second of the time a log adds; n/a when the run with the log was not slower (the
/// writer's cost is then below the noise of the timings).
func extraRate(_ bytes: Double, with: Double, without: Double) -> (value: Double, note: String) {
    with > without
        ? (bytes / 1e6 / (with - without), "bytes / (time with log - time without)")
        : (
            .nan,
            "n/a: the run with the log was not slower than without (\(formatNumber(with)) vs \(formatNumber(without)) s); the writer's cost is below the noise"
        )
}
let binaryExtra = extraRate(binaryBytes, with: withBinary, without: without)
let jsonExtra = extraRate(jsonBytes, with: withJSON, without: without)

let logSection = "event log (\(logReps) replications, 1 thread, file in \(tmp))"
let binaryMBps = binaryBytes / 1e6 / withBinary
rows.append(
    Row(
        section: logSection, name: "binary log (.hwlog) written, MB per second of run", value: binaryMBps, unit: "MB/s",
        target: ">= 100",
        status: binaryMBps >= 100 ? "met" : "MISSED by \(formatNumber((1 - binaryMBps / 100) * 100))%",
        note:
            "Runner.run with eventsPath .hwlog; \(formatNumber(binaryBytes / 1e6)) MB, \(formatNumber(binaryBytes / m.eventsPerReplication / Double(logReps))) bytes/event; \(formatNumber(binaryBytes / 1e6 / median(binaryCPU))) MB per CPU-second of the run; other processes \(formatNumber(median(logOthers))) cores"
    ))
rows.append(
    Row(
        section: logSection, name: "binary log, MB per second of extra time", value: binaryExtra.value,
        unit: "MB/s", target: "-", status: "-", note: binaryExtra.note))
rows.append(
    Row(
        section: logSection, name: "slow-down with the binary log", value: withBinary / without, unit: "x", target: "-",
        status: "-",
        note:
            "\(formatNumber(withBinary)) s with vs \(formatNumber(without)) s without, medians of \(logRuns) paired rounds"
    ))
rows.append(
    Row(
        section: logSection, name: "binary writer alone, MB per second", value: median(writerRates), unit: "MB/s",
        target: "-", status: "-",
        note:
            "BinaryEventLogWriter, \(formatInteger(recorded.count)) events from memory to a file (\(formatNumber(writerBytes / 1e6)) MB), median of \(timedRuns); \(formatNumber(median(writerCPURates))) MB per CPU-second; other processes \(formatNumber(writerOthers)) cores"
    ))
let jsonMBps = jsonBytes / 1e6 / withJSON
rows.append(
    Row(
        section: logSection, name: "JSON Lines written, MB per second of run", value: jsonMBps, unit: "MB/s",
        target: "-", status: "-",
        note:
            "for comparison (the target is for the binary log); \(formatNumber(jsonBytes / 1e6)) MB, \(formatNumber(jsonBytes / m.eventsPerReplication / Double(logReps))) bytes/event"
    ))
rows.append(
    Row(
        section: logSection, name: "JSON Lines, MB per second of extra time", value: jsonExtra.value,
        unit: "MB/s", target: "-", status: "-", note: jsonExtra.note))
rows.append(
    Row(
        section: logSection, name: "slow-down with JSON Lines log", value: withJSON / without, unit: "x", target: "-",
        status: "-",
        note:
            "\(formatNumber(withJSON)) s with vs \(formatNumber(without)) s without, medians of \(logRuns) paired rounds"
    ))

// 4. The peer reference model: Homeward (Runner.run, 1 thread, every projection on) against
// the same model as a bare loop (BareReference.swift), interleaved in rounds.
let referenceReps = quick ? 2 : 10
let referenceRuns = quick ? 1 : 3
let referenceLoaded = loadScenario(referencePath)
var homewardRef: [Double] = []
var bareRef: [Double] = []
var refRatios: [Double] = []
var refOthers: [Double] = []
var homewardArrivals = 0.0
var homewardDelayed = 0.0
var bareArrivals = 0
var bareDelayed = 0.0
var bareEvents = 0
for round in 0..<referenceRuns {
    progress("reference model, round \(round + 1) of \(referenceRuns): Homeward, then the bare loop")
    _ = waitForQuiet("reference round \(round + 1)", limit: quietLimit)
    let (_, others) = othersCores { () -> Int in
        let options = RunOptions(replications: referenceReps, seed: referenceLoaded.scenario.seed, threads: 1)
        var t0 = now()
        let run: RunResult
        do { run = try Runner.run(referenceLoaded, options: options) } catch { fail("reference run failed: \(error)") }
        let homewardSeconds = now() - t0
        homewardArrivals = run.replications.reduce(0) { $0 + ($1["crises"] ?? .nan) }
        homewardDelayed = run.replications.reduce(0) { $0 + ($1["delayedBedDays"] ?? .nan) } / Double(referenceReps)
        t0 = now()
        var arrivals = 0
        var delayed = 0.0
        var events = 0
        for rep in 0..<referenceReps {
            let r = bareReference(seed: referenceLoaded.scenario.seed, replication: UInt64(rep))
            arrivals += r.arrivals
            delayed += r.delayedBedDays
            events += r.events
        }
        let bareSeconds = now() - t0
        (bareArrivals, bareDelayed, bareEvents) = (arrivals, delayed / Double(referenceReps), events)
        let (homewardRate, bareRate) = (homewardArrivals / homewardSeconds, Double(arrivals) / bareSeconds)
        homewardRef.append(homewardRate)
        bareRef.append(bareRate)
        refRatios.append(bareRate / homewardRate)
        return 0
    }
    refOthers.append(others)
}
let refSection =
    "peer reference model (Benchmarks/peers/reference.json5), \(referenceReps) replications x 10 years, 1 thread"
rows.append(
    Row(
        section: refSection, name: "Homeward: patients per second", value: median(homewardRef), unit: "patients/s",
        target: "-", status: "-",
        note:
            "Runner.run, every projection on, median of \(referenceRuns) rounds; \(formatNumber(homewardArrivals)) patients; mean delayed bed days \(formatNumber(homewardDelayed)); other processes \(formatNumber(median(refOthers))) cores"
    ))
rows.append(
    Row(
        section: refSection, name: "bare loop: patients per second", value: median(bareRef), unit: "patients/s",
        target: "-", status: "-",
        note:
            "the same model hand-written with EventCalendar and RandomStream, counters only (BareReference.swift); \(formatInteger(bareArrivals)) patients, \(formatInteger(bareEvents)) events; mean delayed bed days \(formatNumber(bareDelayed))"
    ))
rows.append(
    Row(
        section: refSection, name: "bare loop over Homeward", value: median(refRatios), unit: "x", target: "-",
        status: "-",
        note:
            "median of the within-round ratios: the price of Homeward's generality, per-patient streams, event stream and metrics"
    ))

let meta: [(String, String)] = [
    ("scenario", absolutePath(baselinePath)), ("homewardVersion", Homeward.version),
    ("cores", String(ProcessInfo.processInfo.activeProcessorCount)), ("quick", String(quick)),
    ("loadAverageBefore", String(loadBefore)), ("loadAverageAfter", String(loadAverage())),
]
if asJSON {
    printJSON(rows, meta: meta)
} else {
    printTable(
        rows,
        header: "homeward-bench (Homeward \(Homeward.version), \(ProcessInfo.processInfo.activeProcessorCount) cores; "
            + "1-minute load average \(loadBefore) before, \(loadAverage()) after)")
}
