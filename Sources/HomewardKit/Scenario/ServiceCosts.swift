/// Who pays a cost line: the NHS, the council, or the pooled Better Care Fund budget.
public enum Payer: String, Sendable, CaseIterable {
    case nhs
    case council
    case bcf

    /// For reports ("NHS", "council", "BCF pool").
    public var label: String {
        switch self {
        case .nhs: "NHS"
        case .council: "council"
        case .bcf: "BCF pool"
        }
    }

    /// Who pays a service's lines when its scenario does not say: the NHS for the acute
    /// hospital, crisis response and bed-based intermediate care (community health services),
    /// the council for reablement, care homes and home care (adult social care). This is the
    /// English split of commissioning before pooling (hospital and community health services
    /// by clinical commissioning groups under the Health and Social Care Act 2012, adult social
    /// care by councils under the Care Act 2014); an assumption, which a scenario overrides
    /// wherever a service is paid otherwise (from the pooled fund, for example).
    public static func `default`(for kind: ServiceKind) -> Payer {
        switch kind {
        case .acute, .crisisResponse, .bedBased: .nhs
        case .homeReablement, .careHome, .homeCare: .council
        }
    }

    /// Who pays a scheme when its scenario does not say: the pooled fund (a scheme is the
    /// Better Care Fund's unit of investment).
    public static let schemeDefault = Payer.bcf
}

/// A service's cost lines, as a commissioner pays them, each with its payer.
///
/// - `perFundedPlacePerDay`: a block contract, paid for every place of the capacity calendar
///   (and of schemes' capacity), used or not.
/// - `perOccupiedDay`: spot purchase, paid for each day a place is occupied (the older
///   `costPerDay`).
/// - `perEpisode`: paid once per admission to the service (the older `costPerEpisode`).
/// - acute only, `perDiversion` and `perDayOutOfArea`: a patient diverted out of area costs
///   `perDiversion` plus `perDayOutOfArea` for each day of the stay there, which lasts
///   `daysOutOfArea` or, when that is not given, the mean acute length of stay of the
///   patient's cohort (the stay the patient would have had here).
/// - acute only, `perDelayedDay`: an acute bed day occupied by a delayed patient is costed at
///   this rate **instead of** `perOccupiedDay` (not on top of it: the bed is counted once).
///   When it is not given, delayed days are costed like any occupied day.
public struct ServiceCosts: Sendable, Equatable {
    /// The lines, also the members of the `costByLine` metric (with `schemes`).
    public enum Line: String, Sendable, CaseIterable {
        case fundedPlaces
        case occupiedDays
        case episodes
        case diversions
        case delayedDays
    }

    public var perFundedPlacePerDay = 0.0
    public var perOccupiedDay = 0.0
    public var perEpisode = 0.0
    public var perDiversion = 0.0
    public var perDayOutOfArea = 0.0
    /// Days a diverted patient stays out of area; nil: the cohort's mean acute stay.
    public var daysOutOfArea: Double?
    /// Cost of an acute bed day with a delayed patient, instead of `perOccupiedDay`; nil: the
    /// same as `perOccupiedDay`.
    public var perDelayedDay: Double?
    /// Who pays each line, indexed like `Line.allCases`.
    public var payers: [Payer]

    /// No costs; every line paid by `payer`.
    public init(payer: Payer) { payers = Array(repeating: payer, count: Line.allCases.count) }

    /// Who pays `line`.
    public func payer(_ line: Line) -> Payer { payers[Line.allCases.firstIndex(of: line)!] }

    /// Sets who pays `line`.
    public mutating func setPayer(_ payer: Payer, for line: Line) {
        payers[Line.allCases.firstIndex(of: line)!] = payer
    }
}
