import ArgumentParser
import ToolboxAPI

/// `flinkctl clusters list`.
struct ClustersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clusters", abstract: "List FlinkClusters.",
        discussion: """
            Examples:
              flinkctl clusters list -o table
            """,
        subcommands: [List.self])

    /// Names of the FlinkClusters.
    struct List: ControlPlaneCommand {
        var subject: Subject { .names(kind: "FlinkCluster") }
        static let configuration = CommandConfiguration(
            abstract: "List the FlinkClusters of a namespace (--namespace, by default the operator's own).",
            discussion: """
                Examples:
                  flinkctl clusters list -o table
                  flinkctl clusters list -o jsonpath='{.items[*].metadata.name}'
                """
        )
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send(
                { try await $0.listClusters() },
                columns: { session in
                    ListColumns(StatusColumns.cluster) { name in
                        try await session.output { try await $0.getClusterStatus(path: .init(clusterName: name)) }
                    }
                })
        }
    }
}

/// `flinkctl cluster create|update|delete|status|start|stop|scale`.
struct ClusterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster", abstract: "Manage one FlinkCluster.",
        discussion: """
            Examples:
              flinkctl cluster status --cluster-name demo -o table
              flinkctl cluster stop --cluster-name demo --wait
            """,
        subcommands: [Create.self, Update.self, Delete.self, Status.self, Start.self, Stop.self, Scale.self]
    )

    /// `-f`/`--filename`, or the original's `--cluster-spec`.
    struct Spec: ParsableArguments {
        @Option(
            name: [.customShort("f"), .customLong("filename")],
            help: ArgumentHelp("JSON or YAML file with the FlinkCluster spec (or a whole FlinkCluster); - reads standard input.", valueName: "file"))
        var filename: String?

        @Option(help: ArgumentHelp("The same as -f (the original's option).", valueName: "file"))
        var clusterSpec: String?

        func validate() throws {
            _ = try SpecFile.path(filename, clusterSpec, legacy: "--cluster-spec")
        }

        /// The spec in the file.
        func load() throws -> Components.Schemas.FlinkClusterSpec {
            try SpecFile.load(Components.Schemas.FlinkClusterSpec.self, from: SpecFile.path(filename, clusterSpec, legacy: "--cluster-spec"))
        }
    }

    /// Creates a FlinkCluster.
    struct Create: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkCluster", name: cluster.clusterName) }
        static let configuration = CommandConfiguration(
            abstract: "Create a FlinkCluster from a spec file; --wait waits until it is Started.",
            discussion: """
                Examples:
                  flinkctl cluster create --cluster-name demo -f cluster.yaml --wait \\
                    --timeout 300
                  flinkctl cluster create --cluster-name demo -f - < cluster.json
                """
        )
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var spec: Spec
        @OptionGroup var wait: WaitOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            let spec = try spec.load()
            try await send(
                { try await $0.createCluster(path: .init(clusterName: cluster.clusterName), body: .json(spec)) },
                then: {
                    try await wait.until(.cluster(cluster.clusterName, status: "Started"), session: $0)
                })
        }
    }

    /// Replaces the spec of a FlinkCluster.
    struct Update: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkCluster", name: cluster.clusterName) }
        static let configuration = CommandConfiguration(
            abstract: "Replace the spec of a FlinkCluster with the spec in a file.",
            discussion: """
                Examples:
                  flinkctl cluster update --cluster-name demo -f cluster.yaml
                """
        )
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var spec: Spec
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            let spec = try spec.load()
            try await send { try await $0.updateCluster(path: .init(clusterName: cluster.clusterName), body: .json(spec)) }
        }
    }

    /// Deletes a FlinkCluster.
    struct Delete: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkCluster", name: cluster.clusterName) }
        static let configuration = CommandConfiguration(
            abstract: "Delete a FlinkCluster.",
            discussion: """
                Examples:
                  flinkctl cluster delete --cluster-name demo
                """
        )
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.deleteCluster(path: .init(clusterName: cluster.clusterName)) }
        }
    }

    /// Shows the status of a FlinkCluster.
    struct Status: ControlPlaneCommand {
        var subject: Subject { .status(kind: "FlinkCluster", name: cluster.clusterName) }
        static let configuration = CommandConfiguration(
            abstract: "Show the status of a FlinkCluster.",
            discussion: """
                Examples:
                  flinkctl cluster status --cluster-name demo -o table
                  flinkctl cluster status --cluster-name demo \\
                    -o jsonpath='{.status.supervisorStatus}'
                """
        )
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getClusterStatus(path: .init(clusterName: cluster.clusterName)) }
        }
    }

    /// Requests START.
    struct Start: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkCluster", name: cluster.clusterName) }
        static let configuration = CommandConfiguration(
            abstract: "Start a FlinkCluster; --wait waits until it is Started.",
            discussion: """
                Examples:
                  flinkctl cluster start --cluster-name demo --wait
                  flinkctl cluster start --cluster-name demo --without-savepoint
                """
        )
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var savepoint: SavepointFlag
        @OptionGroup var wait: WaitOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send(
                { try await $0.startCluster(path: .init(clusterName: cluster.clusterName), body: savepoint.body) },
                then: {
                    try await wait.until(.cluster(cluster.clusterName, status: "Started"), session: $0)
                })
        }
    }

    /// Requests STOP.
    struct Stop: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkCluster", name: cluster.clusterName) }
        static let configuration = CommandConfiguration(
            abstract: "Stop a FlinkCluster and its jobs; --wait waits until it is Stopped.",
            discussion: """
                Examples:
                  flinkctl cluster stop --cluster-name demo --wait --timeout 120
                  flinkctl cluster stop --cluster-name demo --without-savepoint
                """
        )
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var savepoint: SavepointFlag
        @OptionGroup var wait: WaitOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send(
                { try await $0.stopCluster(path: .init(clusterName: cluster.clusterName), body: savepoint.body) },
                then: {
                    try await wait.until(.cluster(cluster.clusterName, status: "Stopped"), session: $0)
                })
        }
    }

    /// Sets the TaskManager count.
    struct Scale: ControlPlaneCommand {
        var subject: Subject { .one(kind: "FlinkCluster", name: cluster.clusterName) }
        static let configuration = CommandConfiguration(
            abstract: "Set the TaskManager count of a FlinkCluster; --wait waits until that many TaskManagers run.",
            discussion: """
                Examples:
                  flinkctl cluster scale --cluster-name demo --task-managers 3 --wait
                """
        )
        @OptionGroup var cluster: ClusterNameOption
        @Option(help: "Number of TaskManagers.") var taskManagers: Int32
        @OptionGroup var wait: WaitOptions
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func validate() throws {
            guard taskManagers >= 0 else { throw ValidationError("--task-managers must be 0 or more") }
        }

        func run() async throws {
            let body = Operations.ScaleCluster.Input.Body.json(.init(taskManagers: taskManagers))
            try await send(
                { try await $0.scaleCluster(path: .init(clusterName: cluster.clusterName), body: body) },
                then: {
                    try await wait.until(.cluster(cluster.clusterName, taskManagers: taskManagers), session: $0)
                })
        }
    }
}
