import Testing

@testable import HomewardKit

/// Tests of SplitMix64, xoshiro256** (RandomStream) and StreamID.
///
/// Reference values marked "C reference" were produced by Vigna's reference
/// `splitmix64.c` and `xoshiro256starstar.c`; values marked "pinned" are this
/// implementation's own output, pinned so that any change to seeding or stream
/// derivation (which would silently change every simulation result) is caught.
@Suite struct RandomStreamTests {

    // MARK: Reference vectors

    @Test func xoshiroMatchesReferenceImplementation() {
        var rng = RandomStream(state: (1, 2, 3, 4))
        let expected: [UInt64] = [
            11520, 0, 1_509_978_240, 1_215_971_899_390_074_240,
            1_216_172_134_540_287_360, 607_988_272_756_665_600,
        ]
        #expect((0..<expected.count).map { _ in rng.next() } == expected)
    }

    @Test func splitMix64MatchesReferenceImplementation() {
        var sm = SplitMix64(state: 0)  // C reference
        let expected: [UInt64] = [
            0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4,
            0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC,
        ]
        #expect((0..<4).map { _ in sm.next() } == expected)
    }

    @Test func seedingFromSplitMix64MatchesReference() {
        var rng = RandomStream(seed: 42)  // C reference: s[i] = splitmix64() four times
        #expect(rng.next() == 0x1578_0B2E_0C2E_C716)
        #expect(rng.next() == 0x6104_D986_6D11_3A7E)
        #expect(rng.next() == 0xAE17_5332_39E4_99A1)
    }

