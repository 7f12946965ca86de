import ArgumentParser
import Logging
import ServiceKit

/// The `bootstrap` executable: uploads one job's JAR to its cluster, runs it, and reports the Flink job id.
@main
struct BootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Flink Kubernetes Toolbox bootstrap of one job: progress API on port 4446, metrics on 8080.",
        subcommands: [Run.self],
        defaultSubcommand: Run.self
    )

    /// `bootstrap run`: the original's spelling, and the default.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bootstrap one job.")

        @OptionGroup var service: ServiceOptions

        /// Namespace of the job.
        @Option(help: "Namespace of the FlinkJob.")
        var namespace: String = "default"

        /// Cluster the job runs in.
        @Option(help: "Name of the FlinkCluster the job runs in.")
        var clusterName: String

        /// Job name within the cluster.
        @Option(help: "Name of the job within its cluster.")
        var jobName: String

        func run() async throws {
            let metadata: Logger.Metadata = ["namespace": "\(namespace)", "cluster": "\(clusterName)", "job": "\(jobName)"]
            let progress = BootstrapProgress(clusterName: clusterName, jobName: jobName)
            try await ToolboxProcess.run(component: .bootstrap, options: service, metadata: metadata) { _, _ in
                (BootstrapHandlers(progress: progress), [])
            }
        }
    }
}
