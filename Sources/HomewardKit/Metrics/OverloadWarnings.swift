/// When a run's results are flagged as overload (a scenario's `warnings` object; the defaults
/// and their reasons are in docs/metrics.md, "Overload warnings").
public struct WarningThresholds: Sendable, Equatable {
    /// Offered load, as a share of the mean capacity, at which a service is flagged: 1 flags a
    /// service whose demand would keep every place busy (a queue that cannot settle, M/M/c).
    public var offeredLoadShare: Double
    /// Growth of a queue over the measured period, in patients, at which it is flagged (when
    /// the growth is also clear of chance across replications).
    public var queueGrowth: Double
    /// Mean ED wait for a bed, hours, above which it is flagged: 12, the NHS "12-hour trolley
    /// wait" from decision to admit, reported as a never event of emergency care.
    public var edWaitHours: Double
    /// Mean wait for a place in a service after hospital, days, above which it is flagged: 28,
    /// as long as a whole episode of reablement (Rutland's service averages 4 weeks).
    public var serviceWaitDays: Double
    /// Mean delay per delayed patient, days, above which it is flagged: 21, the length of stay
    /// at which NHS England counts a patient as "super-stranded".
    public var delayDays: Double

    /// The defaults (see each property).
    public init(
        offeredLoadShare: Double = 1, queueGrowth: Double = 10, edWaitHours: Double = 12,
        serviceWaitDays: Double = 28, delayDays: Double = 21
    ) {
        self.offeredLoadShare = offeredLoadShare
        self.queueGrowth = queueGrowth
        self.edWaitHours = edWaitHours
        self.serviceWaitDays = serviceWaitDays
        self.delayDays = delayDays
    }

    /// The scenario fields, in order, with the property each sets.
    static var fields: [(name: String, path: WritableKeyPath<WarningThresholds, Double>)] {
        [
            ("offeredLoad", \.offeredLoadShare), ("queueGrowth", \.queueGrowth), ("edWaitHours", \.edWaitHours),
            ("serviceWaitDays", \.serviceWaitDays), ("delayDays", \.delayDays),
        ]
    }
}

/// A sign in a run's results that the system modelled is overloaded: demand that would keep
/// every place busy, a queue that keeps growing, or waits far beyond any real service's.
///
/// Computed from a `Summary` alone (means and intervals across replications), so results
/// merged from shards carry the same warnings as one run.
public struct OverloadWarning: Sendable, Equatable {
    /// What is flagged; the raw value is the stable code in `summary.json`.
    public enum Kind: String, Sendable, CaseIterable {
        /// A service's offered load reaches its capacity (`services.NAME.offeredLoad`).
        case offeredLoad
        /// A service's queue grows through the run (`services.NAME.queueGrowth`).
        case growingQueue
        /// The mean ED wait for an acute bed (`edWaitHours`).
        case edWait
        /// A service's mean wait for a place (`services.NAME.meanWaitDays`).
        case serviceWait
        /// The mean delay per delayed patient (`meanDelayDays`).
        case delay
    }

    public var kind: Kind
    /// The service flagged; nil for the system-wide measures (ED wait, delay).
    public var service: String?
    /// The mean across replications of the measure flagged.
    public var value: Double
    /// The threshold it reached.
    public var threshold: Double

    /// One line for people: what, where, how much and against what.
    public var message: String {
        let v = Self.format(value)
        let t = Self.format(threshold)
        let name = service ?? ""
        switch kind {
        case .offeredLoad:
            return
                "\(name): offered load \(v) places reaches its capacity (\(t)): demand would keep every place busy, so its queue cannot settle"
        case .growingQueue:
            return
                "\(name): the queue grows by \(v) patients over the run (flagged from \(t)): demand outgrows capacity, or the run has not settled"
        case .edWait: return "mean ED wait for a bed is \(v) hours (above \(t))"
        case .serviceWait: return "\(name): mean wait for a place is \(v) days (above \(t))"
        case .delay: return "mean delay per delayed patient is \(v) days (above \(t))"
        }
    }

    /// The warning as `summary.json` holds it: `kind`, `service` (null for system-wide
    /// measures), `value`, `threshold` and `message`.
    public var json: JSONValue {
        .object(
            JSONObject([
                ("kind", .string(kind.rawValue)), ("service", service.map { .string($0) } ?? .null),
                ("value", .number(value)), ("threshold", .number(threshold)), ("message", .string(message)),
            ]))
    }