    @Test func jumpMatchesReferenceImplementation() {
        var rng = RandomStream(state: (1, 2, 3, 4))
        rng.jump()  // C reference
        #expect(
            rng.state == (
                0x8C7A_1539_56B5_F3D1, 0x701F_1A71_3401_D85E,
                0x6527_F66A_6546_9085, 0x8386_B786_C440_8050
            ))
        #expect(rng.next() == 0xBBD2_F312_2984_43D8)
    }

    @Test func keyedDerivationIsPinned() {
        // Pinned (also computed independently from the documented formula).
        var rng = RandomStream(master: 1, replication: 2, stream: 3)
        #expect(rng.next() == 0xC5B1_30B3_4D7E_3C54)
        #expect(rng.next() == 0x9E78_A4B9_DE91_50F6)
        #expect(rng.next() == 0x6948_FD64_A9F7_BDB3)
        #expect(
            rng
                == RandomStream(seed: 0x551A_953C_C378_EE1D)
                .advanced(by: 3))
    }

    // MARK: Reproducibility and separation

    @Test func sameKeyGivesSameSequence() {
        var a = RandomStream(master: 20_240_601, replication: 7, stream: StreamID.named("arrivals"))
        var b = RandomStream(master: 20_240_601, replication: 7, stream: StreamID.named("arrivals"))
        #expect(a == b)
        for _ in 0..<1000 { #expect(a.next() == b.next()) }
    }

    @Test func differentKeysGiveDifferentSequences() {
        let master: UInt64 = 20_240_601
        var streams: [RandomStream] = []
        for replication in 0..<16 as Range<UInt64> {
            for stream in 0..<16 as Range<UInt64> {
                streams.append(RandomStream(master: master, replication: replication, stream: stream))
            }
        }
        streams.append(RandomStream(master: master &+ 1, replication: 0, stream: 0))
        // First outputs all distinct (a collision would be a 2^-64-scale accident).
        var firsts = Set<UInt64>()
        for var s in streams { firsts.insert(s.next()) }
        #expect(firsts.count == streams.count)
        // Neighbouring keys: roughly half the bits of the first outputs differ.
        var a = RandomStream(master: master, replication: 3, stream: 0)
        var b = RandomStream(master: master, replication: 4, stream: 0)
        var c = RandomStream(master: master, replication: 3, stream: 1)
        let xa = a.next()
        let xb = b.next()
        let xc = c.next()
        #expect((16...48).contains((xa ^ xb).nonzeroBitCount))
        #expect((16...48).contains((xa ^ xc).nonzeroBitCount))
    }

    @Test func replicationAndStreamAreNotInterchangeable() {
        var a = RandomStream(master: 1, replication: 2, stream: 3)
        var b = RandomStream(master: 1, replication: 3, stream: 2)
        var z = RandomStream(master: 0, replication: 0, stream: 0)
        #expect(a.next() != b.next())
        #expect(z.next() != 0)
    }

    // MARK: Uniform

    @Test func uniformIsInOpenIntervalAtTheExtremes() {
        let lo = RandomStream.openUnit(0)
        let hi = RandomStream.openUnit(.max)
        #expect(lo > 0 && lo == 0x1.0p-53)
        #expect(hi < 1 && hi == 1 - 0x1.0p-53)
        #expect(1 - hi == lo)  // symmetric set of outputs
        #expect(RandomStream.openUnit(1 << 63) == 0.5 + 0x1.0p-53)
    }

    @Test func uniformMeanAndVariance() {
        var rng = RandomStream(master: 1, replication: 0, stream: StreamID.named("test/uniform"))
        let n = 1_000_000
        var sum = 0.0
        var sumSq = 0.0
        var lo = 1.0
        var hi = 0.0
        for _ in 0..<n {
            let u = rng.uniform()
            sum += u
            sumSq += u * u
            lo = min(lo, u)
            hi = max(hi, u)
        }
        let mean = sum / Double(n)
        let variance = sumSq / Double(n) - mean * mean
        // SE of the mean: sqrt(1/12 / n). SE of the variance: sqrt((μ4 − σ⁴)/n) with
        // μ4 = 1/80 and σ⁴ = 1/144 for U(0, 1).
        let seMean = (1.0 / 12 / Double(n)).squareRoot()
        let seVar = ((1.0 / 80 - 1.0 / 144) / Double(n)).squareRoot()
        #expect(abs(mean - 0.5) < 4 * seMean)
        #expect(abs(variance - 1.0 / 12) < 4 * seVar)
        #expect(lo > 0 && hi < 1)
    }

    @Test func twoStreamsAreUncorrelated() {
        var a = RandomStream(master: 99, replication: 0, stream: 0)
        var b = RandomStream(master: 99, replication: 0, stream: 1)
        let n = 200_000
        var sa = 0.0
        var sb = 0.0
        var saa = 0.0
        var sbb = 0.0
        var sab = 0.0
        for _ in 0..<n {
            let x = a.uniform()
            let y = b.uniform()
            sa += x
            sb += y
            saa += x * x
            sbb += y * y
            sab += x * y
        }
        let nd = Double(n)
        let cov = sab / nd - (sa / nd) * (sb / nd)
        let r = cov / ((saa / nd - (sa / nd) * (sa / nd)) * (sbb / nd - (sb / nd) * (sb / nd))).squareRoot()
        // Under independence r ≈ N(0, 1/n).
        #expect(abs(r) < 4 / nd.squareRoot())
    }

    /// Pearson chi-square statistic of `counts` against equal expected counts.
    static func chiSquare(_ counts: [Int]) -> Double {
        let total = counts.reduce(0, +)
        let expected = Double(total) / Double(counts.count)
        return counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    @Test func uniformChiSquareOver100Bins() {
        var rng = RandomStream(master: 5, replication: 1, stream: StreamID.named("test/chi"))
        var counts = [Int](repeating: 0, count: 100)
        for _ in 0..<500_000 { counts[Int(rng.uniform() * 100)] += 1 }
        // 99 degrees of freedom: mean 99, sd √198 ≈ 14. Generous two-sided bound (±5 sd):
        // too small would mean suspiciously even output.
        let chi2 = Self.chiSquare(counts)
        #expect(chi2 > 29 && chi2 < 170, "chi-square \(chi2)")
    }

    @Test func firstDrawsOfNeighbouringStreamsAreUniform() {
        // Nearby stream ids must give unrelated states: the first uniform of each of
        // 100 000 consecutive streams should itself look uniform.
        var counts = [Int](repeating: 0, count: 100)
        for stream in 0..<100_000 as Range<UInt64> {
            var rng = RandomStream(master: 0, replication: 0, stream: stream)
            counts[Int(rng.uniform() * 100)] += 1
        }
        let chi2 = Self.chiSquare(counts)
        #expect(chi2 > 29 && chi2 < 170, "chi-square \(chi2)")
    }

    // MARK: Other variates

    @Test func standardNormalAndExponentialMoments() {
        var rng = RandomStream(master: 3, replication: 0, stream: StreamID.named("test/normal"))
        let n = 200_000
        var s = 0.0
        var ss = 0.0
        var e = 0.0
        var ee = 0.0
        for _ in 0..<n {
            let z = rng.standardNormal()
            s += z
            ss += z * z
            let x = rng.exponential(mean: 2)
            e += x
            ee += x * x
        }
        let nd = Double(n)
        // Normal: SE(mean) = 1/√n; SE(variance) = √(2/n) (μ4 − σ⁴ = 3 − 1).
        #expect(abs(s / nd) < 4 / nd.squareRoot())
        #expect(abs(ss / nd - (s / nd) * (s / nd) - 1) < 4 * (2 / nd).squareRoot())
        // Exponential(mean 2): SE(mean) = 2/√n; SE(variance) = √((9·16 − 16)/n) = √(128/n).
        #expect(abs(e / nd - 2) < 4 * 2 / nd.squareRoot())
        #expect(abs(ee / nd - (e / nd) * (e / nd) - 4) < 4 * (128 / nd).squareRoot())
    }

    @Test func standardNormalUsesExactlyTwoDraws() {
        var a = RandomStream(seed: 11)
        var b = a
        _ = a.standardNormal()
        _ = b.next()
        _ = b.next()
        #expect(a == b)
    }

    // MARK: index(below:)

    @Test(arguments: [1, 2, 3, 7, 10, 1000, 1 << 40, Int.max])
    func indexBelowStaysInBounds(n: Int) {
        var rng = RandomStream(master: 8, replication: UInt64(truncatingIfNeeded: n), stream: 0)
        for _ in 0..<10_000 {
            let i = rng.index(below: n)
            #expect(i >= 0 && i < n)
        }
    }

    @Test func indexBelowIsUniform() {
        var rng = RandomStream(master: 8, replication: 0, stream: StreamID.named("test/index"))
        for n in [7, 100] {
            var counts = [Int](repeating: 0, count: n)
            for _ in 0..<1000 * n { counts[rng.index(below: n)] += 1 }
            let df = Double(n - 1)
            let chi2 = Self.chiSquare(counts)
            #expect(abs(chi2 - df) < 6 * (2 * df).squareRoot(), "n \(n): chi-square \(chi2)")
        }
        // Large n in two halves: the top bit must be fair too.
        let big = Int.max / 3 * 2
        var upper = 0
        for _ in 0..<100_000 where rng.index(below: big) >= big / 2 { upper += 1 }
        #expect(abs(Double(upper) - 50_000) < 4 * (25_000.0).squareRoot())
    }

    // MARK: StreamID

    @Test func streamIDIsPinned() {
        // Pinned: FNV-1a-64("arrivals") then the SplitMix64 finaliser.
        #expect(StreamID.named("arrivals") == 0x3618_5148_9931_6990)
        #expect(StreamID.named("arrivals/frail") == 0xC0FD_E0ED_3967_E535)
        #expect(StreamID.named("") == SplitMix64.mix(0xCBF2_9CE4_8422_2325))
        // FNV-1a-64 published test vectors, via the bijective finaliser.
        #expect(StreamID.named("a") == SplitMix64.mix(0xAF63_DC4C_8601_EC8C))
        #expect(StreamID.named("foobar") == SplitMix64.mix(0x8594_4171_F739_67E8))
    }

    @Test func streamIDCombineIsPinnedAndOrderSensitive() {
        let arrivals = StreamID.named("arrivals")
        #expect(StreamID.combine(arrivals, 3) == 0xBB04_1E0B_3D75_4D11)
        #expect(StreamID.combine(1, 2) != StreamID.combine(2, 1))
        #expect(StreamID.combine(arrivals, 0) != arrivals)
        #expect(StreamID.named("arrivals/frail") != StreamID.named("arrivals/Frail"))
    }
}

extension RandomStream {
    /// A copy advanced by `k` outputs.
    fileprivate func advanced(by k: Int) -> RandomStream {
        var copy = self
        for _ in 0..<k { _ = copy.next() }
        return copy
    }
}
