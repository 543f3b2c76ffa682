// Closed-form and numerically exact results of queueing theory, used to verify the
// simulator against cases whose answers are known.

import Foundation

/// Exact results of queueing theory used to verify the simulator.
public enum QueueingTheory {

    /// Erlang B blocking probability of an M/G/c/c loss system (c beds, no queue).
    ///
    /// The offered load is a = λ·E[S], the arrival rate times the mean length of stay; the
    /// result is insensitive to the distribution of S beyond its mean. Uses the stable
    /// recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)), which equals
    /// (aᶜ/c!) / Σₖ₌₀ᶜ (aᵏ/k!) without forming large powers or factorials.
    ///
    /// - Parameters:
    ///   - servers: Number of servers c ≥ 0.
    ///   - offeredLoad: Offered load a ≥ 0 in erlangs.
    /// - Returns: The probability that an arrival finds all c servers busy; NaN for negative
    ///   or NaN arguments. B = 0 when a = 0 and c ≥ 1; B = 1 when c = 0 or a = +∞.
    /// - Complexity: O(c).
    public static func erlangB(servers: Int, offeredLoad: Double) -> Double {
        let a = offeredLoad
        guard servers >= 0, a >= 0 else { return .nan }
        if servers == 0 || a == .infinity { return 1 }
        var b = 1.0
        for k in 1...servers {
            let ab = a * b
            b = ab / (Double(k) + ab)
        }
        return b
    }

    /// Erlang C probability that an arrival has to wait in an M/M/c queue.
    ///
    /// From Erlang B: C = c·B / (c − a(1 − B)), with a = λ/μ the offered load. A steady state
    /// exists only for a < c; when a ≥ c every arrival eventually waits and 1 is returned.
    ///
    /// - Parameters:
    ///   - servers: Number of servers c ≥ 0.
    ///   - offeredLoad: Offered load a = λ/μ ≥ 0 in erlangs.
    /// - Returns: P(wait > 0) in steady state; 1 when a ≥ c; NaN for negative or NaN
    ///   arguments.
    /// - Complexity: O(c).
    public static func erlangC(servers: Int, offeredLoad: Double) -> Double {
        let a = offeredLoad
        guard servers >= 0, a >= 0 else { return .nan }
        let c = Double(servers)
        if a >= c { return 1 }
        let b = erlangB(servers: servers, offeredLoad: a)
        return c * b / (c - a * (1 - b))
    }

    /// Mean waiting time in queue, W_q, for an M/M/c queue in steady state.
    ///
    /// W_q = C / (c·μ − λ) with μ = 1/meanService, computed as C·E[S] / (c − a) with
    /// a = λ·E[S], which is the same quantity without forming μ.
    ///
    /// - Parameters:
    ///   - arrivalRate: Poisson arrival rate λ ≥ 0.
    ///   - meanService: Mean (exponential) service time E[S] = 1/μ > 0.
    ///   - servers: Number of servers c ≥ 1.
    /// - Returns: The mean wait in the same time unit as `meanService`; +∞ when the load
    ///   a = λ·E[S] ≥ c (no steady state); NaN for invalid arguments.
    /// - Complexity: O(c).
    public static func mmcMeanWait(arrivalRate: Double, meanService: Double, servers: Int) -> Double {
        guard arrivalRate >= 0, meanService > 0, servers >= 1 else { return .nan }
        let a = arrivalRate * meanService
        let c = Double(servers)
        if a >= c { return .infinity }
        return erlangC(servers: servers, offeredLoad: a) * meanService / (c - a)
    }

    /// The M/M/c/K queue: c servers and a waiting room of K − c places; an arrival finding all K
    /// places taken is lost. With ρ_n ∝ aⁿ/n! for n < c and aᶜ/c!·(a/c)ⁿ⁻ᶜ for c ≤ n ≤ K (the
    /// birth-death chain's stationary distribution, e.g. Gross & Harris, *Fundamentals of
    /// Queueing Theory*, section 2.5), returns
    /// - `blocking`: π_K, the share of arrivals lost (by PASTA);
    /// - `meanQueue`: L_q = Σ_{n=c}^{K} (n − c)·π_n, the mean number waiting.
    /// The mean wait of those admitted is L_q / (λ(1 − π_K)) (Little's law). A room of 0 is
    /// Erlang B; a room growing without bound tends to Erlang C when a < c.
    /// - Parameters:
    ///   - servers: c ≥ 1.
    ///   - waitingRoom: K − c ≥ 0.
    ///   - offeredLoad: a = λ·E[S] > 0.
    /// - Returns: NaNs for invalid arguments.
    /// - Complexity: O(K), in logarithms (no overflow for large loads).
    public static func mmcK(servers: Int, waitingRoom: Int, offeredLoad: Double) -> (
        blocking: Double, meanQueue: Double
    ) {
        let a = offeredLoad
        guard servers >= 1, waitingRoom >= 0, a > 0, a.isFinite else { return (.nan, .nan) }
        let k = servers + waitingRoom
        var logs = [0.0]
        logs.reserveCapacity(k + 1)
        var logTerm = 0.0
        for n in stride(from: 1, through: k, by: 1) {
            logTerm += log(a) - log(Double(min(n, servers)))
            logs.append(logTerm)
        }
        let top = logs.max() ?? 0
        var total = 0.0
        var queue = 0.0
        for (n, l) in logs.enumerated() {
            let w = exp(l - top)
            total += w
            if n > servers { queue += Double(n - servers) * w }
        }
        return (exp(logs[k] - top) / total, queue / total)
    }

