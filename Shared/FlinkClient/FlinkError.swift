/// A failed call to a Flink JobManager's REST API, classified so callers can tell what to do.
public enum FlinkError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No answer: connection refused, reset, DNS, or TLS failure. Flink may be starting or gone.
    case unreachable(String)
    /// The call did not finish within its timeout.
    case timeout(String)
    /// 404: the job, jar, trigger or TaskManager does not exist.
    case notFound(String)
    /// 4xx other than 404: Flink rejected the request (for example `main()` threw on run).
    case rejected(code: Int, errors: [String])
    /// 5xx: Flink failed (for example an unknown entry class on run).
    case serverError(code: Int, errors: [String])
    /// The answer was not the JSON expected.
    case malformed(String)

    /// Whether the same call may succeed later.
    public var isRetryable: Bool {
        switch self {
        case .unreachable, .timeout, .serverError: return true
        case .notFound, .rejected, .malformed: return false
        }
    }

    /// Flink refused a run because a job with the requested id was submitted already (running or ended): Flink 1.x
    /// answers `DuplicateJobSubmissionException`, 2.x `DuplicateApplicationSubmissionException` (400 from 1.20 and
    /// 2.3; matched on any status code, as the wrapping differs between versions).
    public var isDuplicateSubmission: Bool {
        switch self {
        case .rejected(_, let errors), .serverError(_, let errors):
            return errors.contains { error in
                ["DuplicateJobSubmissionException", "DuplicateApplicationSubmissionException", "has already been submitted"]
                    .contains { error.contains($0) }
            }
        default: return false
        }
    }

    /// A CamelCase reason for a Kubernetes condition or Event naming this error, e.g. `FlinkRejected`.
    /// (With `isRetryable` this is what KubeClient's `ClassifiedError` asks for; FlinkClient does not import KubeClient.)
    public var terminalReason: String {
        switch self {
        case .unreachable: return "FlinkUnreachable"
        case .timeout: return "FlinkTimeout"
        case .notFound: return "FlinkNotFound"
        case .rejected: return "FlinkRejected"
        case .serverError: return "FlinkServerError"
        case .malformed: return "FlinkMalformedResponse"
        }
    }

    /// A message naming the problem.
    public var description: String {
        switch self {
        case .unreachable(let message): return "Flink unreachable: \(message)"
        case .timeout(let message): return "Flink timed out: \(message)"
        case .notFound(let message): return "not found in Flink: \(message)"
        case .rejected(let code, let errors): return "Flink rejected the request (\(code)): \(errors.joined(separator: "; "))"
        case .serverError(let code, let errors): return "Flink failed (\(code)): \(errors.joined(separator: "; "))"
        case .malformed(let message): return "unexpected answer from Flink: \(message)"
        }
    }
}
