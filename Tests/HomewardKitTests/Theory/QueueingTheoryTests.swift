import Foundation
import Testing

@testable import HomewardKit

/// ln Γ(x) through the re-entrant C function (tests run concurrently; `lgamma` writes `signgam`).
private func lnGamma(_ x: Double) -> Double {
    var sign: Int32 = 0
    return lgamma_r(x, &sign)
}

/// Relative closeness |x − y| ≤ rel·|y| (exact equality also passes).
private func close(_ x: Double, _ y: Double, rel: Double) -> Bool {
    x == y || abs(x - y) <= rel * abs(y)
}

/// Absolute closeness |x − y| ≤ abs.
private func near(_ x: Double, _ y: Double, abs tolerance: Double) -> Bool {
    x == y || abs(x - y) <= tolerance
}

/// Erlang B straight from its definition, B = (aᶜ/c!) / Σₖ₌₀ᶜ aᵏ/k!, with every term formed in
/// log space (k ln a − ln k!) and the sum taken relative to its largest term.
private func directErlangB(servers c: Int, offeredLoad a: Double) -> Double {
    let logTerms = (0...c).map { k in Double(k) * log(a) - lnGamma(Double(k + 1)) }
    let largest = logTerms.max()!
    var sum = 0.0
    for lt in logTerms { sum += exp(lt - largest) }
    return exp(logTerms[c] - largest) / sum
}

/// Row-major generator of a birth–death chain on 0…K with constant rates.
private func birthDeathGenerator(states n: Int, birth: Double, death: (Int) -> Double) -> [Double] {
    var q = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        if i + 1 < n { q[i * n + i + 1] = birth }
        if i > 0 { q[i * n + i - 1] = death(i) }
        var out = 0.0
        for j in 0..<n where j != i { out += q[i * n + j] }
        q[i * n + i] = -out
    }
    return q
}

@Suite("QueueingTheoryTests")
struct QueueingTheoryTests {

    // MARK: Erlang B and C

    /// M/M/c/K: by hand for c = 1, K = 2 at a = 1 (π = 1/3 each: blocking 1/3, L_q = 1/3); a
    /// room of 0 is Erlang B; a long room tends to Erlang C's L_q; and the verification case
    /// (c = 5, room 3, a = 4.5) against the chain's terms written out.
    @Test func mmcKAgainstHandValuesAndItsLimits() {
        let one = QueueingTheory.mmcK(servers: 1, waitingRoom: 1, offeredLoad: 1)
        #expect(close(one.blocking, 1.0 / 3, rel: 1e-14) && close(one.meanQueue, 1.0 / 3, rel: 1e-14))
        for (c, a) in [(1, 0.5), (5, 3.5), (10, 9.0), (100, 120.0)] {
            let noRoom = QueueingTheory.mmcK(servers: c, waitingRoom: 0, offeredLoad: a)
            #expect(close(noRoom.blocking, QueueingTheory.erlangB(servers: c, offeredLoad: a), rel: 1e-12))
            #expect(noRoom.meanQueue == 0)
        }
        let long = QueueingTheory.mmcK(servers: 5, waitingRoom: 2000, offeredLoad: 3.5)
        let lq = QueueingTheory.mmcMeanWait(arrivalRate: 3.5, meanService: 1, servers: 5) * 3.5
        #expect(long.blocking < 1e-200)
        #expect(close(long.meanQueue, lq, rel: 1e-12))
        // c = 5, room 3, a = 4.5: terms aⁿ/n! up to n = 5, then times (a/5) for each place.
        var terms: [Double] = [1]
        for n in 1...8 { terms.append(terms[n - 1] * 4.5 / Double(min(n, 5))) }
        let total = terms.reduce(0, +)
        let room = QueueingTheory.mmcK(servers: 5, waitingRoom: 3, offeredLoad: 4.5)
        #expect(close(room.blocking, terms[8] / total, rel: 1e-13))
        #expect(close(room.meanQueue, (terms[6] + 2 * terms[7] + 3 * terms[8]) / total, rel: 1e-13))
        #expect(abs(room.blocking - 0.111232) < 1e-6)
        #expect(QueueingTheory.mmcK(servers: 0, waitingRoom: 1, offeredLoad: 1).blocking.isNaN)
    }

