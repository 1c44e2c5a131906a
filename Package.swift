// swift-tools-version:6.0
import PackageDescription

// Data flows one way: Transport (mailbox) → MIME (parse) → Desk (decide) → Store (commit) → Transport (send).
// MIME and Desk are pure; Store, Transport and Worker do the I/O.
let package = Package(
    name: "Postdesk",
    products: [.executable(name: "postdesk", targets: ["postdesk"])],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(name: "MIME"),
        .target(name: "Desk", dependencies: ["MIME"]),
        .target(name: "Store", dependencies: ["CSQLite", "Desk", "MIME"]),
        .target(name: "Transport", dependencies: ["CCurl", "MIME"]),
        .target(name: "Worker", dependencies: ["MIME", "Desk", "Store", "Transport"]),
        .executableTarget(name: "postdesk", dependencies: ["Worker"]),
        .executableTarget(name: "postdesk-bench", dependencies: ["MIME", "Desk", "Worker"]),
        .testTarget(name: "MIMETests", dependencies: ["MIME"]),
        .testTarget(name: "DeskTests", dependencies: ["Desk"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "TransportTests", dependencies: ["Transport"]),
        .testTarget(name: "WorkerTests", dependencies: ["Worker"]),
        // The whole worker against the real Dovecot and Postfix started by Scripts/mailstack.
        .testTarget(name: "IntegrationTests", dependencies: ["Worker"]),
    ]
)
