import Foundation
import HTTPTypes
import OpenAPIRuntime
import ToolboxAPI

extension Components.Responses.Failure {
    /// A 501 answer body naming the route that is not implemented yet.
    public static func notImplemented(_ route: String) -> Self {
        .init(body: .json(.init(status: .failure, error: "\(route) is not implemented yet", reason: .notImplemented)))
    }

    /// An error answer body with the given reason and message.
    public static func failure(_ reason: Components.Schemas.ErrorReason, _ message: String) -> Self {
        .init(body: .json(.init(status: .failure, error: message, reason: reason)))
    }
}

extension UndocumentedPayload {
    /// A 501 answer with a JSON `ErrorEnvelope`, for operations whose contract has no default response.
    public static func notImplemented(_ route: String) -> Self {
        let body = #"{"error":"\#(route) is not implemented yet","reason":"NotImplemented","status":"FAILURE"}"#
        return .init(headerFields: [.contentType: "application/json; charset=utf-8"], body: HTTPBody(body))
    }
}
