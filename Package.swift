// swift-tools-version: 6.0
//
// Homeward: an event-sourced discrete-event simulator of patient flow through English
// health and social care. The library HomewardKit holds all the work; HomewardCLI parses
// arguments, calls the library, prints and maps failures to exit statuses; the executable
// only starts it. HomewardWorkbench is the local web application of `homeward serve`. No
// third-party packages (a user requirement).

import PackageDescription

let package = Package(
    name: "Homeward",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "HomewardKit", targets: ["HomewardKit"]),
        .library(name: "HomewardCLI", targets: ["HomewardCLI"]),
        .library(name: "HomewardWorkbench", targets: ["HomewardWorkbench"]),
        .executable(name: "homeward", targets: ["homeward"]),
    ],
    targets: [
        .target(
            name: "HomewardKit",
            path: "Sources/HomewardKit"
        ),
        .target(
            name: "HomewardWorkbench",
            dependencies: ["HomewardKit"],
            path: "Sources/HomewardWorkbench"
        ),
        .target(
            name: "HomewardCLI",
            dependencies: ["HomewardKit", "HomewardWorkbench"],
            path: "Sources/HomewardCLI"
        ),
        .executableTarget(
            name: "homeward",
            dependencies: ["HomewardKit", "HomewardCLI"],
            path: "Sources/homeward"
        ),
        .testTarget(
            name: "HomewardKitTests",
            dependencies: ["HomewardKit", "HomewardCLI"],
            path: "Tests/HomewardKitTests",
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "HomewardWorkbenchTests",
            dependencies: ["HomewardKit", "HomewardWorkbench"],
            path: "Tests/HomewardWorkbenchTests"
        ),
    ]
)
