import Foundation
import Testing

@testable import HomewardKit

/// The measures as published: council-supported care-home admissions (ASCOF 2A(2)) against all
/// admissions, and the delays measures by responsible organisation (docs/metrics.md).
@Suite struct PublishedMeasuresTests {
    // MARK: - The projection's rules, worked out by hand

    /// Care-home admissions into the small scenario's care home (service 4), in the window of
    /// `ProjectionRulesTests.context()` (measured from time 2 to 12, 10 days):
    /// - time 0: an initial resident (never an admission);
    /// - time 1: from hospital, self-funded, in the warm-up (not counted);
    /// - time 2.5: from hospital, self-funded (85+ residents' cohort);
    /// - time 3: from hospital, council-supported (65-84);
    /// - time 4: from the community, self-funded (85+);
    /// - time 5: from intermediate care, council-supported, an adult (18-64: all ages only).
    static func careHomeStory() throws -> (ReplicationMetrics, ProjectionContext) {
        let c = try ProjectionRulesTests.context()
        let home: Int16 = 4
        func packed(_ source: AdmissionSource, _ selfFunded: Bool) -> Int32 {
            CareHomeAdmission(source: source, selfFunded: selfFunded).packed
        }
        let lines: [(Double, UInt32, Int16, Int32)] = [
            (0, 1, 2, packed(.initialResident, false)), (1, 2, 2, packed(.hospital, true)),
            (2.5, 3, 2, packed(.hospital, true)), (3, 4, 1, packed(.hospital, false)),
            (4, 5, 2, packed(.community, true)), (5, 6, 0, packed(.intermediateCare, false)),
        ]
        let story = lines.map { l -> ProjectionStory.Line in
            (l.0, .careHomeAdmission, l.1, l.2, home, l.3)
        }
        return (ProjectionStory.metrics(story, context: c), c)
    }

    @Test func councilSupportedAdmissionsLeaveOutSelfFunders() throws {
        let (m, c) = try Self.careHomeStory()
        let per100k65 = 10 / 365.25 * c.population65 / 100_000
        let expected: [(String, Double)] = [
            ("permanentCareHomeAdmissions", 4), ("permanentCareHomeAdmissions65", 3),
            ("councilSupportedCareHomeAdmissions65", 1), ("selfFundedCareHomeAdmissions65", 2),
            ("permanentCareHomeAdmissionsPer100k65", 1 / per100k65), ("allCareHomeAdmissionsPer100k65", 3 / per100k65),
            // By source, all ages and funders (the admission at time 1 is in the warm-up).
            ("permanentCareHomeAdmissionsBySource.hospital", 2),
            ("permanentCareHomeAdmissionsBySource.intermediateCare", 1),
            ("permanentCareHomeAdmissionsBySource.community", 1),
        ]
        for (key, value) in expected {
            let got = m[key] ?? .nan
            #expect(abs(got - value) <= 1e-12 * max(1, value), "\(key): \(got), worked out \(value)")
        }
    }

    @Test func admissionDetailPacksSourceAndFunding() {
        for source in [AdmissionSource.hospital, .community, .intermediateCare, .initialResident] {
            #expect(CareHomeAdmission(source: source, selfFunded: false).packed == source.rawValue)
            for selfFunded in [false, true] {
                let a = CareHomeAdmission(source: source, selfFunded: selfFunded)
                #expect(CareHomeAdmission(packed: a.packed) == a)
            }
        }
        #expect(CareHomeAdmission(packed: 4) == nil)
        #expect(CareHomeAdmission(packed: 32) == nil)
        #expect(CareHomeAdmission(packed: -1) == nil)
    }

    /// `ProjectionRulesTests.story()`: C delayed (social care) at midnight 3, B (NHS) at 5, 6, 7.
    @Test func delaysAtMidnightByResponsibleOrganisation() throws {
        let m = try ProjectionRulesTests.story()
        let c = try ProjectionRulesTests.context()
        let adults = c.adultPopulation / 100_000
        let months = 10 / (365.25 / 12)
        let expected: [(String, Double)] = [
            ("delayedBedDaysMidnightByResponsible.nhs", 3), ("delayedBedDaysMidnightByResponsible.socialCare", 1),
            ("delayedBedDaysMidnightByResponsible.both", 0),
            ("dtocPer100kPerMonthByResponsible.nhs", 3 / (months * adults)),
            ("dtocPer100kPerMonthByResponsible.socialCare", 1 / (months * adults)),
            ("dtocPer100kPerMonthByResponsible.both", 0),
            ("delayedPerDayPer100k", 4 / (10 * adults)), ("delayedPerDayPer100kByResponsible.nhs", 3 / (10 * adults)),
            ("delayedPerDayPer100kByResponsible.socialCare", 1 / (10 * adults)),
            ("delayedPerDayPer100kByResponsible.both", 0),
        ]
        for (key, value) in expected {
            let got = m[key] ?? .nan
            #expect(abs(got - value) <= 1e-12 * max(1, value), "\(key): \(got), worked out \(value)")
        }
    }

    // MARK: - The draw in the simulation

    static func small(selfFunderShare: Double?) throws -> Scenario {
        let field = selfFunderShare.map { "selfFunderShare: \($0), " } ?? ""
        let text = Fixtures.small.replacingOccurrences(
            of: "careHome: { kind: \"careHome\", ", with: "careHome: { kind: \"careHome\", \(field)")
        #expect(text != Fixtures.small || selfFunderShare == nil)
        return try ScenarioLoader.load(text: text, file: "small.json5").scenario
    }

