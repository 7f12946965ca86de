import HTTPTypes
import OpenAPIRuntime

/// A `ServerTransport` that registers only the operations whose path starts with one of its prefixes.
///
/// The contract describes every listener of the toolbox; each listener registers just its own part of it
/// (the operator's `/api/v1`, the supervisor's `/supervisor/v1`, the monitoring `/version` and `/metrics`).
public struct PrefixFilteredTransport<Base: ServerTransport>: ServerTransport {
    private let base: Base
    private let prefixes: [String]
    private let table: RouteTable?

    /// Wraps `base`, keeping only paths that start with one of `prefixes`, and recording them in `table`.
    public init(_ base: Base, prefixes: [String], table: RouteTable? = nil) {
        self.base = base
        self.prefixes = prefixes
        self.table = table
    }

    /// Forwards the registration when the path matches a prefix; ignores it otherwise.
    public func register(
        _ handler: @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        guard prefixes.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) else { return }
        try base.register(handler, method: method, path: path)
        table?.add(method: method, path: path)
    }
}
