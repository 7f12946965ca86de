import ArgumentParser
import AsyncHTTPClient
import FlinkClient
import Foundation
import KubeClient
import Logging
import ServiceKit
import ServiceLifecycle
import SupervisorKit
import ToolboxCore

/// The `supervisor` executable: runs the state machines of one FlinkCluster and its jobs.
struct SupervisorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supervisor",
        abstract: "Flink Kubernetes Toolbox supervisor of one cluster: internal API on port 4445, metrics on 8080.",
        subcommands: [Run.self, Named.self],
        defaultSubcommand: Run.self
    )

    /// `supervisor supervisor run ...`: the command line the toolbox writes into its pods is led by the executable's name, as the
    /// original's was, so that the all-in-one image (entry point flinkctl) runs it too; this image's entry point is the
    /// supervisor itself, which skips the name.
    struct Named: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "supervisor", shouldDisplay: false, subcommands: [Run.self], defaultSubcommand: Run.self)
    }

    /// `supervisor run`: the original's spelling, and the default.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the supervisor of one cluster.")

        @OptionGroup var service: ServiceOptions
        @OptionGroup var supervisor: SupervisorOptions

        func run() async throws {
            let metadata: Logger.Metadata = ["namespace": "\(supervisor.namespace)", "cluster": "\(supervisor.clusterName)"]
            let scope = ClusterScope(namespace: supervisor.namespace, name: supervisor.clusterName)
            try await ToolboxProcess.run(
                component: .supervisor, options: service, metadata: metadata,
                middlewares: [RequestBodyValidation(schemas: RequestBodyValidation.supervisor)], scope: scope
            ) { registry, logger in
                try assemble(registry: registry, logger: logger)
            }
        }

        private func assemble(registry: MetricsRegistry, logger: Logger) throws -> (SupervisorHandlers, [any Service]) {
            let metrics = SupervisorMetrics(registry: registry, cluster: supervisor.clusterName)
            let client = try KubeClient(
                configuration: try KubeConfiguration.resolve(kubeconfig: supervisor.kubeConfig), observer: metrics.kubeRequest, logger: logger
            )
            guard let flinkURL = URL(string: supervisor.flinkURL) else { throw ValidationError("bad JobManager URL \(supervisor.flinkURL)") }
            let flink = FlinkRESTClient(baseURL: flinkURL)
            let settings = BootstrapSettings(supervisorURL: reportURL(), tlsSecretName: supervisor.tlsSecret, dryRun: supervisor.dryRun)
            let controller = SupervisorController(
                cache: SupervisorCache(namespace: supervisor.namespace, clusterName: supervisor.clusterName), client: client, flink: flink,
                bootstrapSettings: settings, metrics: metrics,
                timing: SupervisorTiming(taskTimeout: supervisor.taskTimeout, pollingInterval: supervisor.polling), logger: logger
            )
            let elector = LeaderElector(
                client: client, name: supervisor.leaseName, namespace: supervisor.namespace,
                identity: supervisor.identity ?? "supervisor-\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)",
                timing: supervisor.timing, logger: logger
            )
            let background = SupervisorService(
                controller: controller, kube: client, elector: elector, resyncInterval: .seconds(300),
                cleanup: {
                    try? await client.shutdown()
                    try? await flink.shutdown()
                }
            )
            return (SupervisorHandlers(controller: controller), [background])
        }

        /// Where bootstrap Jobs report: `--supervisor-url`, else the cluster's supervisor Service, which the operator
        /// creates next to this Deployment, so a report reaches whichever supervisor pod runs when it is sent.
        private func reportURL() -> String {
            if let url = supervisor.supervisorURL { return url }
            let tls = (try? service.tlsFiles()) != nil
            return SupervisorAPIService.url(cluster: supervisor.clusterName, namespace: supervisor.namespace, tls: tls)
        }
    }
}
