import ArgumentParser
import ServiceKit

/// The `operator` executable: watches FlinkDeployments, FlinkClusters and FlinkJobs and serves the control plane.
@main
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Flink Kubernetes Toolbox operator: control plane on port 4444, metrics on 8080.",
        subcommands: [Run.self],
        defaultSubcommand: Run.self
    )

    /// `operator run`: the original's spelling, and the default.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the operator.")

        @OptionGroup var service: ServiceOptions

        /// Namespace whose resources the operator manages.
        @Option(help: "Namespace whose FlinkDeployments, FlinkClusters and FlinkJobs are managed.")
        var namespace: String = "default"

        func run() async throws {
            try await ToolboxProcess.run(component: .operator, options: service, metadata: ["namespace": "\(namespace)"]) { _, _ in
                ControlPlaneHandlers()
            }
        }
    }
}
