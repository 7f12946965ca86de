import Foundation
import HTTPTypes
import KubeClient
import OpenAPIRuntime
import ToolboxCore

/// Checks control-plane request bodies against the contract's constraints before the generated code decodes
/// them: explicit `null` where the contract does not allow it, `minLength`, `pattern`, `minimum`, int32 ranges and
/// enums are answered 400 with a JSON `ErrorEnvelope` naming the field, and nothing reaches Kubernetes.
/// An empty body of an operation whose body is optional (start/stop) is passed on as no body.
struct RequestBodyValidation: ServerMiddleware {
    /// The schema of each operation's request body.
    static let schemas: [String: BodySchema] = [
        "createDeployment": ContractSchemas.deploymentSpec, "updateDeployment": ContractSchemas.deploymentSpec,
        "createCluster": ContractSchemas.clusterSpec, "updateCluster": ContractSchemas.clusterSpec,
        "createJob": ContractSchemas.jobSpec, "updateJob": ContractSchemas.jobSpec,
        "startCluster": ContractSchemas.startStop, "stopCluster": ContractSchemas.startStop,
        "startJob": ContractSchemas.startStop, "stopJob": ContractSchemas.startStop,
        "scaleCluster": ContractSchemas.clusterScale, "scaleJob": ContractSchemas.jobScale,
    ]
    /// Operations whose request body is optional.
    static let optionalBodies: Set<String> = ["startCluster", "stopCluster", "startJob", "stopJob"]
    /// Largest body read; specs are a few kilobytes.
    static let maximumBodySize = 4 << 20

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        guard let schema = Self.schemas[operationID], let body else { return try await next(request, body, metadata) }
        let data = try await Data(collecting: body, upTo: Self.maximumBodySize)
        if data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) {
            // No content: absent for an optional body; the generated code reports a missing required one.
            return try await next(request, Self.optionalBodies.contains(operationID) ? nil : HTTPBody(data), metadata)
        }
        // Malformed JSON is left to the generated code, which names the problem.
        if let value = try? JSONDecoder().decode(JSONValue.self, from: data),
            let violation = SpecValidation.violation(of: schema, in: value)
        {
            return Self.badRequest("invalid request for \(operationID): \(violation)")
        }
        return try await next(request, HTTPBody(data), metadata)
    }

    /// A 400 answer with the contract's `ErrorEnvelope`.
    static func badRequest(_ message: String) -> (HTTPResponse, HTTPBody?) {
        let envelope: [String: String] = ["status": "FAILURE", "error": message, "reason": "BadRequest"]
        let data = (try? JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys])) ?? Data()
        return (HTTPResponse(status: .badRequest, headerFields: [.contentType: "application/json; charset=utf-8"]), HTTPBody(data))
    }
}
