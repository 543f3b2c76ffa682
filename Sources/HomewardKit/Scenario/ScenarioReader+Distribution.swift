/// Distributions as written in scenario files.
///
/// A bare number is a fixed value; otherwise an object with exactly one key naming the family:
/// `{fixed: 3}`, `{uniform: {min, max}}`, `{triangular: {min, mode, max}}`,
/// `{exponential: {mean}}`, `{erlang: {k, mean}}`, `{gamma: {shape, scale}}` or
/// `{gamma: {mean, sd}}`, `{weibull: {shape, scale}}`, `{lognormal: {mean, sd}}` or
/// `{lognormal: {mu, sigma}}`, `{empirical: [values]}`, `{histogram: [{from, to, weight}]}`.
extension FieldReader {
    /// Largest mean a duration may have (in its unit, days or hours).
    static let maximumMean = 1_000_000.0

    static let distributionFamilies = [
        "fixed", "uniform", "triangular", "exponential", "erlang", "gamma", "weibull", "lognormal", "empirical",
        "histogram",
    ]

    mutating func distribution(_ o: JSONObject?, _ key: String, _ path: String, required: Bool = true) -> Distribution?
    {
        let p = join(path, key)
        guard let value = o?[key] else {
            if required && o != nil { fail(p, "is required") }
            return nil
        }
        return distribution(value, p)
    }

    mutating func distribution(_ value: JSONValue, _ p: String) -> Distribution? {
        if case .number = value {
            return checkNumber(value, p, min: 0).map { .fixed($0) }
        }
        guard let o = object(value, p, allowed: FieldReader.distributionFamilies) else { return nil }
        let families = o.keys.filter { $0 != "source" }
        guard families.count == 1, let family = families.first, FieldReader.distributionFamilies.contains(family) else {
            if families.count > 1 {
                fail(p, "must name exactly one distribution, got \(families.joined(separator: ", "))")
            }
            if families.isEmpty {
                fail(p, "must name a distribution (\(FieldReader.distributionFamilies.joined(separator: ", ")))")
            }
            return nil
        }
        let fp = join(p, family)
        let body = o[family]!
        var d: Distribution?
        switch family {
        case "fixed":
            d = checkNumber(body, fp, min: 0).map { .fixed($0) }
        case "uniform":
            let b = object(body, fp, allowed: ["min", "max"])
            if let lo = number(b, "min", fp, min: 0), let hi = number(b, "max", fp, min: 0) {
                if hi < lo {
                    fail(fp, "max must be >= min, got min \(format(lo)) and max \(format(hi))")
                } else {
                    d = .uniform(min: lo, max: hi)
                }
            }
        case "triangular":
            let b = object(body, fp, allowed: ["min", "mode", "max"])
            if let lo = number(b, "min", fp, min: 0), let mode = number(b, "mode", fp, min: 0),
                let hi = number(b, "max", fp, min: 0)
            {
                if !(lo <= mode && mode <= hi && lo < hi) {
                    fail(
                        fp, "needs min <= mode <= max and min < max, got \(format(lo)), \(format(mode)), \(format(hi))")
                } else {
                    d = .triangular(min: lo, mode: mode, max: hi)
                }
            }
        case "exponential":
            let b = object(body, fp, allowed: ["mean"])
            d = number(b, "mean", fp, min: 0, exclusiveMin: true).map { .exponential(mean: $0) }
        case "erlang":
            let b = object(body, fp, allowed: ["k", "mean"])
            if let k = integer(b, "k", fp, min: 1, max: 10_000),
                let mean = number(b, "mean", fp, min: 0, exclusiveMin: true)
            {
                d = .erlang(k: k, mean: mean)
            }
        case "gamma":
            let b = object(body, fp, allowed: ["shape", "scale", "mean", "sd"])
            if b?["mean"] != nil || b?["sd"] != nil {
                if let mean = number(b, "mean", fp, min: 0, exclusiveMin: true),
                    let sd = number(b, "sd", fp, min: 0, exclusiveMin: true)
                {
                    d = .gamma(shape: mean * mean / (sd * sd), scale: sd * sd / mean)
                }
            } else if let shape = number(b, "shape", fp, min: 0, exclusiveMin: true),
                let scale = number(b, "scale", fp, min: 0, exclusiveMin: true)
            {
                d = .gamma(shape: shape, scale: scale)
            }
        case "weibull":
            let b = object(body, fp, allowed: ["shape", "scale"])
            if let shape = number(b, "shape", fp, min: 0, exclusiveMin: true),
                let scale = number(b, "scale", fp, min: 0, exclusiveMin: true)
            {
                d = .weibull(shape: shape, scale: scale)
            }
        case "lognormal":
            let b = object(body, fp, allowed: ["mean", "sd", "mu", "sigma"])
            if b?["mu"] != nil || b?["sigma"] != nil {
                if let mu = number(b, "mu", fp, min: -700, max: 700),
                    let sigma = number(b, "sigma", fp, min: 0, max: 20)
                {
                    d = .lognormal(mu: mu, sigma: sigma)
                }
            } else if let mean = number(b, "mean", fp, min: 0, exclusiveMin: true), let sd = number(b, "sd", fp, min: 0)
            {
                d = .lognormal(mean: mean, sd: sd)
            }
        case "empirical":
            guard case .array(let items) = body, !items.isEmpty else {
                fail(fp, "must be a non-empty list of numbers")
                return nil
            }
            var xs: [Double] = []
            for (i, item) in items.enumerated() {
                if let x = checkNumber(item, "\(fp)[\(i)]", min: 0) { xs.append(x) }
            }
            if xs.count == items.count { d = .empirical(values: xs) }
        case "histogram":
            guard case .array(let items) = body, !items.isEmpty else {
                fail(fp, "must be a non-empty list of {from, to, weight}")
                return nil
            }
            var bins: [HistogramBin] = []
            for (i, item) in items.enumerated() {
                let ip = "\(fp)[\(i)]"
                let b = object(item, ip, allowed: ["from", "to", "weight"])
                if let lo = number(b, "from", ip, min: 0), let hi = number(b, "to", ip, min: 0),
                    let w = number(b, "weight", ip, min: 0)
                {
                    if hi <= lo {
                        fail(ip, "to must be > from")
                    } else {
                        bins.append(HistogramBin(lower: lo, upper: hi, weight: w))
                    }
                }
            }
            if bins.count == items.count {
                if bins.reduce(0, { $0 + $1.weight }) <= 0 {
                    fail(fp, "weights must not all be zero")
                } else {
                    d = .histogram(bins: bins)
                }
            }
        default:
            break
        }
        if let dist = d {
            guard dist.isValid, dist.mean.isFinite else {
                fail(p, "has parameters that give no finite distribution")
                return nil
            }
            guard dist.mean <= FieldReader.maximumMean else {
                fail(
                    p,
                    "has a mean of \(format(dist.mean)); durations are limited to a mean of \(format(FieldReader.maximumMean)) (days or hours: over 100 years)"
                )
                return nil
            }
        }
        return d
    }
}
