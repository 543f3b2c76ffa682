import Foundation

/// A linear map from data values to drawing positions, with "nice" round ticks (1, 2, 2.5 or 5
/// times a power of ten) whose range covers the data.
struct ChartScale: Sendable, Equatable {
    /// The data range, widened to whole ticks.
    var low: Double
    var high: Double
    /// The distance between ticks.
    var step: Double
    /// Drawing positions of `low` and `high` (for a y axis, `from` is the bottom).
    var from: Double
    var to: Double

    /// A scale covering `values` (non-finite ones are ignored) with about `ticks` ticks.
    ///
    /// - Parameter includeZero: widen the range to 0 (for bars and counts).
    init(covering values: [Double], from: Double, to: Double, ticks: Int = 5, includeZero: Bool = false) {
        var finite = values.filter(\.isFinite)
        if includeZero { finite.append(0) }
        let nice = ChartScale.nice(low: finite.min() ?? 0, high: finite.max() ?? 1, ticks: ticks)
        self.init(low: nice.low, high: nice.high, step: nice.step, from: from, to: to)
    }

    init(low: Double, high: Double, step: Double, from: Double, to: Double) {
        self.low = low
        self.high = high
        self.step = step
        self.from = from
        self.to = to
    }

    /// The drawing position of `x` (values outside the range extrapolate).
    func position(_ x: Double) -> Double {
        guard high > low else { return (from + to) / 2 }
        return from + (x - low) / (high - low) * (to - from)
    }

    /// The tick values from `low` to `high`, computed from the step (no drift from adding).
    var ticks: [Double] {
        guard step > 0, high >= low else { return [low] }
        let count = Int(((high - low) / step).rounded())
        return (0...count).map { i in
            let t = low + Double(i) * step
            return (t / step).rounded() * step == 0 ? 0 : t  // no "-0"
        }
    }

    /// Decimals needed to tell the ticks apart.
    var decimals: Int {
        guard step > 0, step.isFinite else { return 0 }
        var d = 0
        var s = step
        while d < 8 && abs(s - s.rounded()) > 1e-9 * max(1, abs(s)) {
            s *= 10
            d += 1
        }
        return d
    }

    /// A tick label: thousands separated, with the scale's decimals; millions as "184m" when
    /// the ticks reach a million (so that labels stay short).
    func label(_ x: Double) -> String {
        if max(abs(low), abs(high)) >= 1e6 {
            let millions = ChartScale(low: low / 1e6, high: high / 1e6, step: step / 1e6, from: from, to: to)
            return ChartScale.format(x / 1e6, decimals: millions.decimals) + "m"
        }
        return ChartScale.format(x, decimals: decimals)
    }

    /// The nice step for a span divided into about `ticks` parts: 1, 2, 2.5 or 5 x 10^k.
    static func niceStep(span: Double, ticks: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let rough = span / Double(max(ticks, 1))
        let magnitude = pow(10, (log10(rough)).rounded(.down))
        let residual = rough / magnitude
        let factor: Double = residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 2.5 ? 2.5 : residual <= 5 ? 5 : 10
        return factor * magnitude
    }

    /// Round bounds covering `[low, high]` with a nice step. A degenerate range is widened.
    static func nice(low: Double, high: Double, ticks: Int) -> (low: Double, high: Double, step: Double) {
        var lo = low.isFinite ? low : 0
        var hi = high.isFinite ? high : 1
        if lo > hi { swap(&lo, &hi) }
        if hi - lo < 1e-12 * max(1, abs(hi)) {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let step = niceStep(span: hi - lo, ticks: ticks)
        let niceLow = (lo / step + 1e-9).rounded(.down) * step
        let niceHigh = (hi / step - 1e-9).rounded(.up) * step
        return (niceLow, niceHigh, step)
    }

    /// `x` with thousands separators and exactly `decimals` decimals ("-1,234.50").
    static func format(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (abs(x) * scale).rounded()
        let whole = (rounded / scale).rounded(.down)
        let fraction = rounded - whole * scale
        var digits = String(format: "%.0f", whole)
        var groups: [String] = []
        while digits.count > 3 {
            groups.insert(String(digits.suffix(3)), at: 0)
            digits.removeLast(3)
        }
        groups.insert(digits, at: 0)
        var text = groups.joined(separator: ",")
        if decimals > 0 {
            var f = String(format: "%.0f", fraction)
            while f.count < decimals { f = "0" + f }
            text += "." + f
        }
        return (x < 0 && rounded != 0 ? "-" : "") + text
    }
}

/// Evenly spaced categories (months, services, metrics) along an axis.
struct BandScale: Sendable, Equatable {
    var count: Int
    var from: Double
    var to: Double
    /// Share of each band left empty between neighbours.
    var padding: Double

    init(count: Int, from: Double, to: Double, padding: Double = 0.2) {
        self.count = count
        self.from = from
        self.to = to
        self.padding = padding
    }

    /// The width of one band including its padding.
    var band: Double { count > 0 ? (to - from) / Double(count) : 0 }
    /// The drawn width of one band.
    var width: Double { band * (1 - padding) }
    /// The centre of band `i`.
    func center(_ i: Int) -> Double { from + band * (Double(i) + 0.5) }
    /// The start of band `i`'s drawn part.
    func start(_ i: Int) -> Double { center(i) - width / 2 }
}
