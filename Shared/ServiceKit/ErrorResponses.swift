import Foundation
import Hummingbird
import OpenAPIRuntime

/// JSON error bodies in the contract's `ErrorEnvelope` shape, for answers the generated handlers do not produce
/// (unknown routes, wrong methods, unexpected errors).
public enum ErrorResponses {
    /// `{"status":"FAILURE","error":message,"reason":reason}` with the given HTTP status.
    public static func response(status: HTTPResponse.Status, reason: String, message: String) -> Response {
        let body: [String: String] = ["status": "FAILURE", "error": message, "reason": reason]
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data()
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }

    /// The `reason` value the contract uses for an HTTP status.
    public static func reason(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400, 405, 415, 422: return "BadRequest"
        case 401, 403: return "Unauthorized"
        case 404: return "NotFound"
        case 409: return "Conflict"
        case 501: return "NotImplemented"
        case 503: return "Unavailable"
        case 504: return "Timeout"
        default: return "Internal"
        }
    }
}

/// Turns every error that reaches the router into a JSON `ErrorEnvelope`; a known path asked with a method it does
/// not serve is 405 with `Allow`.
public struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    private let routes: RouteTable

    /// Creates the middleware; `routes` holds what the listener serves.
    public init(routes: RouteTable = RouteTable()) {
        self.routes = routes
    }

    /// Calls the next responder and rewrites errors into JSON answers.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ServerError {
            let (status, reason, message) = RequestErrorDescription.classify(error)
            if status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(error.underlyingError)", "operation": "\(error.operationID)"])
            }
            return ErrorResponses.response(status: status, reason: reason, message: message)
        } catch let error as any HTTPResponseError where error.status == .notFound && !routes.methods(for: request.uri.path).isEmpty {
            let allowed = routes.methods(for: request.uri.path).map(\.rawValue).joined(separator: ", ")
            var response = ErrorResponses.response(
                status: .methodNotAllowed, reason: "BadRequest", message: "\(request.method) is not allowed on \(request.uri.path); use \(allowed)"
            )
            response.headers[.allow] = allowed
            return response
        } catch let error as any HTTPResponseError {
            let message =
                error.status == .notFound
                ? "no route \(request.method) \(request.uri.path)" : "\(error.status.reasonPhrase): \(request.method) \(request.uri.path)"
            return ErrorResponses.response(status: error.status, reason: ErrorResponses.reason(for: error.status), message: message)
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return ErrorResponses.response(status: .internalServerError, reason: "Internal", message: "internal error: \(error)")
        }
    }
}
