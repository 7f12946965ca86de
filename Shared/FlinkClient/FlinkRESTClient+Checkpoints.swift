import Foundation

/// A job's checkpoint statistics (`/jobs/<id>/checkpoints`): what the upgrade health gate and `last-state` restarts
/// look at.
public struct CheckpointStatistics: Sendable, Hashable {
    /// Completed checkpoints (and savepoints) of this job since it started.
    public var completed: Int
    /// The latest completed checkpoint, if any.
    public var latest: CompletedCheckpoint?
    /// Id of the latest completed checkpoint or savepoint, even one without an external path.
    public var latestId: Int64?

    /// Statistics with `completed` checkpoints, the latest being `latest`.
    public init(completed: Int, latest: CompletedCheckpoint? = nil, latestId: Int64? = nil) {
        self.completed = completed
        self.latest = latest
        self.latestId = latestId ?? latest?.id
    }
}

/// A completed checkpoint of a job.
public struct CompletedCheckpoint: Sendable, Hashable {
    /// Flink's checkpoint id (increasing within a job).
    public var id: Int64
    /// Where its data and metadata are (a job can be restored from it, like from a savepoint).
    public var path: String
    /// When the last subtask acknowledged it (the JobManager's clock).
    public var completedAt: Date
    /// Whether it is a savepoint.
    public var isSavepoint: Bool

    /// A checkpoint `id` at `path`, completed at `completedAt`.
    public init(id: Int64, path: String, completedAt: Date, isSavepoint: Bool = false) {
        self.id = id
        self.path = path
        self.completedAt = completedAt
        self.isSavepoint = isSavepoint
    }
}

extension FlinkRESTClient {
    /// `/jobs/<id>/checkpoints`: counts and the latest completed checkpoint. A job that does not checkpoint (or an
    /// unknown job) answers 404, thrown as `FlinkError.notFound`.
    public func checkpointStatistics(_ jobId: String) async throws -> CheckpointStatistics {
        try Self.checkpointStatistics(from: try await send(.GET, "/jobs/\(jobId)/checkpoints"))
    }

    /// Interprets a `/jobs/<id>/checkpoints` answer.
    static func checkpointStatistics(from data: Data) throws -> CheckpointStatistics {
        struct Answer: Decodable {
            struct Counts: Decodable { var completed: Int }
            struct Latest: Decodable { var completed: Completed? }
            struct Completed: Decodable {
                var id: Int64
                var externalPath: String?
                var latestAckTimestamp: Int64?
                var isSavepoint: Bool?
                var discarded: Bool?
                enum CodingKeys: String, CodingKey {
                    case id, discarded
                    case externalPath = "external_path"
                    case latestAckTimestamp = "latest_ack_timestamp"
                    case isSavepoint = "is_savepoint"
                }
            }
            var counts: Counts
            var latest: Latest?
        }
        let answer = try JSONDecoder().decode(Answer.self, from: data)
        let latest = answer.latest?.completed.flatMap { completed -> CompletedCheckpoint? in
            guard let path = completed.externalPath, !path.isEmpty, completed.discarded != true else { return nil }
            let millis = Double(completed.latestAckTimestamp ?? 0)
            return CompletedCheckpoint(
                id: completed.id, path: path, completedAt: Date(timeIntervalSince1970: millis / 1000), isSavepoint: completed.isSavepoint ?? false
            )
        }
        return CheckpointStatistics(completed: answer.counts.completed, latest: latest, latestId: answer.latest?.completed?.id)
    }
}
