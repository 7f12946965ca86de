import ArgumentParser
import Foundation
import Logging
import OpenAPIRuntime
import ServiceLifecycle
import ToolboxAPI

/// The one way every toolbox executable runs: logging, metrics, both listeners, graceful SIGTERM.
public enum ToolboxProcess {
    /// Runs `component` with the API and background services `makeAPI` returns, until SIGTERM or SIGINT; start-up
    /// errors are logged and end the process with exit code 1. With `finishWhenDone` the background services are
    /// tasks: when one returns, the process shuts down gracefully (exit code 0); when one throws, it fails.
    /// `middlewares` run on the API listener before the generated code decodes a request; `scope` is the cluster a
    /// supervisor serves (client identities bound to another cluster are refused).
    public static func run<API: APIProtocol>(
        component: Component,
        options: ServiceOptions,
        metadata: Logger.Metadata = [:],
        finishWhenDone: Bool = false,
        middlewares: [any ServerMiddleware] = [],
        scope: ClusterScope? = nil,
        makeAPI: (MetricsRegistry, Logger) async throws -> (API, [any Service])
    ) async throws {
        ignoreBrokenPipes()
        var logger = ToolboxLogging.bootstrap(component: component, level: options.logLevel)
        for (key, value) in metadata { logger[metadataKey: key] = value }
        let metrics = MetricsRegistry(component: component.rawValue, version: ToolboxVersion.version)
        do {
            _ = try options.tlsFiles()?.serverConfiguration()  // unreadable TLS material fails before anything else
            let (api, services) = try await makeAPI(metrics, logger)
            let server = ToolboxServer(
                component: component, options: options, api: api, metrics: metrics, logger: logger, middlewares: middlewares,
                scope: scope
            )
            let group = finishWhenDone ? try server.makeServiceGroup(tasks: services) : try server.makeServiceGroup(services: services)
            logger.info("starting \(component.rawValue) \(ToolboxVersion.version)")
            try await group.run()
            logger.info("\(component.rawValue) stopped")
        } catch let error as ServiceKitError {
            logger.error("cannot start: \(error)")
            throw ExitCode.failure
        }
    }

    /// SwiftNIO on Linux writes to sockets with `writev`, which raises SIGPIPE when a peer has gone away; a server
    /// must ignore the signal or a client hanging up kills it.
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }
}
