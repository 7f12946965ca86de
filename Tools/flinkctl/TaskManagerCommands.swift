import ArgumentParser
import Foundation
import ToolboxAPI

/// `flinkctl taskmanagers list`.
struct TaskManagersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmanagers", abstract: "List a cluster's TaskManagers.",
        discussion: """
            Examples:
              flinkctl taskmanagers list --cluster-name demo -o table
            """,
        subcommands: [List.self]
    )

    /// Flink's TaskManager list.
    struct List: ControlPlaneCommand {
        var subject: Subject { .objects(kind: "TaskManager", key: "id") }
        static let configuration = CommandConfiguration(
            abstract: "List the TaskManagers of a cluster, as Flink reports them.",
            discussion: """
                Examples:
                  flinkctl taskmanagers list --cluster-name demo -o table
                  flinkctl taskmanagers list --cluster-name demo -o name
                """
        )
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.listTaskManagers(path: .init(clusterName: cluster.clusterName)) }
        }
    }
}

/// `flinkctl taskmanager details|metrics`.
struct TaskManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmanager", abstract: "Inspect one TaskManager.",
        discussion: """
            Examples:
              flinkctl taskmanager details --cluster-name demo \\
                --taskmanager-id 10.1.0.7:6122-0b5c7a
            """,
        subcommands: [Details.self, Metrics.self]
    )

    /// `--cluster-name` and `--taskmanager-id` (asked for on a terminal when left out, as the original did).
    struct Target: ParsableArguments {
        @Option(help: "Name of the FlinkCluster.")
        var clusterName: String

        @Option(help: "Flink's id of the TaskManager (asked for when omitted on a terminal).")
        var taskmanagerId: String?

        func validate() throws {
            if taskmanagerId == nil, isatty(STDIN_FILENO) != 1 { throw ValidationError("missing --taskmanager-id") }
        }

        /// The TaskManager id, prompted for when missing.
        func id() throws -> String { try taskmanagerId ?? prompt("TaskManager id", option: "--taskmanager-id") }
    }

    /// Flink's details of one TaskManager.
    struct Details: ControlPlaneCommand {
        var subject: Subject { .one(kind: "TaskManager", name: target.taskmanagerId ?? "") }
        static let configuration = CommandConfiguration(
            abstract: "Show Flink's details of a TaskManager.",
            discussion: """
                Examples:
                  flinkctl taskmanager details --cluster-name demo \\
                    --taskmanager-id 10.1.0.7:6122-0b5c7a -o json
                """
        )
        @OptionGroup var target: Target
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            let id = try target.id()
            try await send { try await $0.getTaskManagerDetails(path: .init(clusterName: target.clusterName, taskmanagerId: id)) }
        }
    }

    /// JVM metrics of one TaskManager.
    struct Metrics: ControlPlaneCommand {
        var subject: Subject { .one(kind: "TaskManager", name: target.taskmanagerId ?? "") }
        static let configuration = CommandConfiguration(
            abstract: "Show the JVM metrics of a TaskManager.",
            discussion: """
                Examples:
                  flinkctl taskmanager metrics --cluster-name demo \\
                    --taskmanager-id 10.1.0.7:6122-0b5c7a -o table
                """
        )
        @OptionGroup var target: Target
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            let id = try target.id()
            try await send { try await $0.getTaskManagerMetrics(path: .init(clusterName: target.clusterName, taskmanagerId: id)) }
        }
    }
}
