import ArgumentParser
import AsyncHTTPClient
import BootstrapKit
import FlinkClient
import Foundation
import Logging
import OpenAPIAsyncHTTPClient
import ServiceKit
import ServiceLifecycle
import ToolboxAPI

/// The `bootstrap` executable: uploads one job's JAR to its cluster, runs it, and reports the Flink job id.
struct BootstrapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bootstrap",
        abstract: "Flink Kubernetes Toolbox bootstrap of one job: progress API on port 4446, metrics on 8080.",
        subcommands: [Run.self, Named.self],
        defaultSubcommand: Run.self
    )

    /// `bootstrap bootstrap run ...`: the command line the toolbox writes into its pods is led by the executable's name, as the
    /// original's was, so that the all-in-one image (entry point flinkctl) runs it too; this image's entry point is the
    /// bootstrap itself, which skips the name.
    struct Named: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bootstrap", shouldDisplay: false, subcommands: [Run.self], defaultSubcommand: Run.self)
    }

    /// `bootstrap run`: the original's spelling, and the default.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bootstrap one job.")

        @OptionGroup var service: ServiceOptions
        @OptionGroup var bootstrap: BootstrapOptions

        func run() async throws {
            let metadata: Logger.Metadata = ["namespace": "\(bootstrap.namespace)", "cluster": "\(bootstrap.clusterName)", "job": "\(bootstrap.jobName)"]
            let progress = BootstrapProgress(clusterName: bootstrap.clusterName, jobName: bootstrap.jobName)
            let scope = ClusterScope(namespace: bootstrap.namespace, name: bootstrap.clusterName)
            try await ToolboxProcess.run(
                component: .bootstrap, options: service, metadata: metadata, finishWhenDone: true, scope: scope
            ) { _, logger in
                try assemble(progress: progress, logger: logger)
            }
        }

        private func assemble(progress: BootstrapProgress, logger: Logger) throws -> (BootstrapHandlers, [any Service]) {
            let tls = try service.tlsFiles()
            guard let flinkURL = URL(string: bootstrap.resolvedJobManagerURL),
                let supervisorURL = URL(string: bootstrap.resolvedSupervisorURL(tls: tls != nil))
            else {
                throw ValidationError("--jobmanager-url and --supervisor-url must be URLs")
            }
            logger.info("JobManager at \(flinkURL), supervisor at \(supervisorURL)")
            var configuration = HTTPClient.Configuration(tlsConfiguration: try tls?.clientConfiguration(verifyHostname: false))
            configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let flink = FlinkRESTClient(baseURL: flinkURL)
            let supervisor = Client(serverURL: supervisorURL, transport: AsyncHTTPClientTransport(configuration: .init(client: http, timeout: .seconds(30))))
            let runner = BootstrapRunner(
                plan: bootstrap.plan, flink: flink, reporter: SupervisorReporter(api: supervisor), progress: progress, logger: logger,
                beforeReport: ReportHold.fromEnvironment(logger: logger)
            )
            let closing = ClosingService(runner: runner) {
                try? await http.shutdown()
                try? await flink.shutdown()
            }
            return (BootstrapHandlers(progress: progress), [closing])
        }
    }
}

/// Runs the bootstrap and closes its HTTP clients afterwards, whatever the outcome.
struct ClosingService: Service, CustomStringConvertible {
    var description: String { "bootstrap of \(runner.plan.clusterName)/\(runner.plan.jobName)" }

    let runner: BootstrapRunner
    let close: @Sendable () async -> Void

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await runner.run() }
        } catch {
            await close()
            // Interrupted (SIGTERM) or failed, the task did not finish: a non-zero exit, so a Kubernetes Job does not
            // count this pod as a completion and runs the bootstrap again (backoffLimit).
            if Task.isCancelled || error is CancellationError { throw BootstrapError.rejected("interrupted before the job was reported") }
            throw error
        }
        await close()
    }
}

/// A test hook: with `BOOTSTRAP_HOLD_REPORT_UNTIL=<file>` in the environment, a bootstrap whose run Flink accepted
/// waits until `<file>` exists before it reports, so an end-to-end test can replace the supervisor in between.
enum ReportHold {
    static let variable = "BOOTSTRAP_HOLD_REPORT_UNTIL"

    static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, logger: Logger
    )
        -> @Sendable (String) async throws -> Void
    {
        guard let path = environment[variable], !path.isEmpty else { return { _ in } }
        return { jobId in
            logger.info("holding the report of Flink job \(jobId) until \(path) exists")
            while !FileManager.default.fileExists(atPath: path) { try await Task.sleep(for: .milliseconds(100)) }
            logger.info("report released")
        }
    }
}
