import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import ServiceKit
import ServiceLifecycle
import TestSupport
import ToolboxAPI

/// Handlers that implement nothing: every operation answers with the 501 default.
struct NothingImplemented: ToolboxAPIHandlers {}

/// Runs a `ToolboxServer` on 127.0.0.1 with ephemeral ports for the duration of `body`, then shuts it down; its TLS
/// options are `tlsArguments` when given, otherwise the PEM files of `tls`.
func withServer<Result>(
    component: Component = .operator,
    tls: CertificateSet? = TestCertificates.trusted,
    tlsArguments: [String]? = nil,
    metrics: MetricsRegistry? = nil,
    scope: ClusterScope? = nil,
    _ body: (_ api: Int, _ monitoring: Int) async throws -> Result
) async throws -> Result {
    ToolboxProcess.ignoreBrokenPipes()
    var arguments = ["--bind-address", "127.0.0.1", "--port", "0", "--monitoring-port", "0"]
    if let tlsArguments {
        arguments += tlsArguments
    } else if let tls {
        arguments += ["--tls-cert", tls.serverCertificate, "--tls-key", tls.serverKey, "--tls-ca", tls.ca]
    }
    let options = try ServiceOptions.parse(arguments)
    let server = ToolboxServer(
        component: component, options: options, api: NothingImplemented(),
        metrics: metrics ?? MetricsRegistry(component: component.rawValue, version: ToolboxVersion.version),
        logger: Logger(label: "test"), scope: scope
    )
    let group = try server.makeServiceGroup(signals: [])
    let running = Task { try await group.run() }
    defer { running.cancel() }
    let ports = try await server.bound.waitUntilBound()
    do {
        let result = try await body(ports.api, ports.monitoring)
        await group.triggerGracefulShutdown()
        try await running.value
        return result
    } catch {
        await group.triggerGracefulShutdown()
        throw error
    }
}
