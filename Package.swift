// swift-tools-version:6.2
import PackageDescription

/// Settings every first-party target shares.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "flink-k8s-toolbox",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "operator", targets: ["OperatorExecutable"]),
        .executable(name: "supervisor", targets: ["SupervisorExecutable"]),
        .executable(name: "bootstrap", targets: ["BootstrapExecutable"]),
        .executable(name: "flinkctl", targets: ["FlinkctlExecutable"]),
        // flinkctl, operator, supervisor and bootstrap in one executable, for the all-in-one flinkctl image.
        .executable(name: "flink-k8s-toolbox", targets: ["ToolboxExecutable"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-openapi-generator", from: "1.14.3"),
        .package(url: "https://github.com/apple/swift-openapi-runtime", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-openapi-async-http-client", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // The address of Swift Concurrency's global-executor hook, found by the linker (ServiceKit.GlobalExecutor).
        .target(name: "ConcurrencyHook", path: "Shared/ConcurrencyHook"),
        // Generated Codable types, client and server stubs from openapi/toolbox.yaml (build plugin).
        .target(
            name: "ToolboxAPI",
            dependencies: [
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")
            ],
            path: "Shared/ToolboxAPI",
            swiftSettings: strict,
            plugins: [.plugin(name: "OpenAPIGenerator", package: "swift-openapi-generator")]
        ),
        // Pure domain: names, labels, envelopes. No I/O.
        .target(
            name: "ToolboxCore",
            dependencies: ["ToolboxAPI", "KubeModels", .product(name: "Crypto", package: "swift-crypto")],
            path: "Shared/ToolboxCore",
            exclude: ["Resources/README.md"],
            swiftSettings: strict
        ),
        // Kubernetes object models (metadata, resource types, the toolbox's custom resources). Pure data.
        .target(
            name: "KubeModels",
            dependencies: ["ToolboxAPI"],
            path: "Shared/KubeModels",
            swiftSettings: strict
        ),
        // Kubernetes API client: kubeconfig, typed CRUD, watches, reflector cache, work queue, leader election, events.
        .target(
            name: "KubeClient",
            dependencies: [
                "KubeModels", "ToolboxAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Shared/KubeClient",
            swiftSettings: strict
        ),
        // Narrow client of a Flink JobManager's REST API, returning domain values.
        .target(
            name: "FlinkClient",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            path: "Shared/FlinkClient",
            swiftSettings: strict
        ),
        // One way to assemble a process: options, TLS, listeners, metrics, lifecycle.
        .target(
            name: "ServiceKit",
            dependencies: [
                "ConcurrencyHook",
                "ToolboxAPI",
                "ToolboxCore",
                "KubeModels",
                "KubeClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Shared/ServiceKit",
            swiftSettings: strict
        ),
        .target(
            name: "Operator",
            dependencies: [
                "ServiceKit", "ToolboxAPI", "ToolboxCore", "KubeClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Services/operator",
            swiftSettings: strict,
        ),
        // The supervisor's controller (observe, decide, store, execute), cache, metrics and API handlers, behind
        // KubeAPI and FlinkAPI, so tests can drive it with scripted fakes.
        .target(
            name: "SupervisorKit",
            dependencies: [
                "ServiceKit", "ToolboxAPI", "ToolboxCore", "KubeClient", "FlinkClient",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/SupervisorKit",
            swiftSettings: strict
        ),
        .target(
            name: "Supervisor",
            dependencies: [
                "SupervisorKit", "ServiceKit", "ToolboxAPI", "ToolboxCore", "KubeClient", "FlinkClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/supervisor",
            swiftSettings: strict
        ),
        // The bootstrap's task (upload, run, report) behind protocols, so tests can script Flink and the supervisor.
        .target(
            name: "BootstrapKit",
            dependencies: [
                "ToolboxAPI", "FlinkClient",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/BootstrapKit",
            swiftSettings: strict
        ),
        .target(
            name: "Bootstrap",
            dependencies: [
                "BootstrapKit", "ServiceKit", "ToolboxAPI", "ToolboxCore", "FlinkClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/bootstrap",
            swiftSettings: strict
        ),
        // The command-line client of the control plane, on the generated client.
        .target(
            name: "Flinkctl",
            dependencies: [
                "ToolboxAPI", "ServiceKit", "ToolboxCore",
                .product(name: "OpenAPIAsyncHTTPClient", package: "swift-openapi-async-http-client"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tools/flinkctl",
            swiftSettings: strict
        ),
        // The executables: each a main.swift that runs its program's library.
        .executableTarget(
            name: "OperatorExecutable", dependencies: ["Operator"], path: "Executables/operator", swiftSettings: strict),
        .executableTarget(
            name: "SupervisorExecutable", dependencies: ["Supervisor"], path: "Executables/supervisor", swiftSettings: strict),
        .executableTarget(
            name: "BootstrapExecutable", dependencies: ["Bootstrap"], path: "Executables/bootstrap", swiftSettings: strict),
        .executableTarget(
            name: "FlinkctlExecutable", dependencies: ["Flinkctl"], path: "Executables/flinkctl", swiftSettings: strict),
        .executableTarget(
            name: "ToolboxExecutable", dependencies: ["Operator", "Supervisor", "Bootstrap", "Flinkctl"],
            path: "Executables/flink-k8s-toolbox", swiftSettings: strict),
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "OperatorTests",
            dependencies: [
                "TestSupport", "KubeClient", "ToolboxAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/OperatorTests"
        ),
        .testTarget(
            name: "FlinkctlTests",
            dependencies: ["Flinkctl", "TestSupport", "KubeClient", "ToolboxAPI", "ServiceKit"],
            path: "Tests/FlinkctlTests"
        ),
        .testTarget(
            name: "ToolboxCoreTests",
            dependencies: ["ToolboxCore", "ToolboxAPI", "KubeModels"],
            path: "Tests/ToolboxCoreTests"
        ),
        .testTarget(
            name: "ServiceKitTests",
            dependencies: [
                "ServiceKit", "ToolboxAPI", "ToolboxCore", "KubeClient", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            path: "Tests/ServiceKitTests"
        ),
        .testTarget(
            name: "KubeClientTests",
            dependencies: [
                "KubeClient", "ToolboxAPI", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/KubeClientTests"
        ),
        .testTarget(
            name: "FlinkClientTests",
            dependencies: [
                "FlinkClient", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/FlinkClientTests"
        ),
        .testTarget(
            name: "SupervisorTests",
            dependencies: [
                "SupervisorKit", "KubeClient", "FlinkClient", "ToolboxCore", "ToolboxAPI", "ServiceKit",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/SupervisorTests"
        ),
        .testTarget(
            name: "BootstrapTests",
            dependencies: ["BootstrapKit", "FlinkClient", "ToolboxAPI", .product(name: "Logging", package: "swift-log")],
            path: "Tests/BootstrapTests"
        ),
        .testTarget(
            name: "ContractTests",
            dependencies: ["ToolboxAPI", "TestSupport", "ToolboxCore", "KubeModels"],
            path: "Tests/ContractTests"
        ),
    ]
)
