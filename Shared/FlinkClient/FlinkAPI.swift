import Foundation

/// The JobManager REST calls a supervisor makes (its observation, its actions and its Flink views), so tests can
/// script Flink without a socket. `FlinkRESTClient` is the real one.
///
/// The requirements take every argument; the extension below adds the short forms the supervisor uses.
public protocol FlinkAPI: Sendable {
    /// `/overview`: TaskManagers, slots, job counts.
    func overview() async throws -> ClusterOverview
    /// `/jobs`: every job's id and state.
    func jobs() async throws -> [JobSummary]
    /// `/jobs/overview`: every job with name, state and timing.
    func jobsOverview() async throws -> [JobOverview]
    /// `/jobs/<id>`: one job's details (404 → `FlinkError.notFound`).
    func jobDetails(_ jobId: String) async throws -> JobDetails
    /// `/taskmanagers`.
    func taskManagers() async throws -> [TaskManagerInfo]
    /// Flink's whole `/taskmanagers` answer, for pass-through.
    func taskManagerList() async throws -> Data
    /// `/taskmanagers/<id>` as Flink's JSON.
    func taskManagerDetails(_ taskManagerId: String) async throws -> Data
    /// Values of the JobManager metrics `names`.
    func jobManagerMetrics(names: [String]) async throws -> [String: String]
    /// Values of a job's metrics `names`.
    func jobMetrics(_ jobId: String, names: [String]) async throws -> [String: String]
    /// Values of a TaskManager's metrics `names`.
    func taskManagerMetrics(_ taskManagerId: String, names: [String]) async throws -> [String: String]
    /// The state of a savepoint request.
    func savepointStatus(_ jobId: String, triggerId: String) async throws -> SavepointStatus
    /// Asks for a savepoint of `jobId` under `triggerId` (a repeated trigger id is the same request); returns the id,
    /// which is Flink's own when the version does not take client trigger ids (before 1.15).
    func triggerSavepoint(_ jobId: String, targetDirectory: String, cancelJob: Bool, triggerId: String?) async throws -> String
    /// Stops `jobId` with a savepoint under `triggerId`; returns the trigger id (Flink's own before 1.15).
    func stopWithSavepoint(_ jobId: String, targetDirectory: String, drain: Bool, triggerId: String?) async throws -> String
    /// Cancels `jobId` without a savepoint.
    func cancel(_ jobId: String) async throws
    /// A job's checkpoint counts and latest completed checkpoint (404 → `FlinkError.notFound`: no checkpointing).
    func checkpointStatistics(_ jobId: String) async throws -> CheckpointStatistics
    /// `/jobmanager/config`: the keys set in the JobManager's configuration.
    func jobManagerConfiguration() async throws -> [String: String]
    /// Each vertex's state size (bytes) in checkpoint `checkpointId` of `jobId`.
    func checkpointStateSizes(_ jobId: String, checkpointId: Int64) async throws -> [String: Int64]
    /// The vertices the uploaded JAR `jarId` would run with these arguments (`/jars/<id>/plan`), without running it.
    func jarPlan(jarId: String, entryClass: String?, programArgs: [String], parallelism: Int?) async throws -> [JobGraphVertex]
    /// Asks Flink to dispose the savepoint at `path`; returns the request id.
    func disposeSavepoint(path: String) async throws -> String
    /// The state of a disposal request (404 → `FlinkError.notFound`).
    func savepointDisposalStatus(requestId: String) async throws -> SavepointDisposalStatus
}

extension FlinkRESTClient: FlinkAPI {}

extension FlinkAPI {
    /// A savepoint that leaves the job running.
    public func triggerSavepoint(_ jobId: String, targetDirectory: String, triggerId: String) async throws -> String {
        try await triggerSavepoint(jobId, targetDirectory: targetDirectory, cancelJob: false, triggerId: triggerId)
    }

    /// A stop-with-savepoint without draining.
    public func stopWithSavepoint(_ jobId: String, targetDirectory: String, triggerId: String) async throws -> String {
        try await stopWithSavepoint(jobId, targetDirectory: targetDirectory, drain: false, triggerId: triggerId)
    }
}
