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

/// Runs a `ToolboxServer` on 127.0.0.1 with ephemeral ports for the duration of `body`, then shuts it down.
func withServer<Result>(
    component: Component = .operator,
    tls: CertificateSet? = TestCertificates.trusted,
    metrics: MetricsRegistry? = nil,
    _ body: (_ api: Int, _ monitoring: Int) async throws -> Result
) async throws -> Result {
    ToolboxProcess.ignoreBrokenPipes()
    var arguments = ["--bind-address", "127.0.0.1", "--port", "0", "--monitoring-port", "0"]
    if let tls {
        arguments += ["--tls-cert", tls.serverCertificate, "--tls-key", tls.serverKey, "--tls-ca", tls.ca]
    }
    let options = try ServiceOptions.parse(arguments)
    let server = ToolboxServer(
        component: component, options: options, api: NothingImplemented(),
        metrics: metrics ?? MetricsRegistry(component: component.rawValue, version: ToolboxVersion.version),
        logger: Logger(label: "test")
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

/// A client TLS configuration presenting `identity`'s client certificate (or none) and trusting `trust`'s CA.
func clientTLS(identity: CertificateSet?, trust: CertificateSet = TestCertificates.trusted) throws -> TLSConfiguration {
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trust.ca))
    if let identity {
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(identity.clientCertificate).map { .certificate($0) }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: identity.clientKey, format: .pem))
    }
    return configuration
}

/// Status and body of one request.
struct Answer {
    let status: Int
    let body: String
    let contentType: String?

    /// The body parsed as a JSON object.
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] }
}

/// Sends one request with its own client, shutting the client down afterwards.
func fetch(
    _ url: String, method: HTTPMethod = .GET, body: String? = nil, tls: TLSConfiguration? = nil
) async throws -> Answer {
    var configuration = HTTPClient.Configuration()
    configuration.tlsConfiguration = tls
    let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    do {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await client.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let answer = Answer(
            status: Int(response.status.code), body: String(buffer: bytes), contentType: response.headers.first(name: "Content-Type")
        )
        try await client.shutdown()
        return answer
    } catch {
        try? await client.shutdown()
        throw error
    }
}
