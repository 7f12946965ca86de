import Foundation

extension FlinkRESTClient {
    /// `/overview`: reachable means the JobManager is up.
    public func overview() async throws -> ClusterOverview {
        try await get("/overview", as: ClusterOverview.self)
    }

    /// The Flink version (`/config`).
    public func flinkVersion() async throws -> String {
        struct Config: Decodable {
            var flinkVersion: String
            enum CodingKeys: String, CodingKey { case flinkVersion = "flink-version" }
        }
        return try await get("/config", as: Config.self).flinkVersion
    }

    /// Every job with its state (`/jobs`).
    public func jobs() async throws -> [JobSummary] {
        struct Jobs: Decodable { var jobs: [JobSummary] }
        return try await get("/jobs", as: Jobs.self).jobs
    }

    /// Every job with its name, state, times and task counts (`/jobs/overview`).
    public func jobsOverview() async throws -> [JobOverview] {
        struct Answer: Decodable { var jobs: [JobOverview] }
        return try await get("/jobs/overview", as: Answer.self).jobs
    }

    /// Details of one job (`/jobs/{id}`); `.notFound` for an unknown job.
    public func jobDetails(_ jobId: String) async throws -> JobDetails {
        struct Details: Decodable {
            var jid: String
            var name: String
            var state: String
            var startTime: Int64?
            var duration: Int64?
            var vertices: [JobDetails.Vertex]
            enum CodingKeys: String, CodingKey { case jid, name, state, startTime = "start-time", duration, vertices }
        }
        let data = try await send(.GET, "/jobs/\(jobId)")
        let details = try decode(Details.self, data, "GET /jobs/\(jobId)")
        return JobDetails(
            id: details.jid, name: details.name, state: details.state, startTime: details.startTime, duration: details.duration,
            vertices: details.vertices, raw: data
        )
    }

    /// Cancels a job (`PATCH /jobs/{id}?mode=cancel`); cancelling a terminal job succeeds, an unknown one is `.notFound`.
    public func cancel(_ jobId: String) async throws {
        _ = try await send(.PATCH, "/jobs/\(jobId)", query: [("mode", "cancel")])
    }

    /// The exceptions a job raised, newest first, from either version's answer shape.
    public func exceptions(_ jobId: String) async throws -> [JobException] {
        struct Entry: Decodable {
            var exceptionName: String?
            var stacktrace: String?
            var timestamp: Int64?
            var taskName: String?
        }
        struct History: Decodable { var entries: [Entry] }
        struct Answer: Decodable {
            var exceptionHistory: History?
            var rootException: String?
            var timestamp: Int64?
            enum CodingKeys: String, CodingKey { case exceptionHistory, rootException = "root-exception", timestamp }
        }
        let answer = try await get("/jobs/\(jobId)/exceptions", as: Answer.self)
        let entries = (answer.exceptionHistory?.entries ?? []).map {
            JobException(name: $0.exceptionName ?? "", stackTrace: $0.stacktrace ?? "", timestamp: $0.timestamp, taskName: $0.taskName)
        }
        if entries.isEmpty, let root = answer.rootException {
            let name = root.split(separator: "\n").first.map(String.init) ?? root
            return [JobException(name: name, stackTrace: root, timestamp: answer.timestamp, taskName: nil)]
        }
        return entries
    }

    /// Checkpoint counts and latest locations (`/jobs/{id}/checkpoints`).
    public func checkpoints(_ jobId: String) async throws -> CheckpointSummary {
        struct Counts: Decodable { var restored, total, in_progress, completed, failed: Int }
        struct Entry: Decodable { var external_path: String? }
        struct Latest: Decodable { var completed, savepoint, restored: Entry? }
        struct Answer: Decodable {
            var counts: Counts
            var latest: Latest?
        }
        let answer = try await get("/jobs/\(jobId)/checkpoints", as: Answer.self)
        return CheckpointSummary(
            completed: answer.counts.completed, failed: answer.counts.failed, inProgress: answer.counts.in_progress,
            restored: answer.counts.restored, latestCompletedPath: answer.latest?.completed?.external_path,
            latestSavepointPath: answer.latest?.savepoint?.external_path, restoredFromPath: answer.latest?.restored?.external_path
        )
    }
}
