/// An acute ward feeding a reablement service with blocking after service, solved exactly as a
/// continuous-time Markov chain.
///
/// Patients arrive at rate λ (Poisson) and are lost (diverted) when all `acuteBeds` are taken.
/// Treatment is exponential with rate μ1; then a share `p` need reablement and the rest go home.
/// Reablement has `slots` places with exponential duration, rate μ2. A patient who needs
/// reablement when every slot is taken stays in the acute bed (blocked) until a slot frees,
/// first come first served.
///
/// State: (n1 in treatment, b blocked, n2 in reablement), with n1 + b <= acuteBeds, n2 <= slots,
/// and b > 0 only when n2 = slots. Transitions:
/// - arrival, rate λ, if n1 + b < acuteBeds: n1 + 1;
/// - end of treatment, rate n1·μ1: home with probability 1 - p (n1 - 1); to reablement with
///   probability p: n2 + 1 if a slot is free, else blocked (b + 1); either way n1 - 1;
/// - end of reablement, rate n2·μ2: n2 - 1, and if someone is blocked they move in (b - 1,
///   n2 unchanged).
public struct BlockingNetwork: Sendable {
    public var arrivalRate: Double
    public var treatmentRate: Double
    public var reablementShare: Double
    public var reablementRate: Double
    public var acuteBeds: Int
    public var slots: Int

    public init(
        arrivalRate: Double, treatmentRate: Double, reablementShare: Double, reablementRate: Double, acuteBeds: Int,
        slots: Int
    ) {
        self.arrivalRate = arrivalRate
        self.treatmentRate = treatmentRate
        self.reablementShare = reablementShare
        self.reablementRate = reablementRate
        self.acuteBeds = acuteBeds
        self.slots = slots
    }

    /// The exact long-run measures.
    public struct Solution: Sendable {
        /// Probability an arrival finds every acute bed taken (PASTA: the time share of such states).
        public var lossProbability: Double
        /// Mean number of blocked patients (their acute beds are occupied by delay).
        public var meanBlocked: Double
        /// Mean blocked time per admitted patient (Little's law: meanBlocked / admission rate).
        public var meanBlockedTimePerAdmission: Double
        public var meanAcuteOccupancy: Double
        public var meanReablementOccupancy: Double
        public var states: Int
    }

    struct State: Hashable {
        var n1: Int, b: Int, n2: Int
    }

    public func solve() -> Solution? {
        var states: [State] = []
        for n2 in 0...slots {
            for n1 in 0...acuteBeds {
                for b in 0...(acuteBeds - n1) where b == 0 || n2 == slots {
                    states.append(State(n1: n1, b: b, n2: n2))
                }
            }
        }
        var index: [State: Int] = [:]
        for (i, s) in states.enumerated() { index[s] = i }
        let n = states.count
        var q = [Double](repeating: 0, count: n * n)
        func add(_ from: Int, _ to: State, _ rate: Double) {
            guard rate > 0, let j = index[to] else { return }
            q[from * n + j] += rate
            q[from * n + from] -= rate
        }
        for (i, s) in states.enumerated() {
            if s.n1 + s.b < acuteBeds { add(i, State(n1: s.n1 + 1, b: s.b, n2: s.n2), arrivalRate) }
            if s.n1 > 0 {
                let r = Double(s.n1) * treatmentRate
                add(i, State(n1: s.n1 - 1, b: s.b, n2: s.n2), r * (1 - reablementShare))
                if s.n2 < slots {
                    add(i, State(n1: s.n1 - 1, b: s.b, n2: s.n2 + 1), r * reablementShare)
                } else {
                    add(i, State(n1: s.n1 - 1, b: s.b + 1, n2: s.n2), r * reablementShare)
                }
            }
            if s.n2 > 0 {
                let r = Double(s.n2) * reablementRate
                if s.b > 0 {
                    add(i, State(n1: s.n1, b: s.b - 1, n2: s.n2), r)
                } else {
                    add(i, State(n1: s.n1, b: s.b, n2: s.n2 - 1), r)
                }
            }
        }
        guard let pi = LinearAlgebra.stationaryDistribution(generator: q, n: n) else { return nil }
        var loss = 0.0
        var blocked = 0.0
        var acute = 0.0
        var reablement = 0.0
        for (i, s) in states.enumerated() {
            if s.n1 + s.b == acuteBeds { loss += pi[i] }
            blocked += pi[i] * Double(s.b)
            acute += pi[i] * Double(s.n1 + s.b)
            reablement += pi[i] * Double(s.n2)
        }
        let admissions = arrivalRate * (1 - loss)
        return Solution(
            lossProbability: loss, meanBlocked: blocked, meanBlockedTimePerAdmission: blocked / admissions,
            meanAcuteOccupancy: acute, meanReablementOccupancy: reablement, states: n)
    }
}
