/// The exact expected admissions and readmissions of a hospital where every crisis is conveyed
/// and admitted at once, every stay lasts exactly `stay` days, every patient goes home at the
/// end of it and is readmitted within 30 days with probability `within30`, and within 91 days
/// with the cumulative probability `within91` (uniformly within 0-30 and 30-91 days after
/// going home, as docs/model.md says).
///
/// The admissions form a branching (renewal) process started empty at time 0: the expected
/// number of admissions in `[t, t + dt)` is `lambda dt` plus the readmissions of earlier
/// admissions, `A(t) = lambda + integral A(t - s) f(s) ds`, where `f` is the defective density of
/// the time from admission to readmission (`stay` plus the uniform gap, total mass `within91`).
/// It is solved on a grid of `step` days: the admissions of a cell are spread evenly over it,
/// and the share of them readmitted in each later cell is the exact integral of the gap density
/// against that spread (the second difference of the twice-integrated distribution function),
/// so the only approximation is the even spread within a cell, an error of order `step`^2
/// (the tests halve the step and see the counts move by less than 1 in 10^5).
public struct ReadmissionRenewal: Sendable {
    /// New crises per day (all conveyed, all admitted at once).
    public var arrivalRate: Double
    /// The fixed acute stay, days.
    public var stay: Double
    /// Probability of a readmission within 30 days of going home.
    public var within30: Double
    /// Probability of a readmission within 91 days (cumulative: includes `within30`).
    public var within91: Double
    /// Grid step, days (must divide 1 day into whole cells for day-aligned windows).
    public var step: Double

    public init(arrivalRate: Double, stay: Double, within30: Double, within91: Double, step: Double = 1.0 / 24) {
        self.arrivalRate = arrivalRate
        self.stay = stay
        self.within30 = within30
        self.within91 = within91
        self.step = step
    }

    /// Expected counts over `[from, to)` (days from the start, on the grid).
    public struct Counts: Sendable, Equatable {
        /// Admissions (new crises and readmissions).
        public var admissions: Double
        /// Readmissions within 30 days of the previous discharge.
        public var within30: Double
        /// Readmissions within 91 days of the previous discharge (every readmission here).
        public var within91: Double
    }

    /// The expected counts of admissions and readmissions with admission time in `[from, to)`.
    public func expected(from: Double, to: Double) -> Counts {
        let h = step
        let cells = Int((to / h).rounded())
        let first = Int((from / h).rounded())
        // Readmissions from the 0-30 day window land s = stay + 30 v after admission, those
        // from the 30-91 day window s = stay + 30 + 61 v: two uniform pieces of the gap.
        let early = kernel(start: stay, width: 30, mass: within30, cells: cells)
        let late = kernel(start: stay + 30, width: 61, mass: within91 - within30, cells: cells)
        var admissions = [Double](repeating: 0, count: cells)
        var counts = Counts(admissions: 0, within30: 0, within91: 0)
        for k in 0..<cells {
            var r30 = 0.0
            var rLate = 0.0
            // Cells m = k - j at least 1 apart: the kernel's first cell (m = 0) is empty
            // because `stay` > 0 is at least one cell (checked by the caller's scenario).
            for j in stride(from: k - 1, through: max(0, k - early.count + 1), by: -1) {
                r30 += admissions[j] * early[k - j]
            }
            for j in stride(from: k - 1, through: max(0, k - late.count + 1), by: -1) {
                rLate += admissions[j] * late[k - j]
            }
            admissions[k] = arrivalRate * h + r30 + rLate
            if k >= first {
                counts.admissions += admissions[k]
                counts.within30 += r30
                counts.within91 += r30 + rLate
            }
        }
        return counts
    }

    /// For an admission spread evenly over a cell, the probability that its readmission from a
    /// piece uniform on `[start, start + width]` (total `mass`) falls `m` cells later, for
    /// m = 0 ..< cells (and only as far as the piece reaches).
    ///
    /// With X uniform on the cell and G the integral of the piece's distribution function, the
    /// probability of `X + gap` in `[mh, (m+1)h)` is `(G((m+1)h) - 2 G(mh) + G((m-1)h)) / h`.
    func kernel(start: Double, width: Double, mass: Double, cells: Int) -> [Double] {
        let h = step
        // G(t) = integral_0^t F(s) ds, F rising linearly from 0 at `start` to `mass` at
        // `start + width`.
        func g(_ t: Double) -> Double {
            if t <= start { return 0 }
            if t <= start + width {
                let x = t - start
                return mass * x * x / (2 * width)
            }
            return mass * width / 2 + mass * (t - start - width)
        }
        let reach = min(cells, Int(((start + width) / h).rounded(.up)) + 2)
        return (0..<max(reach, 1)).map { m in
            let t = Double(m) * h
            return (g(t + h) - 2 * g(t) + g(t - h)) / h
        }
    }
}
