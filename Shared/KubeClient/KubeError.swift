/// A failed Kubernetes API call, classified so callers can tell a retry from a terminal error.
public struct KubeError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public enum Kind: String, Sendable, Equatable {
        case notFound, alreadyExists, conflict, invalid, gone, unauthorized, forbidden, badRequest
        case methodNotAllowed, unsupportedMediaType, tooManyRequests, serverError, transport, decoding
    }

    /// The class of the error.
    public var kind: Kind
    /// The HTTP status code (0 when none was received).
    public var code: Int
    /// The `Status` body the server sent, if any.
    public var status: Status?
    /// A message naming the problem.
    public var message: String

    /// An error of `kind`.
    public init(kind: Kind, code: Int, status: Status? = nil, message: String) {
        self.kind = kind
        self.code = code
        self.status = status
        self.message = message
    }

    /// Classifies an HTTP error answer.
    static func from(code: Int, status: Status?, method: String, path: String) -> KubeError {
        let kind: Kind
        switch code {
        case 400: kind = .badRequest
        case 401: kind = .unauthorized
        case 403: kind = .forbidden
        case 404: kind = .notFound
        case 405: kind = .methodNotAllowed
        case 409: kind = status?.reason == "AlreadyExists" ? .alreadyExists : .conflict
        case 410: kind = .gone
        case 415: kind = .unsupportedMediaType
        case 422: kind = .invalid
        case 429: kind = .tooManyRequests
        default: kind = .serverError
        }
        let text = status?.message ?? "HTTP \(code)"
        return KubeError(kind: kind, code: code, status: status, message: "\(method) \(path): \(text)")
    }

    /// Whether the same call may succeed later (server errors, throttling, lost connections, conflicts after a re-read).
    public var isRetryable: Bool {
        switch kind {
        case .serverError, .tooManyRequests, .transport, .conflict, .gone: return true
        default: return false
        }
    }

    /// The fields an `Invalid` answer names.
    public var invalidFields: [String] { status?.details?.causes?.compactMap(\.field) ?? [] }

    /// A message naming the problem.
    public var description: String { "\(kind): \(message)" }
}
