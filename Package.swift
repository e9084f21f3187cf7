// swift-tools-version:6.2
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "Turnstile",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "turnstile", targets: ["TurnstileCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // Thin C layer: system libraries found through pkg-config.
        .systemLibrary(
            name: "CRDKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev (>= 2.8, built by ops/install)"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),

        // Pure logic: no I/O.
        .target(name: "Events", swiftSettings: strict),
        .target(name: "Projections", dependencies: ["Events"], swiftSettings: strict),
        .target(name: "Catalog", dependencies: ["Events"], swiftSettings: strict),
        // The HTTP API's description (OpenAPI 3.1): what each route collection declares of itself.
        .target(name: "APIDescription", dependencies: ["Events"], swiftSettings: strict),

        // I/O clients.
        .target(
            name: "Kafka",
            dependencies: ["CRDKafka", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "Postgres",
            dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),

        .target(name: "LZ4", dependencies: ["CLZ4"], swiftSettings: strict),

        // Runtime and apps.
        .target(
            name: "Processor",
            dependencies: [
                "Events", "Projections", "Forecasting", "Catalog", "Kafka", "Postgres", "LZ4",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .target(
            name: "Ingest",
            dependencies: [
                "Events", "Catalog", "Kafka", "APIDescription",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        .target(
            name: "QueryService",
            dependencies: [
                "Events", "Projections", "Forecasting", "Postgres", "Kafka", "APIDescription",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The dashboard's page, styles and scripts, served as they are (no build step).
            resources: [.copy("DashboardFiles")],
            swiftSettings: strict),
        // The projections this build runs: one definition each (topics, tables, store, read routes), in one list.
        .target(
            name: "Registry",
            dependencies: [
                "Events", "Projections", "Forecasting", "Postgres", "Processor", "QueryService", "APIDescription", "Kafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strict),
        // Trained models evaluated in the stream: gradient-boosted trees read from their exported JSON.
        .target(name: "Forecasting", dependencies: ["Events", "Projections"], swiftSettings: strict),
        // Training of the forecast models: history from the projections' tables, LightGBM in the project's Python
        // environment at training time only, evaluation and parity in Swift.
        .target(
            name: "Training", dependencies: ["Events", "Forecasting", "Postgres", "Processor", "Projections"],
            swiftSettings: strict),
        // Rebuilds of projection versions (blue/green), their promotion, and comparisons of versions.
        .target(
            name: "Replay",
            dependencies: [
                "Events", "Kafka", "LZ4", "Projections", "Postgres", "Processor", "Registry",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "TurnstileCLI",
            dependencies: [
                "Events", "Projections", "Catalog", "Kafka", "Postgres", "Processor", "Ingest",
                "QueryService", "Registry", "Replay", "Forecasting", "Training", "APIDescription",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: strict),

        // What every test suite shares: the stack's environment and gating, `eventually`, scratch databases
        // and topics, the processor run as a child process.
        .target(
            name: "TestSupport",
            dependencies: [
                "Events", "Catalog", "Kafka", "Postgres", "Processor", "Projections", "Registry",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "KafkaTests", dependencies: ["Kafka", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "TestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(name: "EventsTests", dependencies: ["Events"], swiftSettings: strict),
        .testTarget(name: "IngestTests", dependencies: ["Events", "Ingest", "Catalog", "Projections", "TestSupport"], swiftSettings: strict),
        // The read routes over in-memory stores: no database.
        .testTarget(
            name: "QueryRoutesTests",
            dependencies: [
                "Events", "Projections", "QueryService", "APIDescription", "TestSupport", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "ProjectionsTests", dependencies: ["Events", "Projections", "Forecasting"], swiftSettings: strict),
        // The processor's pure decisions (restart policy, error classification): no broker, no database.
        .testTarget(
            name: "ProcessorTests",
            dependencies: [
                "Processor", "Postgres", "Registry", "Replay", "TestSupport", "Catalog", "QueryService",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Events", "Projections", "Catalog", "Kafka", "Postgres", "Processor", "Ingest",
                "QueryService", "APIDescription", "Registry", "Replay", "Forecasting", "Training", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),
    ]
)
