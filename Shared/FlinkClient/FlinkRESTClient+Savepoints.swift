import Foundation

extension FlinkRESTClient {
    private struct Trigger: Decodable {
        var requestId: String
        enum CodingKeys: String, CodingKey { case requestId = "request-id" }
    }

    /// Triggers a savepoint into `targetDirectory` (and cancels the job when `cancelJob`); returns the trigger id.
    /// With a caller-chosen `triggerId` the request is idempotent: Flink treats a repeated id as the same request.
    /// Flink before 1.15 rejects the field (400): the request is then sent once more without it, and the id
    /// returned is the one Flink chose (the caller adopts it).
    public func triggerSavepoint(_ jobId: String, targetDirectory: String, cancelJob: Bool = false, triggerId: String? = nil) async throws -> String {
        struct Body: Encodable {
            var targetDirectory: String
            var cancelJob: Bool
            var triggerId: String?
            enum CodingKeys: String, CodingKey { case targetDirectory = "target-directory", cancelJob = "cancel-job", triggerId }
        }
        return try await withTriggerIdFallback(triggerId) { id in
            let body = Body(targetDirectory: targetDirectory, cancelJob: cancelJob, triggerId: id)
            return try await json(.POST, "/jobs/\(jobId)/savepoints", body: body, as: Trigger.self).requestId
        }
    }

    /// Stops the job with a savepoint (`/jobs/{id}/stop`); poll `savepointStatus` with the returned trigger id.
    /// With a caller-chosen `triggerId` the request is idempotent; before Flink 1.15 the id is Flink's, as above.
    public func stopWithSavepoint(_ jobId: String, targetDirectory: String, drain: Bool = false, triggerId: String? = nil) async throws -> String {
        struct Body: Encodable {
            var targetDirectory: String
            var drain: Bool
            var triggerId: String?
        }
        return try await withTriggerIdFallback(triggerId) { id in
            let body = Body(targetDirectory: targetDirectory, drain: drain, triggerId: id)
            return try await json(.POST, "/jobs/\(jobId)/stop", body: body, as: Trigger.self).requestId
        }
    }

    /// Sends with `triggerId`; when Flink rejects the body as not of the expected format (a version without the field
    /// does not accept unknown fields), sends without it. The rejected request started nothing.
    private func withTriggerIdFallback(_ triggerId: String?, _ call: (String?) async throws -> String) async throws -> String {
        do {
            return try await call(triggerId)
        } catch FlinkError.rejected(400, let errors) where triggerId != nil && errors.contains(where: { $0.contains("did not match expected format") }) {
            return try await call(nil)
        }
    }

    /// The state of a savepoint request. A `COMPLETED` answer with a failure cause, or without a location, is `.failed`.
    public func savepointStatus(_ jobId: String, triggerId: String) async throws -> SavepointStatus {
        let data = try await send(.GET, "/jobs/\(jobId)/savepoints/\(triggerId)")
        return try Self.savepointStatus(from: data)
    }

    /// Interprets a savepoint status answer.
    static func savepointStatus(from data: Data) throws -> SavepointStatus {
        struct Cause: Decodable {
            var `class`: String?
            var stackTrace: String?
            enum CodingKeys: String, CodingKey { case `class`, stackTrace = "stack-trace" }
        }
        struct Operation: Decodable {
            var location: String?
            var failureCause: Cause?
            enum CodingKeys: String, CodingKey { case location, failureCause = "failure-cause" }
        }
        struct State: Decodable { var id: String }
        struct Answer: Decodable {
            var status: State
            var operation: Operation?
        }
        guard let answer = try? JSONDecoder().decode(Answer.self, from: data) else {
            throw FlinkError.malformed("savepoint status: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        switch answer.status.id {
        case "IN_PROGRESS":
            return .inProgress
        case "COMPLETED":
            if let cause = answer.operation?.failureCause {
                let firstLine = cause.stackTrace?.split(separator: "\n").first.map(String.init)
                return .failed(cause: firstLine ?? cause.class ?? "unknown failure")
            }
            guard let location = answer.operation?.location, !location.isEmpty else { return .failed(cause: "no savepoint location") }
            return .completed(location: location)
        default:
            throw FlinkError.malformed("unknown savepoint status \(answer.status.id)")
        }
    }
}
