// A small dense linear solver, enough to find stationary distributions of the modest
// continuous-time Markov chains used to verify the simulator.

import Foundation

/// Small dense linear algebra for verification (stationary distributions of CTMCs).
public enum LinearAlgebra {

    /// Solves A x = b by Gaussian elimination with partial pivoting.
    ///
    /// At each column k the row with the largest |a_ik| (i ≥ k) is swapped into place, its
    /// multiples are subtracted from the rows below to make the column zero, and x is then
    /// recovered by back substitution x_i = (b_i − Σ_{j>i} a_ij x_j) / a_ii. A pivot whose
    /// magnitude is at most n·ε times the largest entry of A is treated as zero. All loops run
    /// in a fixed order, so results are deterministic.
    ///
    /// - Parameters:
    ///   - a: The n×n matrix in row-major order (a[i*n + j] is row i, column j).
    ///   - b: The right-hand side, n entries.
    ///   - n: The dimension, ≥ 0; `a.count` must be n·n and `b.count` n.
    /// - Returns: x, or nil when A is singular to working precision or has non-finite
    ///   entries.
    /// - Complexity: O(n³) time, O(n²) memory.
    public static func solve(_ a: [Double], _ b: [Double], n: Int) -> [Double]? {
        precondition(
            n >= 0 && a.count == n * n && b.count == n,
            "solve: a must be n×n and b must have n entries")
        if n == 0 { return [] }
        var m = a
        var rhs = b
        var scale = 0.0
        for v in m {
            guard v.isFinite else { return nil }
            scale = max(scale, abs(v))
        }
        guard scale > 0 else { return nil }
        let threshold = Double(n) * Double.ulpOfOne * scale

        for k in 0..<n {
            // Partial pivoting: largest magnitude in column k at or below the diagonal.
            var pivotRow = k
            var pivotMagnitude = abs(m[k * n + k])
            for i in (k + 1)..<n where abs(m[i * n + k]) > pivotMagnitude {
                pivotRow = i
                pivotMagnitude = abs(m[i * n + k])
            }
            guard pivotMagnitude > threshold else { return nil }
            if pivotRow != k {
                for j in 0..<n { m.swapAt(k * n + j, pivotRow * n + j) }
                rhs.swapAt(k, pivotRow)
            }
            let pivot = m[k * n + k]
            for i in (k + 1)..<n {
                let factor = m[i * n + k] / pivot
                if factor == 0 { continue }
                m[i * n + k] = 0
                for j in (k + 1)..<n { m[i * n + j] -= factor * m[k * n + j] }
                rhs[i] -= factor * rhs[k]
            }
        }

        var x = [Double](repeating: 0, count: n)
        for i in stride(from: n - 1, through: 0, by: -1) {
            var s = rhs[i]
            for j in (i + 1)..<n { s -= m[i * n + j] * x[j] }
            x[i] = s / m[i * n + i]
        }
        return x.allSatisfy({ $0.isFinite }) ? x : nil
    }

    /// Stationary distribution π of an irreducible continuous-time Markov chain.
    ///
    /// Solves the balance equations π Q = 0 together with Σᵢ πᵢ = 1. The system π Q = 0 is
    /// Qᵀ πᵀ = 0, of rank n − 1 for an irreducible chain, so its last equation is replaced
    /// by the normalisation Σᵢ πᵢ = 1 and the resulting non-singular system is solved by
    /// `solve(_:_:n:)`.
    ///
    /// - Parameters:
    ///   - q: The generator in row-major order: q[i*n + j] ≥ 0 is the rate from state i to
    ///     state j ≠ i, and each diagonal entry is minus the sum of the rest of its row.
    ///   - n: The number of states, ≥ 1; `q.count` must be n·n.
    /// - Returns: π (non-negative, summing to 1 up to rounding), or nil when the system is
    ///   singular (for example a chain with more than one closed class).
    /// - Complexity: O(n³) time, O(n²) memory.
    public static func stationaryDistribution(generator q: [Double], n: Int) -> [Double]? {
        precondition(n >= 1 && q.count == n * n, "stationaryDistribution: q must be n×n")
        // A = Qᵀ with its last row replaced by ones; b = (0, …, 0, 1).
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                a[i * n + j] = i == n - 1 ? 1 : q[j * n + i]
            }
        }
        var b = [Double](repeating: 0, count: n)
        b[n - 1] = 1
        return solve(a, b, n: n)
    }
}
