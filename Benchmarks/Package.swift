// swift-tools-version: 6.0
//
// Homeward's benchmarks: a nested package, so that `swift build` and `swift test` at the
// repository root never compile or run them. It depends on the root package by path and
// uses only HomewardKit's public API. Run it with `Benchmarks/run.sh` (see README.md here).

import PackageDescription

let package = Package(
    name: "HomewardBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "Homeward", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "homeward-bench",
            dependencies: [.product(name: "HomewardKit", package: "Homeward")],
            path: "Sources/homeward-bench"
        )
    ]
)
