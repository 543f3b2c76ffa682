/// The values a scenario field may take: its type and bounds, exactly as the validator
/// (`ScenarioReader`) enforces them.
///
/// Defined once: the reader checks each field against its range here, and the field catalog
/// (``ScenarioFieldCatalog``) shows the same range to a planner, so the two cannot disagree.
public struct FieldRange: Sendable, Equatable {
    /// What kind of value the field holds.
    public enum Kind: String, Sendable, Equatable {
        /// A whole number (people, beds, days).
        case wholeNumber
        /// Any finite number within the bounds.
        case number
        /// A probability or share, from 0 to 1.
        case probability
        /// `true` or `false` (a switch).
        case boolean
    }

    public var kind: Kind
    /// The smallest value allowed (0 for a boolean).
    public var minimum: Double
    /// The largest value allowed (1 for a boolean).
    public var maximum: Double

    /// A whole number from `minimum` to `maximum`, both included.
    public static func whole(_ minimum: Int, _ maximum: Int) -> FieldRange {
        FieldRange(kind: .wholeNumber, minimum: Double(minimum), maximum: Double(maximum))
    }

    /// A number from `minimum` to `maximum`, both included.
    public static func number(_ minimum: Double, _ maximum: Double) -> FieldRange {
        FieldRange(kind: .number, minimum: minimum, maximum: maximum)
    }

    /// A probability: 0 to 1.
    public static let probability = FieldRange(kind: .probability, minimum: 0, maximum: 1)
    /// A switch: true or false.
    public static let boolean = FieldRange(kind: .boolean, minimum: 0, maximum: 1)

    /// Whether `value` is allowed (a number of the right kind within the bounds, or a boolean).
    public func contains(_ value: JSONValue) -> Bool {
        switch (kind, value) {
        case (.boolean, .bool): return true
        case (.boolean, _): return false
        case (_, .number(let x)):
            guard x.isFinite, x >= minimum, x <= maximum else { return false }
            return kind != .wholeNumber || x == x.rounded()
        default: return false
        }
    }

    /// The range in words, for a planner: "whole number from 0 to 1,000,000", "share from 0 to
    /// 1", "number from -0.5 to 1", "true or false" (never starting with a sign, so that a
    /// spreadsheet reads it as text).
    public var description: String {
        switch kind {
        case .boolean: return "true or false"
        case .probability: return "share from 0 to 1"
        case .wholeNumber: return "whole number from \(Self.plain(minimum)) to \(Self.plain(maximum))"
        case .number: return "number from \(Self.plain(minimum)) to \(Self.plain(maximum))"
        }
    }

    /// A bound as a planner reads it: thousands separated by commas, no exponent below 10^15.
    static func plain(_ x: Double) -> String {
        guard x == x.rounded(), abs(x) < 1e15 else { return String(x) }
        let digits = String(Int64(abs(x)))
        var grouped = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return (x < 0 ? "-" : "") + grouped
    }
}

/// The ranges of the fields a planner edits, shared by the validator and the field catalog.
/// Each says where its bounds come from.
extension FieldRange {
    /// `horizonDays`: at least a day, at most `ScenarioReader.maximumHorizonDays` (100 years).
    public static let horizonDays = whole(1, ScenarioReader.maximumHorizonDays)
    /// `warmupDays`: none to `ScenarioReader.maximumHorizonDays`; with the horizon, at most that
    /// many days in all (checked by the reader across the two fields).
    public static let warmupDays = whole(0, ScenarioReader.maximumHorizonDays)
    /// `replications`: 1 to `ScenarioReader.maximumReplications`.
    public static let replications = whole(1, ScenarioReader.maximumReplications)
    /// `seed`: 0 to 2^31 - 1 (a seed any shell and spreadsheet keeps exactly).
    public static let seed = whole(0, Int(Int32.max))
    /// `population.bands.*.people`: up to a billion (more than any English system).
    public static let people = number(0, 1e9)
    /// `population.bands.*.annualGrowth` and `cohorts.*.trendPerYear`: a fall of half a year
    /// to a doubling a year; beyond either, a run of years is meaningless.
    public static let annualGrowth = number(-0.5, 1)
    /// `cohorts.*.crises.*`: crisis rates per year, per 1,000 people or per resident, up to a
    /// billion (the workload check, `ScenarioReader.maximumExpectedCrises`, bounds the whole).
    public static let crisisRate = number(0, 1e9)
    /// A service's capacity (and each capacity calendar entry): 0 to
    /// `ScenarioReader.maximumPeoplePerService`.
    public static let capacity = whole(0, ScenarioReader.maximumPeoplePerService)
    /// A cost rate in GBP a day or a unit (`costPerDay`, `costs.perFundedPlacePerDay`, ...): up
    /// to `ScenarioReader.maximumCostRate`.
    public static let costRate = number(0, ScenarioReader.maximumCostRate)
    /// `costPerWeek` and `costPerEpisode`: GBP, up to 10^10 (a week or an episode of the
    /// largest daily rate, with room).
    public static let costPerUnit = number(0, 1e10)
    /// `costs.daysOutOfArea`: up to `ScenarioReader.maximumDaysOutOfArea` (ten years).
    public static let daysOutOfArea = number(0, ScenarioReader.maximumDaysOutOfArea)
    /// A scheme's `cost.oneOff` and `cost.perYear`, and its `plan` figures: up to 10^12 GBP
    /// (more than the whole Better Care Fund).
    public static let schemeAmount = number(0, 1e12)
    /// `demandVariation.annualLevelCV` and `winterSeverityCV`: 0 to `DemandVariation.maximumCV`.
    public static let variationCV = number(0, DemandVariation.maximumCV)
    /// `services.*.divertAfterHours` (acute): up to 10^6 hours.
    public static let divertAfterHours = number(0, 1e6)
    /// A cohort's `sinusoid.amplitude`: 0 to 1 (a rate that never goes below zero).
    public static let sinusoidAmplitude = number(0, 1)
    /// A day of the year, 1 (1 January) to 366.
    public static let dayOfYear = whole(1, 366)
    /// `services.*.edWaitingRoom` (acute): up to 10^6 patients waiting at once.
    public static let edWaitingRoom = whole(0, 1_000_000)
    /// `services.*.waitingList` (downstream services): up to 10^6 patients waiting at once, the
    /// same bound as `edWaitingRoom`.
    public static let waitingList = whole(0, 1_000_000)
}

extension FieldReader {
    /// A whole-number field checked against `range` (see `integer(_:_:_:default:min:max:)`).
    mutating func integer(
        _ o: JSONObject?, _ key: String, _ path: String, default fallback: Int? = nil, in range: FieldRange
    )
        -> Int?
    {
        integer(o, key, path, default: fallback, min: Int(range.minimum), max: Int(range.maximum))
    }

    /// A whole number checked against `range` (see `checkInteger(_:_:min:max:)`).
    mutating func checkInteger(_ value: JSONValue, _ p: String, in range: FieldRange) -> Int? {
        checkInteger(value, p, min: Int(range.minimum), max: Int(range.maximum))
    }

    /// A number field checked against `range` (see `number(_:_:_:default:min:max:exclusiveMin:)`).
    mutating func number(
        _ o: JSONObject?, _ key: String, _ path: String, default fallback: Double? = nil, in range: FieldRange
    )
        -> Double?
    {
        number(o, key, path, default: fallback, min: range.minimum, max: range.maximum)
    }
}
