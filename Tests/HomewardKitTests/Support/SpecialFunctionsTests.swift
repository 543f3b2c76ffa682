import Foundation
import Testing

@testable import HomewardKit

@Suite struct SpecialFunctionsTests {
    /// Relative error of `x` against `reference`, in units of the reference's last place.
    static func ulps(_ x: Double, _ reference: Double) -> Double {
        abs(x - reference) / reference.ulp
    }

    /// ln Γ against 25-digit values (mpmath, 200-bit precision, at the `Double` nearest each
    /// argument), including points next to its zeros at 1 and 2, where an absolute error of
    /// one ulp of 1 would be thousands of ulps of the result.
    @Test func logGammaMatchesReferenceValues() {
        let cases: [(x: Double, lnGamma: Double)] = [
            (0.5, 0.5723649429247000870717137),
            (1.5, -0.1207822376352452223455184),
            (1e-300, 690.7755278982137051803383),
            (0.999, 0.0005780385328913802381689031),
            (2.0001, 0.00004228165811291994631743228),
            (10, 12.80182748008146961120772),
            (171.5, 709.1431630309282422723639),
            (1e6, 12815504.56914761165997697),
        ]
        for c in cases {
            #expect(Self.ulps(SpecialFunctions.logGamma(c.x), c.lnGamma) <= 2, "x \(c.x)")
        }
        #expect(SpecialFunctions.logGamma(1) == 0 && SpecialFunctions.logGamma(2) == 0)
        #expect(SpecialFunctions.logGamma(0) == .infinity)
    }

    /// u − ln(1 + u) against 25-digit values (as above) on both sides of the switch at |u| = ½.
    @Test func uMinusLog1pMatchesReferenceValues() {
        let cases: [(u: Double, value: Double)] = [
            (1e-8, 4.999999966666667125892271e-17),
            (-0.3, 0.05667494393873237415454003),
            (0.5, 0.09453489189183561802198688),
            (-0.5, 0.1931471805599453094172321),
            (0.50000001, 0.09453489522516899032674015),
            (-0.9, 1.402585092994045883858136),
        ]
        for c in cases {
            #expect(Self.ulps(SpecialFunctions.uMinusLog1p(c.u), c.value) <= 4, "u \(c.u)")
        }
        #expect(SpecialFunctions.uMinusLog1p(0) == 0)
        #expect(SpecialFunctions.uMinusLog1p(.nan).isNaN)  // returns, rather than looping
    }
}
