import Foundation

/// JUnit XML, the test-report format CI systems display: one test suite per scenario, one
/// test case per target, a failure element for each target missed.
public enum JUnitReport {
    public struct Suite {
        public var name: String
        public var file: String
        public var seconds: Double
        public var verdicts: [Target.Verdict]

        public init(name: String, file: String, seconds: Double, verdicts: [Target.Verdict]) {
            self.name = name
            self.file = file
            self.seconds = seconds
            self.verdicts = verdicts
        }
    }

    public static func xml(_ suites: [Suite]) -> String {
        let tests = suites.reduce(0) { $0 + $1.verdicts.count }
        let failures = suites.reduce(0) { $0 + $1.verdicts.filter { !$0.met }.count }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"homeward check\" tests=\"\(tests)\" failures=\"\(failures)\">\n"
        for s in suites {
            let f = s.verdicts.filter { !$0.met }.count
            out +=
                "  <testsuite name=\"\(escape(s.name))\" tests=\"\(s.verdicts.count)\" failures=\"\(f)\" time=\"\(String(format: "%.3f", s.seconds))\">\n"
            for v in s.verdicts {
                out += "    <testcase classname=\"\(escape(s.file))\" name=\"\(escape(v.target.name))\" time=\"0\">\n"
                if !v.met {
                    out += "      <failure message=\"\(escape(summary(v)))\">\(escape(detail(v)))</failure>\n"
                }
                out += "      <system-out>\(escape(detail(v)))</system-out>\n"
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
        out += "</testsuites>\n"
        return out
    }

    /// One line: the achieved mean with its 95% CI and the target; for an undecided target,
    /// that it is counted as not met.
    public static func summary(_ v: Target.Verdict) -> String {
        "\(v.target.metric) = \(TableRenderer.format(v.interval.mean)) (95% CI \(TableRenderer.interval(v.interval))), target \(v.target)"
            + (v.outcome == .undecided ? ": \(v.statement), counted as not met" : "")
    }

    /// The summary, the share within the bound and the verdict with the interval it was judged on.
    public static func detail(_ v: Target.Verdict) -> String {
        let (low, high) = v.decisive
        let f = v.target.confidence == nil ? TableRenderer.format : TableRenderer.percent
        let verdict =
            switch v.outcome {
            case .met: "met"
            case .missed: "MISSED"
            case .undecided: "UNDECIDED, counted as not met"
            }
        return summary(v)
            + "; \(TableRenderer.percent(v.share)) of \(v.replications) replications within the bound; judged on the interval \(f(low)) to \(f(high)) (level \(TableRenderer.percent(v.level))); "
            + verdict
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // XML 1.0 forbids most control characters.
                if ch.value < 0x20 && ch != "\n" && ch != "\t" && ch != "\r" { continue }
                out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
