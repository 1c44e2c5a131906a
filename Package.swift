// swift-tools-version:6.0
import PackageDescription

// Data flows one way: Transport (mailbox) → MIME (parse) → Desk (decide) → Store (commit) → Transport (send).
// MIME and Desk are pure; Store, Transport, Configuration, Pipeline and CLI do the I/O.
let package = Package(
    name: "Postdesk",
    products: [.executable(name: "postdesk", targets: ["postdesk"])],
    targets: [
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        // libcurl is opened on first use (dlopen), so commands that send or fetch nothing never load it.
        .target(name: "CCurl"),
        // SHA-256 with the SHA-NI and ARMv8 crypto paths chosen at run time, and the portable one (pure, no I/O).
        .target(name: "CSHA256"),
        .target(name: "MIME", dependencies: ["CSHA256"]),
        .target(name: "Desk", dependencies: ["MIME"]),
        .target(name: "Store", dependencies: ["CSQLite", "Desk", "MIME"]),
        .target(name: "Transport", dependencies: ["CCurl"]),
        // The configuration file → typed settings, every problem collected; shared by `check-config` and `run`.
        .target(name: "Configuration", dependencies: ["Desk", "MIME", "Store", "Transport"]),
        // The worker: intake, the mailbox lane, escalation, delivery and the service loop.
        .target(name: "Pipeline", dependencies: ["Configuration", "Desk", "MIME", "Store", "Transport"]),
        // The command line: one command table for usage, --help and dispatch.
        .target(name: "CLI", dependencies: ["Configuration", "Pipeline", "Desk", "MIME", "Store", "Transport"]),
        // The Swift runtime and Foundation linked in: binding their symbols at load cost every command 12 M
        // instructions. Only the link is static (the modules are built as for the tests and the bench), so the
        // libraries the static Foundation needs besides are named here; lld takes archives in any order.
        .executableTarget(name: "postdesk", dependencies: ["CLI"], linkerSettings: [
            .unsafeFlags(["-static-stdlib", "-use-ld=lld"]),
        ] + ["CoreFoundation", "_FoundationICU", "_FoundationCShims", "_FoundationCollections", "swiftSynchronization",
             "stdc++", "dl", "util"].map { .linkedLibrary($0) }),
        .executableTarget(name: "postdesk-bench",
                          dependencies: ["MIME", "Desk", "Store", "Transport", "Configuration", "Pipeline"]),
        .testTarget(name: "MIMETests", dependencies: ["MIME"]),
        .testTarget(name: "DeskTests", dependencies: ["Desk"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        // Test support shared by the test targets that use the mail stack of Scripts/mailstack: its env.sh,
        // an IMAP client for setup and inspection, waiting. A regular target (test targets cannot depend on
        // one another); its IMAP client is compiled in debug builds only (it needs `@testable import Transport`).
        .target(name: "StackTestSupport", dependencies: ["Transport", "MIME"], path: "Tests/StackTestSupport"),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "StackTestSupport", "CCurl"]),
        .testTarget(name: "WorkerTests", dependencies: ["Configuration", "Pipeline", "CLI", "StackTestSupport"]),
        // The whole worker against the real Dovecot and Postfix started by Scripts/mailstack.
        .testTarget(name: "IntegrationTests", dependencies: ["Configuration", "Pipeline", "CLI", "StackTestSupport"]),
    ]
)
