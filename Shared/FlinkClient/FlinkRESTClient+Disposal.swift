import Foundation

/// Where a savepoint disposal request stands (`/savepoint-disposal/<id>`).
public enum SavepointDisposalStatus: Sendable, Hashable {
    /// Flink is still deleting the data.
    case inProgress
    /// The savepoint's data and metadata are deleted.
    case completed
    /// Flink found no savepoint at the path (a `FileNotFoundException`): it was disposed already, or never there.
    case notFound(cause: String)
    /// Flink could not dispose it (a `COMPLETED` answer with another failure cause).
    case failed(cause: String)
}

extension FlinkRESTClient {
    /// Asks Flink to dispose the savepoint at `path` (`POST /savepoint-disposal`): Flink deletes its data through its
    /// own file systems (so S3 and HDFS work through its plugins). Returns the request id to follow with
    /// `savepointDisposalStatus`.
    public func disposeSavepoint(path: String) async throws -> String {
        struct Body: Encodable {
            var savepointPath: String
            enum CodingKeys: String, CodingKey { case savepointPath = "savepoint-path" }
        }
        struct Trigger: Decodable {
            var requestId: String
            enum CodingKeys: String, CodingKey { case requestId = "request-id" }
        }
        return try await json(.POST, "/savepoint-disposal", body: Body(savepointPath: path), as: Trigger.self).requestId
    }

    /// The state of a disposal request (404 → `FlinkError.notFound`: Flink does not know the id, e.g. after a restart).
    public func savepointDisposalStatus(requestId: String) async throws -> SavepointDisposalStatus {
        try Self.savepointDisposalStatus(from: try await send(.GET, "/savepoint-disposal/\(requestId)"))
    }

    /// Interprets a disposal status answer. A `COMPLETED` answer with a failure cause is a failure, or `.notFound`
    /// when the cause is a missing file: Flink 2.3.0 answers so for a path that does not exist and for a directory
    /// without `_metadata` (which it leaves untouched), measured. The reason is the innermost cause.
    static func savepointDisposalStatus(from data: Data) throws -> SavepointDisposalStatus {
        struct Cause: Decodable {
            var `class`: String?
            var stackTrace: String?
            enum CodingKeys: String, CodingKey { case `class`, stackTrace = "stack-trace" }
        }
        struct Operation: Decodable {
            var failureCause: Cause?
            enum CodingKeys: String, CodingKey { case failureCause = "failure-cause" }
        }
        struct State: Decodable { var id: String }
        struct Answer: Decodable {
            var status: State
            var operation: Operation?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: data) else {
            throw FlinkError.malformed("savepoint disposal status: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        switch answer.status.id {
        case "IN_PROGRESS":
            return .inProgress
        case "COMPLETED":
            guard let cause = answer.operation?.failureCause else { return .completed }
            let trace = cause.stackTrace ?? ""
            let lines = trace.split(separator: "\n").map(String.init)
            let innermost = lines.last { $0.hasPrefix("Caused by: ") }.map { String($0.dropFirst("Caused by: ".count)) }
            let summary = innermost ?? lines.first ?? cause.class ?? "unknown failure"
            return trace.contains("FileNotFoundException") ? .notFound(cause: summary) : .failed(cause: summary)
        default:
            throw FlinkError.malformed("unknown savepoint disposal status \(answer.status.id)")
        }
    }
}
