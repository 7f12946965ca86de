import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import OpenAPIHummingbird
import OpenAPIRuntime
import ServiceLifecycle
import ToolboxAPI
import UnixSignals

/// Assembles one toolbox process: its HTTPS API (mutual TLS) on the component's port, serving the part of the
/// contract under `component.apiPrefix`, and the plain-HTTP monitoring listener (`/metrics`, `/version`).
public struct ToolboxServer<API: APIProtocol>: Sendable {
    /// Which executable this is.
    public let component: Component
    /// Listener and TLS options.
    public let options: ServiceOptions
    /// Handlers of the component's API.
    public let api: API
    /// Metrics of the process, exposed on `/metrics`.
    public let metrics: MetricsRegistry
    /// The ports actually bound, once the listeners run.
    public let bound = BoundAddresses()
    /// Logger of the process.
    public let logger: Logger
    /// OpenAPI middlewares of the API listener, run in order before the generated code decodes a request.
    public let middlewares: [any ServerMiddleware]
    /// The cluster this process serves (a supervisor's): identities bound to another cluster are refused.
    public let scope: ClusterScope?

    /// Creates the assembly; nothing listens until the service group returned by `makeServiceGroup` runs.
    public init(
        component: Component, options: ServiceOptions, api: API, metrics: MetricsRegistry, logger: Logger,
        middlewares: [any ServerMiddleware] = [], scope: ClusterScope? = nil
    ) {
        self.component = component
        self.options = options
        self.api = api
        self.metrics = metrics
        self.logger = logger
        self.middlewares = middlewares
        self.scope = scope
    }

    /// The service group running both listeners and `services`, shut down gracefully on `signals`.
    /// A service in `services` that returns ends the group with an error (servers must not stop on their own);
    /// one in `tasks` that returns shuts the group down gracefully (a bootstrap's single task).
    public func makeServiceGroup(
        services: [any Service] = [], tasks: [any Service] = [], signals: [UnixSignal] = [.sigterm, .sigint]
    ) throws -> ServiceGroup {
        let reloader = try options.tlsFiles().map { try TLSReloader(files: $0, server: true) }
        var servers: [any Service] = [try makeAPIApplication(reloader: reloader), try makeMonitoringApplication()] + services
        if let reloader, options.tlsReloadInterval > 0 {
            servers.append(TLSReloader.Follower(reloader: reloader, interval: .seconds(options.tlsReloadInterval), logger: logger))
        }
        let configurations =
            servers.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
            + tasks.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) }
        return ServiceGroup(configuration: .init(services: configurations, gracefulShutdownSignals: signals, logger: logger))
    }

    private func makeAPIApplication(reloader: TLSReloader?) throws -> some Service {
        let routes = RouteTable()
        let router = makeRouter(ToolboxRequestContext.self, listener: "api", routes: routes)
        if reloader != nil {
            // Who may call what, as the contract's x-toolbox-roles say; only a verified certificate names a caller.
            router.middlewares.add(AuthorizationMiddleware(scope: scope))
        }
        try api.registerHandlers(
            on: PrefixFilteredTransport(router, prefixes: [component.apiPrefix], table: routes), middlewares: middlewares
        )
        // The original answers `OPTIONS /` with 204 on both servers (clients and probes use it as a ping).
        router.on("/", method: .options) { _, _ in Response(status: .noContent) }
        routes.add(method: .options, path: "/")
        let server: HTTPServerBuilder
        if let reloader {
            server = .http1(reloadingTLS: reloader)
            logger.info("API requires mutual TLS (TLS 1.2+) and a role the contract admits", metadata: ["tls": "\(reloader.files.summary)"])
        } else {
            server = .http1()
            logger.warning(
                "TLS is not configured (--tls-dir, --tls-cert/--tls-key/--tls-ca or --keystore-path/--truststore-path): the API serves plain HTTP; restrict access to its port"
            )
        }
        let port = options.port ?? component.defaultPort
        let (bound, logger) = (self.bound, self.logger)
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(options.bindAddress, port: port), serverName: nil),
            onServerRunning: { channel in
                bound.record(api: channel)
                logger.info("api listening on port \(channel.localAddress?.port ?? -1)")
            },
            logger: logger
        )
    }

    private func makeMonitoringApplication() throws -> some Service {
        let routes = RouteTable()
        let router = makeRouter(BasicRequestContext.self, listener: "monitoring", routes: routes)
        let monitoring = MonitoringHandlers(component: component, metrics: metrics)
        try monitoring.registerHandlers(on: PrefixFilteredTransport(router, prefixes: ["/version", "/metrics"], table: routes))
        let (bound, logger) = (self.bound, self.logger)
        return Application(
            router: router,
            configuration: .init(
                address: .hostname(options.monitoringAddress ?? options.bindAddress, port: options.monitoringPort), serverName: nil
            ),
            onServerRunning: { channel in
                bound.record(monitoring: channel)
                logger.info("monitoring listening on port \(channel.localAddress?.port ?? -1)")
            },
            logger: logger
        )
    }

    private func makeRouter<Context: RequestContext>(_: Context.Type, listener: String, routes: RouteTable) -> Router<Context> {
        let router = Router(context: Context.self)
        router.middlewares.add(HTTPMetricsMiddleware(metrics: metrics, listener: listener))
        router.middlewares.add(JSONErrorMiddleware(routes: routes))
        return router
    }
}