    static func run(_ scenario: Scenario, replications: Int) -> [ReplicationMetrics] {
        (0..<replications).map { Runner.replicate(scenario, seed: 11, replication: $0) }
    }

    /// The keys that may differ when only the self-funder share changes.
    static let fundingKeys: Set<String> = [
        "councilSupportedCareHomeAdmissions65", "selfFundedCareHomeAdmissions65",
        "permanentCareHomeAdmissionsPer100k65",
    ]

    /// Share 0 and no field give the same metrics bit for bit; a share above 0 changes only the
    /// split (its draws come from a stream of their own, so nothing else moves).
    @Test func theShareMovesNothingButTheSplit() throws {
        let none = Self.run(try Self.small(selfFunderShare: nil), replications: 3)
        let zero = Self.run(try Self.small(selfFunderShare: 0), replications: 3)
        let some = Self.run(try Self.small(selfFunderShare: 0.4), replications: 3)
        #expect(none == zero)
        for (a, b) in zip(none, some) {
            #expect(a.values.map(\.key) == b.values.map(\.key))
            for (x, y) in zip(a.values, b.values) where !Self.fundingKeys.contains(x.key) {
                #expect(x.value.bitPattern == y.value.bitPattern, "\(x.key): \(x.value) against \(y.value)")
            }
            #expect(a.monthly.elementsEqual(b.monthly) { $0.key == $1.key && $0.values == $1.values })
            #expect(a[.councilSupportedCareHomeAdmissions65] == a[.permanentCareHomeAdmissions65])
            let all = b[.permanentCareHomeAdmissions65] ?? .nan
            #expect(
                (b[.councilSupportedCareHomeAdmissions65] ?? .nan) + (b[.selfFundedCareHomeAdmissions65] ?? .nan) == all
            )
        }
    }

    /// Exact binomial tail: P(X <= k) for X ~ Binomial(n, p), by summing the probability mass
    /// (each term from log-gamma, so large n neither overflows nor underflows early).
    static func binomialCDF(_ k: Int, n: Int, p: Double) -> Double {
        guard k >= 0 else { return 0 }
        guard k < n else { return 1 }
        let logChoose = { (i: Int) in
            SpecialFunctions.logGamma(Double(n + 1)) - SpecialFunctions.logGamma(Double(i + 1))
                - SpecialFunctions.logGamma(Double(n - i + 1))
        }
        var sum = 0.0
        for i in 0...k {
            sum += exp(logChoose(i) + Double(i) * log(p) + Double(n - i) * log1p(-p))
        }
        return min(sum, 1)
    }

    /// Given the admissions, the number self-funded is Binomial(admissions, share): each admission
    /// is one independent draw with the share's probability. Pooled over 12 replications of the
    /// small scenario (at least 60 admissions 65+ in all, checked), the count must lie inside the
    /// exact binomial's central 99.9% (both tails above 0.0005): a test at level 0.001 on a fixed
    /// seed, so it passes or fails the same way every time. Its power: with the share mistaken
    /// for 1 - share (0.7 for 0.3), the expected count moves by 0.4 n, at least 24, about 7
    /// standard deviations (sqrt(60 x 0.21) = 3.5) or more, far outside.
    @Test func selfFundersAreBinomialWithTheShare() throws {
        let share = 0.3
        let runs = Self.run(try Self.small(selfFunderShare: share), replications: 12)
        let n = Int(runs.reduce(0) { $0 + ($1[.permanentCareHomeAdmissions65] ?? 0) })
        let k = Int(runs.reduce(0) { $0 + ($1[.selfFundedCareHomeAdmissions65] ?? 0) })
        #expect(n >= 60, "too few admissions for the test to have power: \(n)")
        let below = Self.binomialCDF(k, n: n, p: share)
        let above = 1 - Self.binomialCDF(k - 1, n: n, p: share)
        #expect(below > 0.0005 && above > 0.0005, "\(k) self-funded of \(n): P(X <= k) \(below), P(X >= k) \(above)")
    }

    @Test func theBinomialTailIsExact() {
        // Binomial(4, 0.5): P(X <= 1) = (1 + 4) / 16.
        #expect(abs(Self.binomialCDF(1, n: 4, p: 0.5) - 5.0 / 16) < 1e-12)
        // Binomial(3, 0.3): P(X <= 0) = 0.7^3.
        #expect(abs(Self.binomialCDF(0, n: 3, p: 0.3) - 0.343) < 1e-12)
        #expect(Self.binomialCDF(3, n: 3, p: 0.3) == 1)
    }

    @Test func shareOneMakesEveryAdmissionSelfFunded() throws {
        for m in Self.run(try Self.small(selfFunderShare: 1), replications: 2) {
            #expect(m[.councilSupportedCareHomeAdmissions65] == 0)
            #expect(m[.selfFundedCareHomeAdmissions65] == m[.permanentCareHomeAdmissions65])
            #expect(m[.permanentCareHomeAdmissionsPer100k65] == 0)
        }
    }

    @Test func aShareOutsideZeroToOneIsRefused() {
        let text = Fixtures.small.replacingOccurrences(
            of: "careHome: { kind: \"careHome\", ", with: "careHome: { kind: \"careHome\", selfFunderShare: 1.2, ")
        do {
            _ = try ScenarioLoader.load(text: text, file: "small.json5")
            Issue.record("a share of 1.2 was accepted")
        } catch {
            #expect("\(error)".contains("services.careHome.selfFunderShare"), "\(error)")
        }
    }
}
