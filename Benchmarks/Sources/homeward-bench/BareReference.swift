// The peer reference model (peers/reference.json5) as the smallest Swift loop that simulates
// it: a yardstick for how much of a Homeward replication is the model's irreducible work
// (the event calendar and the random draws) and how much is Homeward's generality (the
// scenario's rules, per-patient random streams, the event stream and its ~40 metrics).
//
// Same model, same numbers as reference.json5 and reference_simpy.py: Poisson arrivals of 30
// a day; 300 acute beds with an unlimited FIFO queue; acute stay lognormal (mean 7, sd 6);
// when optimised, 30% wait in their acute bed for one of 270 reablement slots (blocking after
// service), the rest go home; reablement Exp(mean 28 days); 3,650 days, empty at the start.
// It uses Homeward's own `EventCalendar` and `RandomStream` (one stream per replication, as
// the SimPy program uses one generator), keeps only counters, and measures the same
// `delayedBedDays` (waits still open at the horizon count up to the horizon).

import Foundation
import HomewardKit

/// What the bare loop schedules: 1 byte (the smallest payload the calendar can carry).
enum BareEvent: UInt8, Sendable {
    case arrival, optimised, reablementEnd
}

struct BareReferenceResult {
    var arrivals = 0
    var reablementAdmissions = 0
    var delayedBedDays = 0.0
    var events = 0
}

/// One replication of the reference model as a bare loop.
@inline(never)
func bareReference(seed: UInt64, replication: UInt64, days: Double = 3_650) -> BareReferenceResult {
    let arrivalsPerDay = 30.0
    let acuteBeds = 300
    let reablementSlots = 270
    let reablementShare = 0.3
    let reablementMean = 28.0
    // Lognormal from the mean (7) and sd (6) of the stay, as Homeward reads it.
    let sigma2 = log1p((6.0 / 7.0) * (6.0 / 7.0))
    let s = sigma2.squareRoot()
    let mu = log(7.0) - sigma2 / 2

    var rng = RandomStream(master: seed, replication: replication, stream: 0)
    var calendar = EventCalendar<BareEvent>(reservingCapacity: 1_024)
    var result = BareReferenceResult()
    var acuteOccupied = 0
    var acuteQueue = 0  // patients waiting for a bed: identical, so a count suffices
    var reablementOccupied = 0
    var waiting = FIFOQueue<Double>(reservingCapacity: 1_024)  // when each waiting patient was optimised

    func admitToAcute(_ t: Double, _ calendar: inout EventCalendar<BareEvent>, _ rng: inout RandomStream) {
        calendar.schedule(at: t + exp(mu + s * rng.standardNormal()), .optimised)
    }

    calendar.schedule(at: rng.exponential(mean: 1 / arrivalsPerDay), .arrival)
    while let next = calendar.popNext(), next.time < days {
        let t = next.time
        result.events += 1
        switch next.payload {
        case .arrival:
            result.arrivals += 1
            calendar.schedule(at: t + rng.exponential(mean: 1 / arrivalsPerDay), .arrival)
            if acuteOccupied < acuteBeds {
                acuteOccupied += 1
                admitToAcute(t, &calendar, &rng)
            } else {
                acuteQueue += 1
            }
        case .optimised:
            var bedFreed = true
            if rng.uniform() < reablementShare {
                if reablementOccupied < reablementSlots {
                    reablementOccupied += 1
                    result.reablementAdmissions += 1
                    calendar.schedule(at: t + rng.exponential(mean: reablementMean), .reablementEnd)
                } else {
                    waiting.push(t)
                    bedFreed = false
                }
            }
            if bedFreed {
                if acuteQueue > 0 {
                    acuteQueue -= 1
                    admitToAcute(t, &calendar, &rng)
                } else {
                    acuteOccupied -= 1
                }
            }
        case .reablementEnd:
            if let optimisedAt = waiting.pop() {
                // The slot passes to the first patient waiting; their acute bed is freed.
                result.delayedBedDays += t - optimisedAt
                result.reablementAdmissions += 1
                calendar.schedule(at: t + rng.exponential(mean: reablementMean), .reablementEnd)
                if acuteQueue > 0 {
                    acuteQueue -= 1
                    admitToAcute(t, &calendar, &rng)
                } else {
                    acuteOccupied -= 1
                }
            } else {
                reablementOccupied -= 1
            }
        }
    }
    while let optimisedAt = waiting.pop() { result.delayedBedDays += days - optimisedAt }
    return result
}
