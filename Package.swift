// swift-tools-version: 6.0
//
// Homeward: an event-sourced discrete-event simulator of patient flow through English
// health and social care. The library HomewardKit holds all the work; HomewardCLI parses
// arguments, calls the library, prints and maps failures to exit statuses; the executable
// only starts it. No third-party packages (a user requirement).

import PackageDescription

let package = Package(
    name: "Homeward",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "HomewardKit", targets: ["HomewardKit"]),
        .library(name: "HomewardCLI", targets: ["HomewardCLI"]),
        .executable(name: "homeward", targets: ["homeward"]),
    ],
    targets: [
        .target(
            name: "HomewardKit",
            path: "Sources/HomewardKit"
        ),
        .target(
            name: "HomewardCLI",
            dependencies: ["HomewardKit"],
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
    ]
)
