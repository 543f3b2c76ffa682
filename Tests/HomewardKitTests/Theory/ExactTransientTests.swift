import Testing

@testable import HomewardKit

/// The two exact transients `homeward verify` compares with: the readmission renewal counts and
/// the hour-by-hour Markov chain of a crisis-response service. Each is checked against a closed
/// form it must reduce to, and against itself with a finer step.
@Suite struct ExactTransientTests {
    // MARK: Readmission renewal

    /// Before any second readmission is possible, the counts are first-generation integrals
    /// with closed forms: with a 6-day stay and 30-day readmissions only, over 10 days,
    /// readmissions = lambda x p30 x (T - 6)^2 / 60 and admissions = lambda T + that.
    @Test func theFirstGenerationMatchesItsClosedForm() {
        let renewal = ReadmissionRenewal(arrivalRate: 100, stay: 6, within30: 0.3, within91: 0.3)
        let counts = renewal.expected(from: 0, to: 10)
        let readmissions = 100 * 0.3 * 16 / 60  // 8
        #expect(abs(counts.within30 - readmissions) < 1e-9)
        #expect(abs(counts.within91 - readmissions) < 1e-9)
        #expect(abs(counts.admissions - (1000 + readmissions)) < 1e-9)
    }

    /// Long after the start the process is stationary: admissions arrive at lambda / (1 - p91)
    /// a day, a share p30 of them followed by a readmission within 30 days and p91 within 91.
    @Test func theLongRunRatesAreTheStationaryOnes() {
        let renewal = ReadmissionRenewal(arrivalRate: 150, stay: 2, within30: 0.1, within91: 0.3, step: 0.25)
        let counts = renewal.expected(from: 1000, to: 1100)
        let admissions = 150 / 0.7 * 100
        #expect(abs(counts.admissions / admissions - 1) < 1e-6, "\(counts.admissions)")
        #expect(abs(counts.within30 / (admissions * 0.1) - 1) < 1e-6, "\(counts.within30)")
        #expect(abs(counts.within91 / (admissions * 0.3) - 1) < 1e-6, "\(counts.within91)")
    }

    /// The grid's only approximation (admissions spread evenly within a cell) is negligible:
    /// a step twice as fine moves the counts of the verification case's first 120 days by
    /// under 1 in 10^5.
    @Test func aFinerStepChangesTheCountsByUnderOneIn100000() {
        func counts(_ step: Double) -> ReadmissionRenewal.Counts {
            ReadmissionRenewal(arrivalRate: 150, stay: 2, within30: 0.1, within91: 0.3, step: step)
                .expected(from: 0, to: 120)
        }
        let coarse = counts(1.0 / 24)
        let fine = counts(1.0 / 48)
        for (a, b) in [
            (coarse.admissions, fine.admissions), (coarse.within30, fine.within30), (coarse.within91, fine.within91),
        ] {
            #expect(abs(a / b - 1) < 1e-5, "\(a) vs \(b)")
        }
    }

    /// Each window's kernel spreads exactly its share over the cells it reaches.
    @Test func eachKernelCarriesItsWholeShare() {
        let renewal = ReadmissionRenewal(arrivalRate: 1, stay: 2, within30: 0.1, within91: 0.3)
        let early = renewal.kernel(start: 2, width: 30, mass: 0.1, cells: 10_000)
        let late = renewal.kernel(start: 32, width: 61, mass: 0.2, cells: 10_000)
        #expect(abs(early.reduce(0, +) - 0.1) < 1e-12)
        #expect(abs(late.reduce(0, +) - 0.2) < 1e-12)
        // No cell has a negative probability beyond rounding (second differences of values up
        // to about 30, divided by the step).
        #expect(early.allSatisfy { $0 >= -1e-11 } && late.allSatisfy { $0 >= -1e-11 })
    }

    // MARK: Open-hours loss chain

    /// Always open at a constant rate, the chain settles to Erlang's loss system: the share of
    /// arrivals taken is 1 - B(c, a) and the mean busy is a (1 - B(c, a)).
    @Test func alwaysOpenItSettlesToErlangB() {
        let c = 5
        let lambda = 96.0  // a day
        let mean = 1.0 / 24  // an hour: a = 4
        let hours = 24 * 10
        let chain = OpenHoursLossChain(
            servers: c, meanDuration: mean, taken: Array(repeating: lambda, count: hours)
        )
        .solve(fromHour: 24 * 5)
        let b = QueueingTheory.erlangB(servers: c, offeredLoad: lambda * mean)
        let offered = lambda * 5
        #expect(abs(chain.crisesTaken / (offered * (1 - b)) - 1) < 1e-9, "\(chain.crisesTaken)")
        #expect(abs(chain.meanBusy / (lambda * mean * (1 - b)) - 1) < 1e-9, "\(chain.meanBusy)")
    }

    /// Every crisis taken is finished once the service has been closed long enough, so the
    /// crises taken equal the busy team-days divided by the mean episode (flow balance: the
    /// busy teams at the end, at most c e^(-48), are all that is left over). Never open, it
    /// takes nobody and nobody is busy.
    @Test func closedItTakesNothingAndEveryCrisisTakenFinishes() {
        let mean = 1.0 / 24
        let open = Array(repeating: 100.0, count: 24) + Array(repeating: 0.0, count: 48)
        let chain = OpenHoursLossChain(servers: 3, meanDuration: mean, taken: open).solve()
        let busyDays = chain.meanBusy * 3  // over the 3 days
        #expect(chain.crisesTaken > 50)
        #expect(abs(chain.crisesTaken - busyDays / mean) < 1e-6, "\(chain.crisesTaken) vs \(busyDays / mean)")
        let closed = OpenHoursLossChain(servers: 3, meanDuration: mean, taken: Array(repeating: 0, count: 48)).solve()
        #expect(closed.crisesTaken == 0 && closed.meanBusy == 0)
    }

    /// Sixty steps an hour are plenty: a quarter of them moves the verification case's
    /// answers by under 1 in 10^6.
    @Test func aCoarserStepBarelyMovesTheAnswer() {
        let rates = (0..<(24 * 14)).map { (k: Int) -> Double in
            let hour = k % 24
            return hour >= 20 || hour < 8 ? 150 + Double(k % 7) * 20 : 0
        }
        let fine = OpenHoursLossChain(servers: 6, meanDuration: 1.0 / 24, taken: rates).solve()
        let coarse = OpenHoursLossChain(servers: 6, meanDuration: 1.0 / 24, taken: rates, stepsPerHour: 15).solve()
        #expect(abs(coarse.crisesTaken / fine.crisesTaken - 1) < 1e-6)
        #expect(abs(coarse.meanBusy / fine.meanBusy - 1) < 1e-6)
    }

    /// The checks refuse a case they cannot compute exactly, naming it.
    @Test func theChecksRefuseACaseTheyCannotCompute() throws {
        let s = try ScenarioLoader.load(path: Fixtures.repositoryRoot + "/Scenarios/verification/erlang-c.json5")
            .scenario
        #expect(throws: VerificationError.self) {
            try VerificationSuite.readmissionChecks(s, replications: 1, threads: 1)
        }
        #expect(throws: VerificationError.self) {
            try VerificationSuite.crisisResponseHoursChecks(s, replications: 1, threads: 1)
        }
    }
}