    /// `edWaitingRoom` is read on the acute service only, as a whole number from 0.
    @Test func theWaitingRoomIsReadAndChecked() throws {
        func load(_ field: String) -> Result<Scenario, ScenarioError> {
            let text = Fixtures.small.replacingOccurrences(
                of: "costPerDay: 400, divertAfterHours: 8", with: "costPerDay: 400, divertAfterHours: 8, \(field)")
            do throws(ScenarioError) {
                return .success(try ScenarioLoader.load(text: text, file: "w.json5").scenario)
            } catch { return .failure(error) }
        }
        let ok = try load("edWaitingRoom: 12").get()
        #expect(ok.services[ok.acute].edWaitingRoom == 12)
        for (field, says) in [
            ("edWaitingRoom: -1", "w.json5: services.acute.edWaitingRoom: must be a whole number >= 0, got -1"),
            ("edWaitingRoom: 2.5", "w.json5: services.acute.edWaitingRoom: must be a whole number >= 0, got 2.5"),
        ] {
            guard case .failure(let error) = load(field) else {
                Issue.record("\(field) was accepted")
                continue
            }
            #expect(error.issues.map(\.description).contains { $0.hasPrefix(says) }, "\(error)")
        }
    }

    @Test func erlangBSmallCasesByHand() {
        // B(1, 1) = 1/(1 + 1) = ½;  B(2, 1) = (1/2)/(1 + 1 + 1/2) = 0.2.
        #expect(close(QueueingTheory.erlangB(servers: 1, offeredLoad: 1), 0.5, rel: 1e-15))
        #expect(close(QueueingTheory.erlangB(servers: 2, offeredLoad: 1), 0.2, rel: 1e-15))
        #expect(QueueingTheory.erlangB(servers: 0, offeredLoad: 3) == 1)
        #expect(QueueingTheory.erlangB(servers: 5, offeredLoad: 0) == 0)
        #expect(QueueingTheory.erlangB(servers: -1, offeredLoad: 1).isNaN)
        #expect(QueueingTheory.erlangB(servers: 3, offeredLoad: -1).isNaN)
    }

    @Test(arguments: [(10, 5.0, 0.018384), (100, 90.0, 0.026957)])
    func erlangBAgainstDirectFormula(servers: Int, load: Double, approx: Double) {
        let b = QueueingTheory.erlangB(servers: servers, offeredLoad: load)
        #expect(abs(b - approx) < 1e-6)  // the quoted values are truncated to 6 decimals
        #expect(close(b, directErlangB(servers: servers, offeredLoad: load), rel: 1e-12))
    }

    @Test func erlangBDirectFormulaOverARange() {
        for c in [1, 3, 20, 250] {
            for a in [0.01, 0.9, 7.5, 200.0, 400.0] {
                let b = QueueingTheory.erlangB(servers: c, offeredLoad: a)
                #expect(close(b, directErlangB(servers: c, offeredLoad: a), rel: 1e-11), "c = \(c), a = \(a)")
            }
        }
    }

    @Test func erlangC() {
        // C(2, 1) = 2·0.2 / (2 − 1·0.8) = 0.4/1.2 = 1/3.
        #expect(close(QueueingTheory.erlangC(servers: 2, offeredLoad: 1), 1.0 / 3.0, rel: 1e-15))
        // M/M/1: the probability of waiting is ρ.
        #expect(close(QueueingTheory.erlangC(servers: 1, offeredLoad: 0.8), 0.8, rel: 1e-15))
        #expect(QueueingTheory.erlangC(servers: 3, offeredLoad: 3) == 1)
        #expect(QueueingTheory.erlangC(servers: 3, offeredLoad: 4.5) == 1)
        #expect(QueueingTheory.erlangC(servers: 3, offeredLoad: 0) == 0)
    }

    @Test func mmcMeanWait() {
        // M/M/1: W_q = ρ/(μ − λ). λ = 0.8, μ = 1: 0.8/0.2 = 4.
        #expect(close(QueueingTheory.mmcMeanWait(arrivalRate: 0.8, meanService: 1, servers: 1), 4, rel: 1e-14))
        // λ = 3, μ = 4: ρ = 0.75, W_q = 0.75/(4 − 3) = 0.75.
        #expect(close(QueueingTheory.mmcMeanWait(arrivalRate: 3, meanService: 0.25, servers: 1), 0.75, rel: 1e-14))
        // M/M/2 with λ = μ = 1: C = 1/3, W_q = C/(2μ − λ) = 1/3.
        #expect(close(QueueingTheory.mmcMeanWait(arrivalRate: 1, meanService: 1, servers: 2), 1.0 / 3.0, rel: 1e-14))
        // Unstable and invalid.
        #expect(QueueingTheory.mmcMeanWait(arrivalRate: 2, meanService: 1, servers: 2) == .infinity)
        #expect(QueueingTheory.mmcMeanWait(arrivalRate: 1, meanService: 0, servers: 2).isNaN)
    }

