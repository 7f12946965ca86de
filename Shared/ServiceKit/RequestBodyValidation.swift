import Foundation
import HTTPTypes
import KubeModels
import OpenAPIRuntime
import ToolboxCore

/// Checks request bodies against the contract's constraints before the generated code decodes them: explicit `null`
/// where the contract does not allow it, `minLength`, `pattern`, `minimum`, int32 ranges and enums are answered 400
/// with a JSON `ErrorEnvelope` naming the field, and nothing reaches a handler. An empty body of an operation whose
/// body is optional (start/stop) is passed on as no body. A body that is JSON is taken as JSON whatever its
/// Content-Type; one that is not, under another Content-Type, is a 400 naming both.
public struct RequestBodyValidation: ServerMiddleware {
    /// The control plane's operations: the schema of each request body.
    public static let controlPlane: [String: BodySchema] = [
        "createDeployment": ContractSchemas.deploymentSpec, "updateDeployment": ContractSchemas.deploymentSpec,
        "createCluster": ContractSchemas.clusterSpec, "updateCluster": ContractSchemas.clusterSpec,
        "createJob": ContractSchemas.jobSpec, "updateJob": ContractSchemas.jobSpec,
        "startCluster": ContractSchemas.startStop, "stopCluster": ContractSchemas.startStop,
        "startJob": ContractSchemas.startStop, "stopJob": ContractSchemas.startStop,
        "scaleCluster": ContractSchemas.clusterScale, "scaleJob": ContractSchemas.jobScale,
    ]
    /// The supervisor's operations: the schema of each request body.
    public static let supervisor: [String: BodySchema] = ["reportBootstrap": ContractSchemas.bootstrapReport]
    /// Operations whose request body is optional.
    static let optionalBodies: Set<String> = ["startCluster", "stopCluster", "startJob", "stopJob"]
    /// Largest body read; specs are a few kilobytes.
    static let maximumBodySize = 4 << 20

    /// The schema of each checked operation's body, by operation id.
    let schemas: [String: BodySchema]

    /// Checks the bodies of the operations in `schemas` (others pass unchecked).
    public init(schemas: [String: BodySchema]) {
        self.schemas = schemas
    }

    /// Answers 400 for a body that breaks its operation's schema; passes everything else on.
    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let schema = schemas[operationID], let body else { return try await next(request, body, metadata) }
        let data = try await Data(collecting: body, upTo: Self.maximumBodySize)
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            // No content: absent for an optional body; the generated code reports a missing required one.
            return try await next(request, Self.optionalBodies.contains(operationID) ? nil : HTTPBody(data), metadata)
        }
        let value: JSONValue?
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            value = nil
            // Malformed JSON declared as JSON is left to the generated code, which names the problem.
            if !Self.declaresJSON(request) {
                let declared = request.headerFields[.contentType] ?? "none"
                let reason = (error as? DecodingError).flatMap { error -> String? in
                    if case .dataCorrupted(let context) = error { return context.debugDescription }
                    return nil
                }
                return Self.badRequest("the body of \(operationID) must be JSON (Content-Type \(declared)): \(reason ?? "\(error)")")
            }
        }
        if let value, let violation = SpecValidation.violation(of: schema, in: value) {
            return Self.badRequest("invalid request for \(operationID): \(violation)")
        }
        // A JSON body is JSON whatever its Content-Type says: the original's manual sends `curl -d '{...}'`, which
        // declares application/x-www-form-urlencoded.
        var request = request
        request.headerFields[.contentType] = "application/json"
        return try await next(request, HTTPBody(data), metadata)
    }

    /// Whether the request declares a JSON body (`application/json` or a `+json` type, any parameters).
    static func declaresJSON(_ request: HTTPRequest) -> Bool {
        guard let declared = request.headerFields[.contentType] else { return false }
        let type = declared.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return type == "application/json" || type.hasSuffix("+json")
    }

    /// A 400 answer with the contract's `ErrorEnvelope`.
    static func badRequest(_ message: String) -> (HTTPResponse, HTTPBody?) {
        failure(.badRequest, reason: "BadRequest", message)
    }

    /// An answer with `status` and the contract's `ErrorEnvelope` (`reason` one of its `ErrorReason` values), for a
    /// middleware that refuses a request before any handler runs.
    public static func failure(_ status: HTTPResponse.Status, reason: String, _ message: String) -> (HTTPResponse, HTTPBody?) {
        let envelope: [String: String] = ["status": "FAILURE", "error": message, "reason": reason]
        let data = (try? JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return (HTTPResponse(status: status, headerFields: [.contentType: "application/json; charset=utf-8"]), HTTPBody(data))
    }
}
