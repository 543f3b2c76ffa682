// swift-tools-version: 6.0
//
// Homeward: an event-sourced discrete-event simulator of patient flow through English
// health and social care. The library holds all the work; the executable only talks to
// the shell. No third-party packages (a user requirement).

import PackageDescription

let package = Package(
    name: "Homeward",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "HomewardKit", targets: ["HomewardKit"]),
        .executable(name: "homeward", targets: ["homeward"]),
    ],
    targets: [
        .target(
            name: "HomewardKit",
            path: "Sources/HomewardKit"
        ),
        .executableTarget(
            name: "homeward",
            dependencies: ["HomewardKit"],
            path: "Sources/homeward"
        ),
        .testTarget(
            name: "HomewardKitTests",
            dependencies: ["HomewardKit"],
            path: "Tests/HomewardKitTests",
            resources: [.copy("Fixtures")]
        ),
    ]
)
