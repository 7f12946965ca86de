import Foundation
import HTTPTypes
import OpenAPIRuntime
import ServiceKit
import ToolboxCore

/// The namespace a control-plane request is about: its `namespace` query parameter, checked by `NamespaceScope`;
/// `nil` outside a request or when the parameter is left out (then the operator's own namespace).
enum RequestNamespace {
    @TaskLocal static var current: String?
}

/// Reads a control-plane request's `namespace` query parameter and serves the request in that namespace
/// (`RequestNamespace.current`): 400 for a name that is not a DNS-1123 label, 404 for a namespace the operator does
/// not manage, both with the contract's error envelope and before any handler runs.
struct NamespaceScope: ServerMiddleware {
    /// What the operator manages.
    let watched: WatchedNamespaces

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let namespace = Self.namespace(of: request) else { return try await next(request, body, metadata) }
        guard ResourceNames.isValidName(namespace) else {
            return RequestBodyValidation.failure(
                .badRequest, reason: "BadRequest", "invalid namespace '\(namespace)': use lower-case letters, digits and '-', at most 63")
        }
        guard watched.includes(namespace) else {
            let managed = watched.reflectorNamespaces.compactMap { $0 }.joined(separator: ", ")
            return RequestBodyValidation.failure(
                .notFound, reason: "NotFound", "namespace '\(namespace)' is not managed by this operator (it manages \(managed))")
        }
        return try await RequestNamespace.$current.withValue(namespace) { try await next(request, body, metadata) }
    }

    /// The value of the `namespace` query parameter of `request`, if given (the last one when repeated).
    static func namespace(of request: HTTPRequest) -> String? {
        guard let path = request.path, path.contains("?") else { return nil }
        return URLComponents(string: path)?.queryItems?.last { $0.name == "namespace" }.map { $0.value ?? "" }
    }
}
