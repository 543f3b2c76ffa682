import Foundation
import HomewardKit

/// `homeward trace LOG --patient ID [--replication R]`
enum TraceCommand {
    static let help = """
        USAGE: homeward trace LOG --patient ID [--replication R]

        Tells one patient's story from an event log (any format) in plain words, one line per
        event, with calendar dates and clock times (the header's origin plus simulated time):
        crises, conveyances, admissions, medically optimised, assessments, delays with their
        reason and responsible organisation, waits for places, moves between services and
        outcomes. Stays, delays, waits and assessments are measured from the events. Patient
        numbers are those of the log (see docs/event-log.md); they mean nothing across
        replications.

        OPTIONS
          --patient ID       The patient's number (required)
          --replication R    Which replication (default 0)

        An unknown patient or replication is exit code 2.

        """

    static func run(_ args: [String], _ console: Console) throws -> ExitStatus {
        let a = try Arguments(args, valued: ["patient", "replication"], flags: [])
        guard a.positional.count == 1 else {
            throw CommandFailure.usage("trace needs exactly one event log\n\n" + help)
        }
        guard a.value("patient") != nil else { throw CommandFailure.usage("trace needs --patient ID\n\n" + help) }
        let patient = try a.integer("patient", min: 0, max: Int(UInt32.max) - 1)!
        let replication = try a.integer("replication", min: 0, max: Int(Int32.max)) ?? 0
        let path = a.positional[0]
        let trace: PatientTrace
        do {
            trace = try PatientTrace.read(path: path, patient: UInt32(patient), replication: replication)
        } catch let problem as PatientTrace.Problem {
            throw CommandFailure.usage(problem.description)
        }
        console.out(trace.story(logName: path))
        return .success
    }
}
