import Foundation
import Hummingbird
import NIOCore
import ServiceLifecycle

/// A scripted HTTP server for the faults real Flink cannot be made to produce (malformed JSON, 5xx, slowness).
/// It binds 127.0.0.1 on an ephemeral port and stops when the test body returns.
func withFakeFlink<Result>(
    _ routes: @escaping @Sendable (Router<BasicRequestContext>) -> Void,
    _ body: (URL) async throws -> Result
) async throws -> Result {
    let router = Router()
    routes(router)
    let port = PortBox()
    let app = Application(
        router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { port.set($0.localAddress?.port ?? 0) }
    )
    let group = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
    let running = Task { try await group.run() }
    while port.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
    defer { running.cancel() }
    let result = try await body(URL(string: "http://127.0.0.1:\(port.value)")!)
    await group.triggerGracefulShutdown()
    return result
}

/// Holds the bound port.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    func set(_ value: Int) { lock.withLock { port = value } }
    var value: Int { lock.withLock { port } }
}

/// A JSON answer with a status code.
func answer(_ status: HTTPResponse.Status, _ json: String) -> Response {
    Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
}
