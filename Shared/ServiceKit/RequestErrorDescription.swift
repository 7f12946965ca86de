import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Readable descriptions of why a request could not be decoded, naming the offending field.
enum RequestErrorDescription {
    /// The HTTP status and message for an error the generated server code raised.
    ///
    /// A request that could not be turned into the operation's input is the client's fault (400, or the
    /// runtime's own 4xx); a failure after that is the server's (500).
    static func classify(_ error: ServerError) -> (status: HTTPResponse.Status, reason: String, message: String) {
        guard error.operationInput == nil else {
            return (.internalServerError, "Internal", "\(error.operationID) failed: \(error.underlyingError)")
        }
        let status: HTTPResponse.Status = error.httpStatus.kind == .clientError ? error.httpStatus : .badRequest
        let detail = (error.underlyingError as? DecodingError).map(describe) ?? "\(error.underlyingError)"
        return (status, "BadRequest", "invalid request for \(error.operationID): \(detail)")
    }

    /// A one-line description of a decoding error with the dotted path of the field.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            return "field '\(path(context.codingPath))' has the wrong type (expected \(type))"
        case .valueNotFound(let type, let context):
            return "field '\(path(context.codingPath))' is null (expected \(type))"
        case .keyNotFound(let key, let context):
            return "missing required field '\(path(context.codingPath + [key]))'"
        case .dataCorrupted(let context):
            let location = context.codingPath.isEmpty ? "body" : "field '\(path(context.codingPath))'"
            return "malformed \(location): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            .joined(separator: ".")
            .replacingOccurrences(of: ".[", with: "[")
    }
}
