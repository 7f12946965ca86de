import ArgumentParser
import Logging
import ServiceKit

/// The `supervisor` executable: runs the state machines of one FlinkCluster and its jobs.
@main
struct SupervisorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervisor",
        abstract: "Flink Kubernetes Toolbox supervisor of one cluster: internal API on port 4445, metrics on 8080.",
        subcommands: [Run.self],
        defaultSubcommand: Run.self
    )

    /// `supervisor run`: the original's spelling, and the default.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the supervisor of one cluster.")

        @OptionGroup var service: ServiceOptions

        /// Namespace of the supervised cluster.
        @Option(help: "Namespace of the supervised FlinkCluster.")
        var namespace: String = "default"

        /// Name of the supervised FlinkCluster.
        @Option(help: "Name of the supervised FlinkCluster.")
        var clusterName: String

        func run() async throws {
            let metadata: Logger.Metadata = ["namespace": "\(namespace)", "cluster": "\(clusterName)"]
            try await ToolboxProcess.run(component: .supervisor, options: service, metadata: metadata) { _, _ in
                (SupervisorHandlers(), [])
            }
        }
    }
}
