/// An error that knows whether retrying the same call may succeed, and what to call it when it cannot.
///
/// `KubeError` conforms here; clients in modules that cannot import KubeClient (the Flink client) expose the same two
/// properties, and the process that uses both declares the conformance in one line.
public protocol ClassifiedError: Error {
    /// Whether the same call may succeed later.
    var isRetryable: Bool { get }
    /// A CamelCase reason for a Kubernetes condition or Event when the error is terminal (e.g. `Forbidden`).
    var terminalReason: String { get }
}

/// What a controller does after an error.
public enum ErrorClass: Equatable, Sendable {
    /// Retry later with backoff (the error may go away by itself).
    case retryable
    /// Retrying the same thing fails the same way: surface `reason` as a status condition and an Event, then wait for
    /// a change of the object.
    case terminal(reason: String)
    /// The work was cancelled: stop, neither retry nor report.
    case cancelled
}

/// Maps any error to what a controller does about it, the one place where that is decided.
///
/// `KubeError`s and other `ClassifiedError`s classify themselves; `DecodingError` is terminal (`DecodingFailed`);
/// `CancellationError` is `.cancelled`; any other error counts as retryable (a transient failure of an unknown kind is
/// better retried with backoff than reported as permanent).
public struct ErrorPolicy: Sendable {
    private let override: @Sendable (any Error) -> ErrorClass?

    /// The standard policy; `override` may classify some errors first (return `nil` to fall through).
    public init(override: @escaping @Sendable (any Error) -> ErrorClass? = { _ in nil }) {
        self.override = override
    }

    /// The class of `error`.
    public func classify(_ error: any Error) -> ErrorClass {
        if let decided = override(error) { return decided }
        switch error {
        case is CancellationError:
            return .cancelled
        case let classified as any ClassifiedError:
            return classified.isRetryable ? .retryable : .terminal(reason: classified.terminalReason)
        case is DecodingError:
            return .terminal(reason: "DecodingFailed")
        default:
            return .retryable
        }
    }
}

extension KubeError: ClassifiedError {
    /// The Kubernetes `Status` reason of the error class, e.g. `Forbidden`, `Invalid`, `NotFound`.
    public var terminalReason: String {
        switch kind {
        case .notFound: return "NotFound"
        case .alreadyExists: return "AlreadyExists"
        case .conflict: return "Conflict"
        case .invalid: return "Invalid"
        case .gone: return "Expired"
        case .unauthorized: return "Unauthorized"
        case .forbidden: return "Forbidden"
        case .badRequest: return "BadRequest"
        case .methodNotAllowed: return "MethodNotAllowed"
        case .unsupportedMediaType: return "UnsupportedMediaType"
        case .tooManyRequests: return "TooManyRequests"
        case .serverError: return "InternalError"
        case .transport: return "Unreachable"
        case .decoding: return "DecodingFailed"
        }
    }
}
