import ArgumentParser
import AsyncHTTPClient
import Foundation
import KubeClient
import Logging
import ServiceKit
import ServiceLifecycle
import ToolboxCore

/// The `operator` executable: watches FlinkDeployments, FlinkClusters and FlinkJobs and serves the control plane
/// (started by `main.swift`).
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
        @OptionGroup var kube: OperatorOptions

        func run() async throws {
            try await ToolboxProcess.run(
                component: .operator, options: service, metadata: ["namespace": "\(kube.namespace)"],
                middlewares: [NamespaceScope(watched: kube.watched), RequestBodyValidation(schemas: RequestBodyValidation.controlPlane)]
            ) { metrics, logger in
                try await assemble(metrics: metrics, logger: logger)
            }
        }

        private func assemble(metrics registry: MetricsRegistry, logger: Logger) async throws -> (ControlPlaneHandlers, [any Service]) {
            let metrics = OperatorMetrics(registry: registry, namespace: kube.namespace, watched: kube.watched)
            let configuration = try KubeConfiguration.resolve(kubeconfig: kube.kubeConfig)
            let client = try KubeClient(configuration: configuration, observer: metrics.kubeRequest, logger: logger)
            let cache = OperatorCache(namespace: kube.namespace, watched: kube.watched)
            let settings = SupervisorSettings(
                tlsSecretName: kube.supervisorTLSSecret, bootstrapTLSSecretName: kube.bootstrapTLSSecret, dryRun: kube.dryRun,
                pollingInterval: kube.pollingInterval, taskTimeout: kube.taskTimeout)
            let controller = OperatorController(
                cache: cache, client: client, settings: settings, metrics: metrics, logger: logger, abandonAfter: kube.supervisorAbandonAfter
            )
            let elector = LeaderElector(
                client: client, name: kube.leaseName, namespace: kube.namespace, identity: kube.identity ?? Self.defaultIdentity(),
                timing: kube.timing, logger: logger
            )
            let tls = try service.tlsFiles()
            var httpConfiguration = HTTPClient.Configuration()
            httpConfiguration.timeout = .init(connect: .seconds(5), read: .seconds(30))
            // The client certificate follows its files like the server's (--tls-reload-interval).
            let clientTLS = try tls.map { try TLSReloader(files: $0, server: false) }
            let supervisorHTTP = ReloadingHTTPClient(configuration: httpConfiguration, reloader: clientTLS)
            let gateway = SupervisorGateway(cache: cache, http: supervisorHTTP, useTLS: tls != nil, port: SupervisorDeployment.apiPort)
            let handlers = ControlPlaneHandlers(service: ControlPlaneService(cache: cache, client: client, now: { Date() }), supervisors: gateway)
            let background = OperatorService(
                controller: controller, elector: elector, workers: kube.workers, resyncInterval: .seconds(kube.resyncSeconds),
                cleanup: {
                    try? await client.shutdown()
                    await supervisorHTTP.shutdown()
                }
            )
            let reloading = clientTLS.map { [TLSReloader.Follower(reloader: $0, interval: .seconds(service.tlsReloadInterval), logger: logger)] } ?? []
            return (handlers, [background] + (service.tlsReloadInterval > 0 ? reloading : []))
        }

        static func defaultIdentity() -> String {
            "operator-\(ProcessInfo.processInfo.hostName)-\(ProcessInfo.processInfo.processIdentifier)"
        }
    }
}
