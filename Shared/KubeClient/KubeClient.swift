import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A Kubernetes API client: typed CRUD, patches, subresources and watches over one API server.
///
/// Requests use a read timeout; watches use a second HTTP client without one, so a quiet watch is never cut
/// by the client (the server ends it with `timeoutSeconds`).
public final class KubeClient: Sendable {
    /// Where and how to reach the API server.
    public let configuration: KubeConfiguration
    private let requests: HTTPClient
    let watches: HTTPClient
    private let requestTimeout: TimeAmount
    private let observer: (@Sendable (KubeRequestRecord) -> Void)?
    private let logger: Logger?

    /// A client for `configuration`; `observer` sees every finished request (for metrics); `logger`, when given,
    /// gets one line per write (info; Lease renewals at debug) and per failed request (warning).
    public init(
        configuration: KubeConfiguration, requestTimeout: TimeAmount = .seconds(30),
        observer: (@Sendable (KubeRequestRecord) -> Void)? = nil, logger: Logger? = nil
    ) throws {
        self.configuration = configuration
        self.requestTimeout = requestTimeout
        self.observer = observer
        self.logger = logger
        let tls = configuration.server.scheme == "https" ? try configuration.tlsConfiguration() : nil
        var requestConfiguration = HTTPClient.Configuration(tlsConfiguration: tls, timeout: .init(connect: .seconds(10), read: requestTimeout))
        requestConfiguration.httpVersion = .http1Only
        requests = HTTPClient(eventLoopGroupProvider: .singleton, configuration: requestConfiguration)
        var watchConfiguration = HTTPClient.Configuration(tlsConfiguration: tls, timeout: .init(connect: .seconds(10), read: nil))
        watchConfiguration.httpVersion = .http1Only
        // A watch holds its HTTP/1.1 connection for as long as it streams, so the pool must never make one wait for a
        // free connection: with the default limit (8 per host) the ninth watch (an operator managing two namespaces
        // runs twelve) waited until its connect timeout, again and again, and its namespace went unwatched.
        watchConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: Self.maximumWatches)
        watches = HTTPClient(eventLoopGroupProvider: .singleton, configuration: watchConfiguration)
    }

    /// How many watches one client can stream at once (one connection each).
    public static let maximumWatches = 4096

    /// Closes the connections; call once before the client goes away.
    public func shutdown() async throws {
        try await requests.shutdown()
        try await watches.shutdown()
    }

    /// Namespace used when a call names none.
    public var defaultNamespace: String { configuration.namespace }

    /// Sends one request and returns the answer body; non-2xx answers throw a `KubeError`.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil,
        contentType: String = "application/json", resource: String
    ) async throws -> Data {
        let request = try makeRequest(method, path, query: query, body: body, contentType: contentType)
        let started = ContinuousClock.now
        do {
            let response = try await requests.execute(request, timeout: requestTimeout)
            let bytes = try await response.body.collect(upTo: 64 << 20)
            let code = Int(response.status.code)
            let duration = ContinuousClock.now - started
            observer?(KubeRequestRecord(verb: method.rawValue, resource: resource, code: code, duration: duration))
            let data = Data(buffer: bytes)
            guard (200..<300).contains(code) else {
                let error = KubeError.from(code: code, status: try? KubeJSON.decoder.decode(Status.self, from: data), method: method.rawValue, path: path)
                logFailure(method, path, error)
                throw error
            }
            if method != .GET { logWrite(method, path, resource: resource, code: code, duration: duration) }
            return data
        } catch let error as KubeError {
            throw error
        } catch {
            observer?(KubeRequestRecord(verb: method.rawValue, resource: resource, code: 0, duration: ContinuousClock.now - started))
            let failure = KubeError(kind: .transport, code: 0, message: "\(method.rawValue) \(path): \(error)")
            logFailure(method, path, failure)
            throw failure
        }
    }

    private func logWrite(_ method: HTTPMethod, _ path: String, resource: String, code: Int, duration: Duration) {
        guard let logger else { return }
        let milliseconds = Int(duration / .milliseconds(1))
        let line: Logger.Message = "\(method.rawValue) \(path) → \(code) (\(milliseconds) ms)"
        if resource.hasPrefix("leases") || resource.hasPrefix("events") { logger.debug(line) } else { logger.info(line) }
    }

    private func logFailure(_ method: HTTPMethod, _ path: String, _ error: KubeError) {
        guard let logger else { return }
        // A missing object on a read and a conflict on a conditional write are ordinary answers, not failures.
        if (method == .GET && error.kind == .notFound) || error.kind == .conflict || error.kind == .alreadyExists {
            logger.debug("\(method.rawValue) \(path): \(error)")
        } else {
            logger.warning("\(method.rawValue) \(path) failed: \(error)")
        }
    }

    /// Builds a request with the server's base URL, query, auth header and body.
    func makeRequest(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], body: Data? = nil, contentType: String = "application/json"
    ) throws -> HTTPClientRequest {
        guard var components = URLComponents(url: configuration.server, resolvingAgainstBaseURL: false) else {
            throw KubeError(kind: .badRequest, code: 0, message: "bad server URL \(configuration.server)")
        }
        let basePath = components.path.trimmingSuffix("/")
        components.path = basePath + path
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components.url?.absoluteString else { throw KubeError(kind: .badRequest, code: 0, message: "bad path \(path)") }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "flink-k8s-toolbox")
        if let token = configuration.currentToken() { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(data: body))
        }
        return request
    }
}

/// One finished API request, for metrics.
public struct KubeRequestRecord: Sendable {
    /// HTTP method.
    public var verb: String
    /// Resource, e.g. `pods` or `flinkclusters/status`.
    public var resource: String
    /// HTTP status code; 0 when no answer arrived.
    public var code: Int
    /// From sending the request to the whole answer (or the failure).
    public var duration: Duration

    /// A record of one request.
    public init(verb: String, resource: String, code: Int, duration: Duration) {
        self.verb = verb
        self.resource = resource
        self.code = code
        self.duration = duration
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
