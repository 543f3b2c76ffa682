// Random-number primitives for the simulator: SplitMix64 (seeding and key mixing),
// xoshiro256** 1.0 (the streams themselves) and stable stream identifiers.
//
// Every replication of every experiment draws from streams keyed by
// (master seed, replication, stream id), so that a scenario change that adds draws to
// one stream (say, discharges) leaves every other stream (say, arrivals) untouched:
// common random numbers across scenarios. Nothing here allocates, and every output is
// a pure function of the inputs on every platform.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#else
    import Foundation
#endif

/// SplitMix64 (Steele, Lea, Flood 2014), used to seed and to derive streams.
///
/// A Weyl sequence (`state += 0x9E3779B97F4A7C15`) passed through a 64-bit
/// finaliser. The finaliser alone, `SplitMix64.mix(_:)`, is a bijection of `UInt64`
/// with strong avalanche, which makes it the mixing step for stream keys.
public struct SplitMix64: Sendable, Equatable {
    /// The Weyl-sequence counter.
    public var state: UInt64

    /// Creates a generator whose first output is `mix(state &+ 0x9E3779B97F4A7C15)`.
    /// - Parameter state: The initial counter; any value, zero included.
    /// - Complexity: O(1)
    @inlinable
    public init(state: UInt64) {
        self.state = state
    }

