@testable import HomewardKit

/// A hand-written event story fed to a projection, for tests that work metrics out by hand.
enum ProjectionStory {
    /// One event: time, kind, patient, cohort, service, detail.
    typealias Line = (time: Double, kind: EventKind, patient: UInt32, cohort: Int16, service: Int16, detail: Int32)

    /// The metrics of `lines` (numbered in order) followed by `.end` at the context's horizon.
    static func metrics(
        _ lines: [Line], context c: ProjectionContext, recordingDaily: Bool = false
    ) -> ReplicationMetrics {
        var p = Projection(context: c, recordingDaily: recordingDaily)
        for (k, l) in lines.enumerated() {
            p.append(
                Event(
                    time: l.time, sequence: UInt64(k), patient: l.patient, kind: l.kind, cohort: l.cohort,
                    service: l.service, detail: l.detail))
        }
        p.append(
            Event(
                time: c.horizon, sequence: UInt64(lines.count), patient: Event.noPatient, kind: .end, cohort: -1,
                service: -1, detail: 0))
        return p.metrics()
    }
}
