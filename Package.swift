// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "workflow",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "workflow", targets: ["WorkflowCLI"]),
        .library(name: "BPMN", targets: ["BPMN"]),
        .library(name: "Workflow", targets: ["Workflow"]),
        .library(name: "Workers", targets: ["Workers"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CJemalloc",
            pkgConfig: "jemalloc",
            providers: [.apt(["libjemalloc-dev"])]
        ),
        // One inline C function (the current core); no library to link.
        .systemLibrary(name: "CCurrentCPU"),
        .target(name: "BPMN", dependencies: ["CLibXML2"], swiftSettings: swiftSettings),
        .target(
            name: "Workflow",
            dependencies: [
                "BPMN", "CCurrentCPU",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Workers",
            dependencies: [
                "Workflow", "CHiredis", "BPMN",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ReferenceWorkers",
            dependencies: [
                "Workers", "Workflow", "CSQLite",
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Scaler", dependencies: ["Workers"], swiftSettings: swiftSettings),
        .target(
            name: "WorkflowAPI",
            dependencies: [
                "Workflow",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "WorkflowCLI",
            dependencies: [
                "BPMN", "Workflow", "WorkflowAPI", "Workers", "Scaler", "ReferenceWorkers", "CJemalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "WorkflowBench",
            dependencies: ["BPMN", "Workflow", "Workers"],
            path: "bench/WorkflowBench",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "BPMNTests", dependencies: ["BPMN"], swiftSettings: swiftSettings),
        .testTarget(name: "WorkflowTests", dependencies: ["Workflow", "BPMN", "Workers"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WorkersTests",
            dependencies: [
                "Workers", "Workflow", "BPMN",
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ReferenceWorkersTests", dependencies: ["ReferenceWorkers", "Workers", "Workflow"],
            swiftSettings: swiftSettings),
        .testTarget(name: "ScalerTests", dependencies: ["Scaler", "Workflow", "BPMN"], swiftSettings: swiftSettings),
        .testTarget(
            name: "WorkflowAPITests",
            dependencies: [
                "WorkflowAPI", "Workflow",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
