import AsyncHTTPClient
import Foundation
import HTTPTypes
import OpenAPIRuntime
import Synchronization
import ToolboxAPI

/// The raw answer to one control-plane request: the original's envelope is printed byte for byte from it.
struct Reply: Sendable {
    /// HTTP status code.
    let statusCode: Int
    /// The body exactly as the operator sent it.
    let body: Data

    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// The success envelope, or the error the operator answered with.
    func envelope() throws -> Components.Schemas.Envelope {
        guard (200..<300).contains(statusCode) else {
            let failure = try? JSONDecoder().decode(Components.Schemas.ErrorEnvelope.self, from: body)
            throw FlinkctlError.server(statusCode: statusCode, reason: failure?.reason.rawValue, message: failure?.error ?? text)
        }
        guard let envelope = try? JSONDecoder().decode(Components.Schemas.Envelope.self, from: body) else {
            throw FlinkctlError.unexpectedAnswer(statusCode: statusCode, body: text)
        }
        guard envelope.status == .ok else {
            throw FlinkctlError.server(statusCode: statusCode, reason: "ERROR", message: envelope.output ?? "the operator answered ERROR")
        }
        return envelope
    }

    /// The decoded `output` of a success envelope; nil when the envelope has none.
    func output() throws -> JSONTree? {
        guard let output = try envelope().output else { return nil }
        do {
            return try JSONDecoder().decode(JSONTree.self, from: Data(output.utf8))
        } catch {
            throw FlinkctlError.unexpectedAnswer(statusCode: statusCode, body: text)
        }
    }
}

/// Keeps the status and body of the last response, so that the envelope can be shown exactly as sent.
final class ResponseRecorder: ClientMiddleware {
    private let last = Mutex<Reply?>(nil)

    /// Forgets the previous answer.
    func reset() { last.withLock { $0 = nil } }

    /// The last answer received, if any.
    var reply: Reply? { last.withLock { $0 } }

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        var data = Data()
        if let responseBody { data = try await Data(collecting: responseBody, upTo: 64 << 20) }
        let reply = Reply(statusCode: response.status.code, body: data)
        last.withLock { $0 = reply }
        return (response, HTTPBody(data))
    }
}

/// Adds `namespace=<name>` to the query of every control-plane request: the operator then serves it in that namespace.
struct NamespaceQuery: ClientMiddleware {
    let namespace: String

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        let path = request.path ?? "/"
        request.path = path + (path.contains("?") ? "&" : "?") + "namespace=\(namespace)"
        return try await next(request, body, baseURL)
    }
}

/// A generated control-plane client with its HTTP client and the recorder of raw answers.
struct ControlPlaneSession: Sendable {
    /// The generated client.
    let client: Client
    /// Where the client connects, for messages.
    let serverURL: URL
    let recorder: ResponseRecorder

    /// Sends one request and returns the raw answer, whatever its status; throws only when no answer came.
    func call<Output>(_ operation: (Client) async throws -> Output) async throws -> Reply {
        recorder.reset()
        do {
            _ = try await operation(client)
        } catch let error as ClientError {
            // An answer the generated client could not decode is still reported from its raw status and body.
            guard let reply = recorder.reply else { throw FlinkctlError.transport(serverURL, error.underlyingError) }
            return reply
        }
        guard let reply = recorder.reply else { throw FlinkctlError.unexpectedAnswer(statusCode: 0, body: "") }
        return reply
    }

    /// Sends one request and returns the decoded output of its success envelope.
    func output<Output>(_ operation: (Client) async throws -> Output) async throws -> JSONTree? {
        try await call(operation).output()
    }
}