    @Test func littlesLaw() {
        #expect(QueueingTheory.littlesLawOccupancy(arrivalRate: 12, meanTimeInSystem: 2.5) == 30)
    }

    // MARK: M_t/G/∞

    @Test func mgInfinityConstantRateExponentialStay() {
        // λ constant, S ~ Exp(mean m): ∫₀ᵗ λ e^{−u/m} du = λm(1 − e^{−t/m}).
        let lambda = 2.0
        let m = 3.0
        for t in [0.5, 1, 5, 20, 60] {
            let numeric = QueueingTheory.mgInfinityMeanOccupancy(
                at: t, arrivalRate: { _ in lambda }, survival: { exp(-$0 / m) })
            let exact = lambda * m * (1 - exp(-t / m))
            #expect(near(numeric, exact, abs: 1e-6), "t = \(t)")
            #expect(near(numeric, exact, abs: 1e-10), "t = \(t)")
        }
        // Long run: Little's law L = λ·E[S].
        let longRun = QueueingTheory.mgInfinityMeanOccupancy(
            at: 200, arrivalRate: { _ in lambda }, survival: { exp(-$0 / m) })
        #expect(near(longRun, QueueingTheory.littlesLawOccupancy(arrivalRate: lambda, meanTimeInSystem: m), abs: 1e-9))
    }

    @Test func mgInfinitySinusoidalRate() {
        // λ(s) = 1 + sin s, S ~ Exp(1), so P(S > u) = e^{−u}.
        //   m(t) = ∫₀ᵗ (1 + sin(t − u)) e^{−u} du
        //        = (1 − e^{−t}) + ∫₀ᵗ sin(t − u) e^{−u} du.
        // Substitute v = t − u in the second integral:
        //   ∫₀ᵗ sin(v) e^{−(t − v)} dv = e^{−t} ∫₀ᵗ eᵛ sin v dv = e^{−t} [eᵛ (sin v − cos v)/2]₀ᵗ
        //                              = e^{−t} [eᵗ (sin t − cos t) + 1]/2
        //                              = (sin t − cos t)/2 + e^{−t}/2.
        // Hence m(t) = 1 + (sin t − cos t)/2 − e^{−t}/2. Checks: m(0) = 1 − ½ − ½ = 0, and
        // m′(t) = (cos t + sin t)/2 + e^{−t}/2 = λ(t) − m(t), the M_t/M/∞ balance equation.
        func exact(_ t: Double) -> Double { 1 + (sin(t) - cos(t)) / 2 - exp(-t) / 2 }
        for t in [0.25, 1, Double.pi, 7.5, 30] {
            let numeric = QueueingTheory.mgInfinityMeanOccupancy(
                at: t, arrivalRate: { 1 + sin($0) }, survival: { exp(-$0) })
            #expect(near(numeric, exact(t), abs: 1e-6), "t = \(t)")
            #expect(near(numeric, exact(t), abs: 1e-10), "t = \(t)")
        }
    }

    @Test func mgInfinityEdgeCases() {
        #expect(QueueingTheory.mgInfinityMeanOccupancy(at: 0, arrivalRate: { _ in 1 }, survival: { _ in 1 }) == 0)
        #expect(QueueingTheory.mgInfinityMeanOccupancy(at: -3, arrivalRate: { _ in 1 }, survival: { _ in 1 }) == 0)
        // Odd step counts are rounded up; Simpson is exact for cubics: ∫₀² u³ du = 4.
        let cubic = QueueingTheory.mgInfinityMeanOccupancy(
            at: 2, arrivalRate: { _ in 1 }, survival: { $0 * $0 * $0 }, steps: 3)
        #expect(near(cubic, 4, abs: 1e-14))
    }

    // MARK: Linear algebra

    @Test func solvesThreeByThree() throws {
        // 2x + y − z = 8, −3x − y + 2z = −11, −2x + y + 2z = −3  ⇒  (2, 3, −1).
        let a: [Double] = [
            2, 1, -1,
            -3, -1, 2,
            -2, 1, 2,
        ]
        let x = try #require(LinearAlgebra.solve(a, [8, -11, -3], n: 3))
        #expect(near(x[0], 2, abs: 1e-14))
        #expect(near(x[1], 3, abs: 1e-14))
        #expect(near(x[2], -1, abs: 1e-14))
    }

