import ArgumentParser
import ToolboxAPI

/// `flinkctl clusters list`.
struct ClustersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "clusters", abstract: "List FlinkClusters.", subcommands: [List.self])

    /// Names of the FlinkClusters.
    struct List: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "List the FlinkClusters of the operator's namespace.")
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
        subcommands: [Create.self, Update.self, Delete.self, Status.self, Start.self, Stop.self, Scale.self]
    )

    /// `--cluster-spec`.
    struct Spec: ParsableArguments {
        @Option(help: ArgumentHelp("JSON or YAML file with the FlinkCluster spec (or a whole FlinkCluster).", valueName: "file"))
        var clusterSpec: String

        /// The spec in the file.
        func load() throws -> Components.Schemas.FlinkClusterSpec {
            try SpecFile.load(Components.Schemas.FlinkClusterSpec.self, from: clusterSpec)
        }
    }

    /// Creates a FlinkCluster.
    struct Create: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Create a FlinkCluster from a spec file; --wait waits until it is Started.")
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
        static let configuration = CommandConfiguration(abstract: "Replace the spec of a FlinkCluster with the spec in a file.")
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
        static let configuration = CommandConfiguration(abstract: "Delete a FlinkCluster.")
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.deleteCluster(path: .init(clusterName: cluster.clusterName)) }
        }
    }

    /// Shows the status of a FlinkCluster.
    struct Status: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Show the status of a FlinkCluster.")
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getClusterStatus(path: .init(clusterName: cluster.clusterName)) }
        }
    }

    /// Requests START.
    struct Start: ControlPlaneCommand {
        static let configuration = CommandConfiguration(abstract: "Start a FlinkCluster; --wait waits until it is Started.")
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
        static let configuration = CommandConfiguration(abstract: "Stop a FlinkCluster and its jobs; --wait waits until it is Stopped.")
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
        static let configuration = CommandConfiguration(
            abstract: "Set the TaskManager count of a FlinkCluster; --wait waits until that many TaskManagers run."
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
