/// A loss system whose arrivals change hour by hour and who are taken only in open hours: the
/// exact transient of a crisis-response service with `servers` teams and exponential episodes.
///
/// The number of teams busy is a birth-death Markov chain on 0 ... `servers` with time-varying
/// rates: in hour k a crisis is taken at rate `taken[k]` (per day: the crisis rate times the
/// eligible share when the service is open, 0 when it is closed) while a team is free, and each
/// busy team finishes at rate 1 / `meanDuration`. The Kolmogorov forward equations are
/// integrated from an empty start, hour by hour, with the classical fourth-order Runge-Kutta
/// method and `stepsPerHour` steps (the rates are constant within an hour, so the solution is
/// smooth inside each step). The expected crises taken and the integral of the expected teams
/// busy are integrated alongside. The tests check it against Erlang B for a constant open
/// service and against a halved step.
public struct OpenHoursLossChain: Sendable {
    public var servers: Int
    /// Mean episode, days (exponential).
    public var meanDuration: Double
    /// The rate at which crises are taken while a team is free, per day, for each hour from the
    /// start (0 in closed hours).
    public var taken: [Double]
    public var stepsPerHour: Int

    public init(servers: Int, meanDuration: Double, taken: [Double], stepsPerHour: Int = 60) {
        self.servers = servers
        self.meanDuration = meanDuration
        self.taken = taken
        self.stepsPerHour = stepsPerHour
    }

    /// Expected crises taken and mean teams busy over hours `from ..< taken.count`.
    public struct Result: Sendable {
        public var crisesTaken: Double
        public var meanBusy: Double
    }

    public func solve(fromHour: Int = 0) -> Result {
        let c = servers
        let mu = 1 / meanDuration
        let dt = 1 / (24 * Double(stepsPerHour))
        // State: probabilities p[0...c], then the accumulated taken count and busy-team days.
        var state = [Double](repeating: 0, count: c + 3)
        state[0] = 1
        var taken = 0.0
        var busy = 0.0
        func derivative(_ x: [Double], _ lambda: Double) -> [Double] {
            var d = [Double](repeating: 0, count: c + 3)
            for n in 0...c {
                let inflow = (n > 0 ? lambda * x[n - 1] : 0) + (n < c ? Double(n + 1) * mu * x[n + 1] : 0)
                let outflow = ((n < c ? lambda : 0) + Double(n) * mu) * x[n]
                d[n] = inflow - outflow
                if n < c { d[c + 1] += lambda * x[n] }
                d[c + 2] += Double(n) * x[n]
            }
            return d
        }
        func axpy(_ x: [Double], _ a: Double, _ y: [Double]) -> [Double] { zip(x, y).map { $0 + a * $1 } }
        for (hour, lambda) in self.taken.enumerated() {
            let before = (state[c + 1], state[c + 2])
            for _ in 0..<stepsPerHour {
                let k1 = derivative(state, lambda)
                let k2 = derivative(axpy(state, dt / 2, k1), lambda)
                let k3 = derivative(axpy(state, dt / 2, k2), lambda)
                let k4 = derivative(axpy(state, dt, k3), lambda)
                for i in state.indices { state[i] += dt / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]) }
            }
            if hour >= fromHour {
                taken += state[c + 1] - before.0
                busy += state[c + 2] - before.1
            }
        }
        let days = Double(self.taken.count - fromHour) / 24
        return Result(crisesTaken: taken, meanBusy: days > 0 ? busy / days : 0)
    }
}
