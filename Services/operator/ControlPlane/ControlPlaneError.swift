import KubeClient
import ToolboxAPI

/// Why a control-plane request failed, with the HTTP status and `reason` it answers with.
enum ControlPlaneError: Error, Equatable {
    case notFound(String)
    case badRequest(String)
    case alreadyExists(String)
    case conflict(String)
    case unavailable(String)
    case notImplemented(String)
    case internalError(String)

    /// The HTTP status code, the contract's reason, and the message.
    var answer: (code: Int, reason: Components.Schemas.ErrorReason, message: String) {
        switch self {
        case .notFound(let message): return (404, .notFound, message)
        case .badRequest(let message): return (400, .badRequest, message)
        case .alreadyExists(let message): return (409, .alreadyExists, message)
        case .conflict(let message): return (409, .conflict, message)
        case .unavailable(let message): return (503, .unavailable, message)
        case .notImplemented(let message): return (501, .notImplemented, message)
        case .internalError(let message): return (500, ._internal, message)
        }
    }

    /// Classifies any error thrown while serving a request.
    static func from(_ error: any Error) -> ControlPlaneError {
        if let error = error as? ControlPlaneError { return error }
        guard let error = error as? KubeError else { return .internalError("\(error)") }
        let message = error.status?.message ?? error.message
        switch error.kind {
        case .notFound: return .notFound(message)
        case .alreadyExists: return .alreadyExists(message)
        case .conflict: return .conflict(message)
        case .invalid, .badRequest: return .badRequest(message)
        case .transport, .serverError, .tooManyRequests: return .unavailable("Kubernetes API: \(message)")
        default: return .internalError(message)
        }
    }
}

extension EnvelopeOutput {
    /// Runs `body` and answers its envelope, or the error envelope of whatever it threw.
    static func answer(_ body: () async throws -> Components.Schemas.Envelope) async -> Self {
        do {
            return .ok(.envelope(try await body()))
        } catch {
            let (code, reason, message) = ControlPlaneError.from(error).answer
            return .default(statusCode: code, .failure(reason, message))
        }
    }
}
