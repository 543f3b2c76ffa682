import Foundation
import Testing

/// The slow tier: long statistical tests (queueing theory at heavy loads, properties over more
/// random scenarios, significance on the shipped scenarios), run only when
/// `HOMEWARD_SLOW_TESTS=1` is set (see Tests/README.md). Each lives in a nested suite named
/// `SlowTier` with the `.slowTier` trait and the `slow` tag, so that
/// `HOMEWARD_SLOW_TESTS=1 swift test --filter SlowTier` runs the tier alone. The fast suite keeps
/// at least one case of each kind of check, so that what the tier adds is more loads, shapes
/// and scenarios, not new code paths.
enum SlowTests {
    /// Whether the slow tier runs: `HOMEWARD_SLOW_TESTS=1` in the environment.
    static let enabled = ProcessInfo.processInfo.environment["HOMEWARD_SLOW_TESTS"] == "1"
}

extension Tag {
    /// A test of the slow tier (see `SlowTests`).
    @Tag static var slow: Self
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only in the slow tier (`HOMEWARD_SLOW_TESTS=1`).
    static var slowTier: Self {
        .enabled(if: SlowTests.enabled, "a long statistical test of the slow tier: set HOMEWARD_SLOW_TESTS=1 to run it")
    }
}