    /// Advances the counter and returns the next output.
    /// - Returns: 64 pseudo-random bits, matching Vigna's reference `splitmix64.c`.
    /// - Complexity: O(1)
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15  // 2^64 / φ, rounded to odd
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 finaliser (Stafford's "Mix13" variant): a bijection of `UInt64`.
    /// Note `mix(0) == 0`, so callers add a constant before mixing when zero matters.
    /// - Parameter z: The word to mix.
    /// - Complexity: O(1)
    @inlinable @inline(__always)
    public static func mix(_ z: UInt64) -> UInt64 {
        var z = z
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna) — one independent stream of random numbers.
///
/// Period 2^256 − 1; 32 bytes of state held inline, so a stream is a plain value
/// that can be copied, compared and stored in a model without allocation.
public struct RandomStream: RandomNumberGenerator, Sendable, Equatable {
    @usableFromInline var s0: UInt64
    @usableFromInline var s1: UInt64
    @usableFromInline var s2: UInt64
    @usableFromInline var s3: UInt64

    /// Seeds the four state words from SplitMix64(seed) (never all zero).
    ///
    /// The words are four consecutive SplitMix64 outputs. Because the finaliser is a
    /// bijection and the four counters are distinct, at most one word can be zero, so
    /// the forbidden all-zero state cannot occur.
    /// - Parameter seed: Any 64-bit value.
    /// - Complexity: O(1)
    @inlinable
    public init(seed: UInt64) {
        var sm = SplitMix64(state: seed)
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
    }

    /// Stream for (master seed, replication, stream id).
    ///
    /// The key is folded into one seed, each component first being offset by its own
    /// odd constant (so zero is not a fixed point and the three roles cannot be
    /// confused) and passed through the SplitMix64 finaliser `mix`:
    ///
    ///     a    = mix(master      &+ 0x9E3779B97F4A7C15)   // SplitMix64(master).next()
    ///     b    = mix(a ^ mix(replication &+ 0xD1B54A32D192ED03))
    ///     seed = mix(b ^ mix(stream      &+ 0x8CB92BA72F3D8DD7))
    ///
    /// then `init(seed:)`. Every step is a bijection in the component it adds, so for a
    /// fixed master and replication distinct stream ids always give distinct seeds (and
    /// likewise distinct replications for a fixed master and stream); the finaliser's
    /// avalanche makes nearby inputs (replication 7 vs 8) give unrelated states.
    /// - Parameters:
    ///   - master: The experiment's master seed.
    ///   - replication: The replication index.
    ///   - stream: The stream id, usually from `StreamID.named(_:)`.
    /// - Complexity: O(1)
    @inlinable
    public init(master: UInt64, replication: UInt64, stream: UInt64) {
        let a = SplitMix64.mix(master &+ 0x9E37_79B9_7F4A_7C15)
        let b = SplitMix64.mix(a ^ SplitMix64.mix(replication &+ 0xD1B5_4A32_D192_ED03))
        let seed = SplitMix64.mix(b ^ SplitMix64.mix(stream &+ 0x8CB9_2BA7_2F3D_8DD7))
        self.init(seed: seed)
    }

    /// Creates a stream with the given raw state words (for reference-vector tests).
    /// - Parameter state: The four state words; must not all be zero.
    /// - Complexity: O(1)
    init(state: (UInt64, UInt64, UInt64, UInt64)) {
        precondition(state != (0, 0, 0, 0), "xoshiro256** state must not be all zero")
        (s0, s1, s2, s3) = state
    }

    /// The raw state words (for tests).
    var state: (UInt64, UInt64, UInt64, UInt64) { (s0, s1, s2, s3) }

    /// Returns the next 64 random bits (the xoshiro256** scrambler `rotl(s1 * 5, 7) * 9`).
    /// - Complexity: O(1)
    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = RandomStream.rotl(s1 &* 5, 7) &* 9
        let t = s1 &<< 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = RandomStream.rotl(s3, 45)
        return result
    }

    @inlinable @inline(__always)
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x &<< k) | (x &>> (64 &- k))
    }

    /// Uniform in the open interval (0, 1): `((x >> 12) + 0.5) * 2^-52`.
    ///
    /// Uses the top 52 bits of one output, not 53: with 53 bits, `(k + 0.5) * 2^-53`
    /// is not representable in the upper half of (0, 1) and rounds to 1.0 when
    /// k = 2^53 − 1. With 52 bits every output is exact, lies in
    /// [2^-53, 1 − 2^-53], and the set of outputs is symmetric (`1 - u` is also an
    /// output), so `log(u)` and `log(1 - u)` are always finite.
    /// - Complexity: O(1); consumes exactly one `next()`.
    @inlinable @inline(__always)
    public mutating func uniform() -> Double {
        RandomStream.openUnit(next())
    }

    /// Maps 64 random bits to (0, 1) as `uniform()` does.
    /// - Parameter bits: The raw output; only its top 52 bits are used.
    /// - Complexity: O(1)
    @inlinable @inline(__always)
    static func openUnit(_ bits: UInt64) -> Double {
        (Double(bits &>> 12) + 0.5) * 0x1.0p-52
    }

    /// Standard normal by Box–Muller: `sqrt(-2 log u1) * cos(2π u2)`.
    ///
    /// The second (sine) variate is deliberately not cached: every call consumes exactly
    /// two uniforms, so the number of draws a stream has made is a simple function of
    /// the calls made on it and a stream remains a plain value with no hidden state.
    /// The output is bounded by about ±8.5 (since u1 ≥ 2^-53).
    /// - Complexity: O(1); consumes exactly two `next()`.
    @inlinable
    public mutating func standardNormal() -> Double {
        let u1 = uniform()
        let u2 = uniform()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }

    /// Exponential with the given mean by inversion: `-mean * log(u)`.
    /// - Parameter mean: The mean; must be > 0.
    /// - Complexity: O(1); consumes exactly one `next()`.
    @inlinable
    public mutating func exponential(mean: Double) -> Double {
        -mean * log(uniform())
    }

    /// Uniform integer in `0..<n`, unbiased (Lemire's multiply-and-reject method, 2019).
    ///
    /// Takes the high word of the 128-bit product `x * n`; rejects only when the low
    /// word falls below `2^64 mod n`, which happens with probability < n / 2^64.
    /// - Parameter n: The exclusive upper bound; must be > 0.
    /// - Complexity: O(1) expected; usually exactly one `next()`.
    @inlinable
    public mutating func index(below n: Int) -> Int {
        precondition(n > 0, "index(below:) needs n > 0")
        let bound = UInt64(truncatingIfNeeded: n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound  // 2^64 mod n
            while m.low < threshold {
                m = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(truncatingIfNeeded: m.high)
    }

    /// Jump function of xoshiro256** (2^128 steps) for the record; not required elsewhere.
    ///
    /// Equivalent to 2^128 calls to `next()`; gives 2^128 non-overlapping subsequences.
    /// The simulator derives streams by key (`init(master:replication:stream:)`) instead.
    /// - Complexity: O(256) calls to `next()`.
    public mutating func jump() {
        var j0: UInt64 = 0
        var j1: UInt64 = 0
        var j2: UInt64 = 0
        var j3: UInt64 = 0
        for i in 0..<4 {
            let word: UInt64
            switch i {
            case 0: word = 0x180E_C6D3_3CFD_0ABA
            case 1: word = 0xD5A6_1266_F0C9_392C
            case 2: word = 0xA958_2618_E03F_C9AA
            default: word = 0x39AB_DC45_29B1_661C
            }
            for bit in 0..<64 {
                if word & (1 &<< UInt64(bit)) != 0 {
                    j0 ^= s0
                    j1 ^= s1
                    j2 ^= s2
                    j3 ^= s3
                }
                _ = next()
            }
        }
        (s0, s1, s2, s3) = (j0, j1, j2, j3)
    }
}

/// Stable 64-bit identifier of a named stream (FNV-1a over the UTF-8 bytes, then
/// SplitMix64 finaliser), e.g. `StreamID.named("arrivals/frail")`.
///
/// Identical across platforms, processes and runs (never uses `hashValue`, which is
/// randomly seeded per process).
public enum StreamID {
    /// The id of a named stream: `mix(FNV-1a-64(utf8(name)))`.
    /// - Parameter name: The stream's name; compared byte-for-byte (no Unicode normalisation).
    /// - Complexity: O(name.utf8.count); does not allocate for native strings.
    @inlinable
    public static func named(_ name: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a 64 offset basis
        for byte in name.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01B3  // FNV-1a 64 prime
        }
        return SplitMix64.mix(h)
    }

    /// Combines two ids into one, order-sensitively: `mix(mix(a &+ 0x9E3779B97F4A7C15) ^ b)`.
    ///
    /// For example `combine(named("arrivals"), UInt64(patientClass))`. A bijection in `b`
    /// for fixed `a` and in `a` for fixed `b`; `combine(a, b) != combine(b, a)` in general.
    /// - Parameters:
    ///   - a: The parent id.
    ///   - b: The child id or index.
    /// - Complexity: O(1)
    @inlinable
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        SplitMix64.mix(SplitMix64.mix(a &+ 0x9E37_79B9_7F4A_7C15) ^ b)
    }
}