    /// A value as a message shows it: whole from 100 up, else to one decimal; beyond what a
    /// whole number holds (a merged shard may carry 1e308) or not finite, as Swift spells it.
    static func format(_ x: Double) -> String {
        let rounded = abs(x) >= 100 ? x.rounded() : (x * 10).rounded() / 10
        guard rounded.isFinite, abs(rounded) < 1e15, rounded == rounded.rounded() else { return String(rounded) }
        return String(Int64(rounded))
    }

    /// Every warning the summary gives under `thresholds`, in a fixed order: per service
    /// (summary order) offered load then growing queue then wait, then ED wait, then delay.
    ///
    /// The rules (docs/metrics.md, "Overload warnings"):
    /// - offered load: mean `offeredLoad` >= `offeredLoadShare` x mean `capacityMean` (> 0);
    /// - growing queue: mean `queueGrowth` >= `queueGrowth`, and, with two or more
    ///   replications, the lower end of its 95% interval above 0 (a one-sided test at 2.5%,
    ///   so a stable queue is flagged by chance at most that often, and only if its chance
    ///   growth also reaches the threshold);
    /// - waits: mean `meanWaitDays` of a service other than `acute` above `serviceWaitDays`;
    ///   mean `edWaitHours` above `edWaitHours`; mean `meanDelayDays` above `delayDays`.
    ///
    /// - Parameters:
    ///   - summary: the results.
    ///   - thresholds: when to flag.
    ///   - acute: the acute hospital's name (its wait is the ED wait); nil when not known, and
    ///     then every service's wait is judged.
    public static func of(_ summary: Summary, thresholds: WarningThresholds = .init(), acute: String? = nil)
        -> [OverloadWarning]
    {
        var byService: [String: (capacity: Double?, load: Summary.Entry?, growth: Summary.Entry?, wait: Double?)] =
            [:]
        var order: [String] = []
        func note(_ name: String) {
            if byService[name] == nil {
                byService[name] = (nil, nil, nil, nil)
                order.append(name)
            }
        }
        for entry in summary.entries {
            if let name = Metric.serviceCapacityMean.member(of: entry.key) {
                note(name)
                byService[name]?.capacity = entry.interval.mean
            } else if let name = Metric.serviceOfferedLoad.member(of: entry.key) {
                note(name)
                byService[name]?.load = entry
            } else if let name = Metric.serviceQueueGrowth.member(of: entry.key) {
                note(name)
                byService[name]?.growth = entry
            } else if let name = Metric.serviceMeanWaitDays.member(of: entry.key) {
                note(name)
                byService[name]?.wait = entry.interval.mean
            }
        }
        var out: [OverloadWarning] = []
        for name in order {
            guard let s = byService[name] else { continue }
            if let capacity = s.capacity, capacity > 0, let load = s.load?.interval.mean, load.isFinite,
                load >= thresholds.offeredLoadShare * capacity
            {
                out.append(
                    .init(
                        kind: .offeredLoad, service: name, value: load,
                        threshold: thresholds.offeredLoadShare * capacity))
            }
            if let growth = s.growth?.interval, growth.mean.isFinite, growth.mean >= thresholds.queueGrowth,
                growth.count < 2 || growth.low > 0
            {
                out.append(
                    .init(kind: .growingQueue, service: name, value: growth.mean, threshold: thresholds.queueGrowth))
            }
            if name != acute, let wait = s.wait, wait.isFinite, wait > thresholds.serviceWaitDays {
                out.append(.init(kind: .serviceWait, service: name, value: wait, threshold: thresholds.serviceWaitDays))
            }
        }
        if let ed = summary[Metric.edWaitHours.key]?.interval.mean, ed.isFinite, ed > thresholds.edWaitHours {
            out.append(.init(kind: .edWait, service: nil, value: ed, threshold: thresholds.edWaitHours))
        }
        if let delay = summary[Metric.meanDelayDays.key]?.interval.mean, delay.isFinite, delay > thresholds.delayDays {
            out.append(.init(kind: .delay, service: nil, value: delay, threshold: thresholds.delayDays))
        }
        return out
    }
}