    @Test func solveNeedsPivotingAndDetectsSingularity() throws {
        // Zero in the top-left corner forces a row swap: y + z = 2, x + z = 2, x + y = 2.
        let a: [Double] = [
            0, 1, 1,
            1, 0, 1,
            1, 1, 0,
        ]
        let x = try #require(LinearAlgebra.solve(a, [2, 2, 2], n: 3))
        for v in x { #expect(near(v, 1, abs: 1e-15)) }
        // The second row is twice the first, so the rank is 2.
        let singular: [Double] = [
            1, 2, 3,
            2, 4, 6,
            1, 1, 1,
        ]
        #expect(LinearAlgebra.solve(singular, [1, 2, 3], n: 3) == nil)
        #expect(LinearAlgebra.solve([], [], n: 0) == [])
    }

    @Test func twoStateChain() throws {
        // Rates α = 2 (0 → 1) and β = 3 (1 → 0): π = (β, α)/(α + β) = (0.6, 0.4).
        let q: [Double] = [
            -2, 2,
            3, -3,
        ]
        let pi = try #require(LinearAlgebra.stationaryDistribution(generator: q, n: 2))
        #expect(near(pi[0], 0.6, abs: 1e-15))
        #expect(near(pi[1], 0.4, abs: 1e-15))
    }

    @Test(arguments: [0.7, 1.0, 1.3])
    func mm1kBirthDeathChain(rho: Double) throws {
        // M/M/1/K with K = 6, μ = 1, λ = ρ: πₖ = ρᵏ / Σⱼ₌₀ᴷ ρʲ.
        let k = 6
        let q = birthDeathGenerator(states: k + 1, birth: rho, death: { _ in 1 })
        let pi = try #require(LinearAlgebra.stationaryDistribution(generator: q, n: k + 1))
        var normaliser = 0.0
        for j in 0...k { normaliser += pow(rho, Double(j)) }
        for j in 0...k {
            #expect(near(pi[j], pow(rho, Double(j)) / normaliser, abs: 1e-14), "state \(j)")
        }
    }

    @Test func lossSystemChainReproducesErlangB() throws {
        // M/M/c/c with c = 5, λ = 3, μ = 1: P(all c busy) is Erlang B(5, 3).
        let c = 5
        let q = birthDeathGenerator(states: c + 1, birth: 3, death: { Double($0) })
        let pi = try #require(LinearAlgebra.stationaryDistribution(generator: q, n: c + 1))
        #expect(close(pi[c], QueueingTheory.erlangB(servers: c, offeredLoad: 3), rel: 1e-13))
    }

    @Test func reducibleChainHasNoUniqueStationaryDistribution() {
        // States 0 and 2 are both absorbing: πQ = 0 has a two-dimensional solution space.
        let q: [Double] = [
            0, 0, 0,
            1, -2, 1,
            0, 0, 0,
        ]
        #expect(LinearAlgebra.stationaryDistribution(generator: q, n: 3) == nil)
    }
}

/// The blocking network's exact solution, checked where it has a closed form.
@Suite struct BlockingNetworkTests {
    @Test func withoutReablementItIsErlangB() throws {
        let net = BlockingNetwork(
            arrivalRate: 3, treatmentRate: 0.5, reablementShare: 0, reablementRate: 1, acuteBeds: 8, slots: 2)
        let s = try #require(net.solve())
        #expect(abs(s.lossProbability - QueueingTheory.erlangB(servers: 8, offeredLoad: 6)) < 1e-10)
        #expect(s.meanBlocked < 1e-12)
        #expect(abs(s.meanAcuteOccupancy - 6 * (1 - s.lossProbability)) < 1e-9)
    }

    @Test func flowIsConserved() throws {
        // Admissions that need reablement = reablement completions: λ(1-B)p = E[n2] μ2.
        let net = BlockingNetwork(
            arrivalRate: 2, treatmentRate: 0.5, reablementShare: 0.5, reablementRate: 1.0 / 3, acuteBeds: 8, slots: 4)
        let s = try #require(net.solve())
        #expect(abs(2 * (1 - s.lossProbability) * 0.5 - s.meanReablementOccupancy / 3) < 1e-9)
        #expect(s.meanBlocked > 0.1)  // enough blocking to be worth verifying
        // Acute occupancy = treatment (λ(1-B)/μ1) + blocked.
        #expect(abs(s.meanAcuteOccupancy - (2 * (1 - s.lossProbability) / 0.5 + s.meanBlocked)) < 1e-9)
    }
}
