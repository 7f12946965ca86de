import ArgumentParser
import ToolboxAPI

/// `flinkctl jobmanager metrics`.
struct JobManagerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobmanager", abstract: "Inspect a cluster's JobManager.",
        discussion: """
            Examples:
              flinkctl jobmanager metrics --cluster-name demo -o table
            """,
        subcommands: [Metrics.self]
    )

    /// JVM and slot metrics of the JobManager.
    struct Metrics: ControlPlaneCommand {
        var subject: Subject { .one(kind: "JobManager", name: cluster.clusterName) }
        static let configuration = CommandConfiguration(
            abstract: "Show the JVM and slot metrics of a cluster's JobManager.",
            discussion: """
                Examples:
                  flinkctl jobmanager metrics --cluster-name demo -o table
                """
        )
        @OptionGroup var cluster: ClusterNameOption
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var format: OutputOptions

        func run() async throws {
            try await send { try await $0.getJobManagerMetrics(path: .init(clusterName: cluster.clusterName)) }
        }
    }
}