    /// The M/M/c queue in which every arrival waits at most a fixed time τ (M/M/c+D): one whose
    /// wait would be longer leaves after τ (in the model, a patient diverted after
    /// `divertAfterHours`). First come, first served, so those ahead who leave never delay
    /// those behind, and an arrival is served exactly when the virtual waiting time V it finds
    /// is at most τ. With all c servers busy, each accepted arrival pushes V up by an
    /// exponential(cμ) time, and V falls at rate 1; level crossing gives its density
    /// f(v) = λπ_{c−1}·e^{−(cμ−λ)v} for 0 < v < τ and f(τ)·e^{−cμ(v−τ)} beyond, while
    /// π_n = π_0·aⁿ/n! for n < c servers busy and V = 0 (e.g. Brandt & Brandt, "On the M(n)/M(n)/s
    /// queue with impatient calls", 1999; Baccelli & Hebuterne 1981). By PASTA:
    /// - `abandonment`: P(V > τ) = λπ_{c−1}·e^{−(cμ−λ)τ} / (cμ), the share who leave;
    /// - `wait`: P(V > 0), the share who wait at all.
    /// τ = 0 gives Erlang B; τ → ∞ with a < c gives Erlang C.
    /// - Parameters:
    ///   - servers: c ≥ 1.
    ///   - arrivalRate: λ > 0.
    ///   - meanService: 1/μ > 0 (exponential), in the unit of time of λ.
    ///   - patience: τ ≥ 0, in the same unit.
    /// - Returns: NaNs for invalid arguments.
    /// - Complexity: O(c), in logarithms (no overflow for large loads).
    public static func mmcDeterministicPatience(
        servers: Int, arrivalRate: Double, meanService: Double, patience: Double
    ) -> (abandonment: Double, wait: Double) {
        let lambda = arrivalRate
        guard servers >= 1, lambda > 0, meanService > 0, patience >= 0, lambda.isFinite, patience.isFinite else {
            return (.nan, .nan)
        }
        let mu = 1 / meanService
        let a = lambda * meanService
        // log of a^n / n! for n = 0 ..< c, scaled by the largest to avoid overflow.
        var logs = [0.0]
        for n in stride(from: 1, to: servers, by: 1) { logs.append(logs[n - 1] + log(a) - log(Double(n))) }
        let top = logs.max() ?? 0
        let idle = logs.reduce(0) { $0 + exp($1 - top) }
        let last = lambda * exp(logs[servers - 1] - top)  // λ π_{c−1}, unnormalised
        let drift = Double(servers) * mu - lambda
        let served = drift == 0 ? last * patience : last * -expm1(-drift * patience) / drift
        let leave = last * exp(-drift * patience) / (Double(servers) * mu)
        let total = idle + served + leave
        return (leave / total, (served + leave) / total)
    }

    /// Mean number in an M_t/G/∞ system at time t, starting empty at time 0.
    ///
    /// m(t) = ∫₀ᵗ λ(t − u)·P(S > u) du: every arrival at time t − u is still present at t
    /// with probability equal to the survival function of its length of stay at u. The
    /// integral is evaluated by the composite Simpson rule with h = t/n:
    /// (h/3)[g(0) + 4g(h) + 2g(2h) + … + 4g((n−1)h) + g(t)] with g(u) = λ(t − u)·P(S > u),
    /// summed left to right (deterministic). Error O(h⁴) for smooth integrands.
    ///
    /// - Parameters:
    ///   - t: The time at which to evaluate the mean occupancy; t ≤ 0 gives 0.
    ///   - arrivalRate: The arrival rate λ(s) at time s ∈ [0, t].
    ///   - survival: The survival function P(S > u) of the length of stay, u ∈ [0, t].
    ///   - steps: Number n of Simpson intervals; odd values are rounded up to the next even
    ///     number; must be ≥ 2.
    /// - Returns: m(t).
    /// - Complexity: O(n) evaluations of each closure.
    public static func mgInfinityMeanOccupancy(
        at t: Double,
        arrivalRate: (Double) -> Double,
        survival: (Double) -> Double,
        steps: Int = 20_000
    ) -> Double {
        precondition(steps >= 2, "Simpson's rule needs at least two intervals")
        guard t > 0 else { return t.isNaN ? .nan : 0 }
        let n = steps % 2 == 0 ? steps : steps + 1
        let h = t / Double(n)
        var sum = 0.0
        for i in 0...n {
            // u = t·i/n hits both end points exactly.
            let u = i == n ? t : t * Double(i) / Double(n)
            let g = arrivalRate(t - u) * survival(u)
            let weight: Double = (i == 0 || i == n) ? 1 : (i % 2 == 1 ? 4 : 2)
            sum += weight * g
        }
        return sum * h / 3
    }

    /// Little's law: mean number in system L = λ·W.
    ///
    /// - Parameters:
    ///   - arrivalRate: Long-run arrival rate λ.
    ///   - meanTimeInSystem: Mean time in system W, in the reciprocal unit of λ's time.
    /// - Returns: L = λ·W.
    /// - Complexity: O(1).
    public static func littlesLawOccupancy(arrivalRate: Double, meanTimeInSystem: Double) -> Double {
        arrivalRate * meanTimeInSystem
    }
}
