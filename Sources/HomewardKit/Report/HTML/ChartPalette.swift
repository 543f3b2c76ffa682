/// The Okabe–Ito palette (safe for the common forms of colour blindness) and fill patterns, so
/// that no chart relies on colour alone.
enum ChartPalette {
    static let black = "#000000"
    static let orange = "#E69F00"
    static let sky = "#56B4E9"
    static let green = "#009E73"
    static let yellow = "#F0E442"
    static let blue = "#0072B2"
    static let vermillion = "#D55E00"
    static let purple = "#CC79A7"
    static let ink = "#222222"
    static let muted = "#5a5a5a"
    static let grid = "#e3e3e3"

    /// Colours for series in order; black last.
    static let series = [blue, orange, green, vermillion, purple, sky, yellow, black]

    /// Patterns drawn in white over a fill colour, one per series.
    enum Pattern: Int, CaseIterable, Sendable {
        case solid, diagonal, dots, horizontal, crosshatch, vertical, backDiagonal, grid
    }

    /// The fill of series `i`: its colour and its own pattern.
    static func fill(_ i: Int) -> Fill {
        Fill(color: series[i % series.count], pattern: Pattern.allCases[i % Pattern.allCases.count])
    }
}

/// A colour with an optional pattern over it.
struct Fill: Sendable, Equatable {
    var color: String
    var pattern: ChartPalette.Pattern = .solid
}

/// What a legend entry shows beside its label.
enum Swatch: Sendable {
    case line(color: String, dash: String? = nil, width: Double = 2.5)
    case band(color: String, opacity: Double)
    case fill(Fill)
    case marker(color: String, filled: Bool)
    case whisker(color: String)
}
