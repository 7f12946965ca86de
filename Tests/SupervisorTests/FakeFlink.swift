import FlinkClient
import Foundation
import Synchronization

/// A scripted JobManager: a job table and savepoint requests the test sets; every command (savepoint, stop, cancel)
/// is journaled in the same journal as the Kubernetes writes. `down` makes every call fail as unreachable.
final class FakeFlink: FlinkAPI {
    struct State {
        var down = false
        /// Flink job id → state (RUNNING, FINISHED, ...).
        var jobs: [String: String] = [:]
        /// Trigger id → answer of the savepoint status call (a trigger never received answers 404).
        var savepoints: [String: SavepointStatus] = [:]
        /// What a received stop-with-savepoint does: the job's state afterwards and the savepoint's answer.
        var stopCompletes = true
        /// `/overview`'s flink-version (none when nil).
        var flinkVersion: String?
        /// Whether requests keep the caller's trigger id (1.15+); if not, Flink chooses `flink-chosen-<n>`, as the
        /// REST client returns after its fallback on an older Flink.
        var clientTriggerIds = true
        /// Trigger ids Flink chose so far.
        var chosen = 0
        /// Flink job id → checkpoint statistics (a job without an entry does not checkpoint: 404).
        var checkpoints: [String: CheckpointStatistics] = [:]
        /// How many times `/jobs/<id>/checkpoints` was asked.
        var checkpointCalls = 0
        /// The JobManager configuration `/jobmanager/config` answers (keys set explicitly).
        var configuration: [String: String] = [:]
        /// Flink job id → its vertices (`jobDetails` answers 404 for a job without an entry).
        var vertices: [String: [JobDetails.Vertex]] = [:]
        /// Vertex id → state size in every checkpoint's details.
        var stateSizes: [String: Int64] = [:]
        /// Savepoint path → what a disposal of it answers (completed when absent).
        var disposalAnswers: [String: SavepointDisposalStatus] = [:]
        /// Disposal request id → its answer (an id never received answers 404).
        var disposals: [String: SavepointDisposalStatus] = [:]
        /// Savepoint requests (not stop-with-savepoint) fail as Flink refusing them.
        var rejectSavepoints = false
    }

    let journal: Journal
    let state = Mutex(State())

    init(journal: Journal) { self.journal = journal }

    private func answer() throws {
        if state.withLock({ $0.down }) { throw FlinkError.unreachable("connection refused") }
    }

    private static func decode<T: Decodable>(_ json: String) throws -> T { try JSONDecoder().decode(T.self, from: Data(json.utf8)) }

    func overview() async throws -> ClusterOverview {
        try answer()
        let version = state.withLock { $0.flinkVersion }.map { #","flink-version":"\#($0)""# } ?? ""
        return try Self.decode(
            #"{"taskmanagers":1,"slots-total":1,"slots-available":1,"jobs-running":0,"jobs-finished":0,"jobs-cancelled":0,"jobs-failed":0\#(version)}"#)
    }

    func jobs() async throws -> [JobSummary] {
        try answer()
        let jobs = state.withLock { $0.jobs }.sorted { $0.key < $1.key }
        return try jobs.map { try Self.decode(#"{"id":"\#($0.key)","status":"\#($0.value)"}"#) }
    }

    /// The job table with one task per job, running while the job runs.
    func jobsOverview() async throws -> [JobOverview] {
        try answer()
        let jobs = state.withLock { $0.jobs }.sorted { $0.key < $1.key }
        return try jobs.map { id, state in
            let running = state == "RUNNING" ? 1 : 0
            return try Self.decode(#"{"jid":"\#(id)","name":"\#(id)","state":"\#(state)","tasks":{"running":\#(running),"total":1}}"#)
        }
    }

    func jobDetails(_ jobId: String) async throws -> JobDetails {
        try answer()
        // Every known job is in `jobsOverview()`, which the supervisor asks first; details only for scripted vertices.
        guard let vertices = state.withLock({ $0.vertices[jobId] }), let job = state.withLock({ $0.jobs[jobId] }) else {
            throw FlinkError.notFound("job \(jobId)")
        }
        return JobDetails(id: jobId, name: jobId, state: job, vertices: vertices)
    }

    func checkpointStateSizes(_ jobId: String, checkpointId: Int64) async throws -> [String: Int64] {
        try answer()
        return state.withLock { $0.stateSizes }
    }

    func jarPlan(jarId: String, entryClass: String?, programArgs: [String], parallelism: Int?) async throws -> [JobGraphVertex] {
        try answer()
        throw FlinkError.notFound("jar \(jarId)")  // the supervisor never plans; plan-only bootstraps do
    }

    func taskManagers() async throws -> [TaskManagerInfo] { try answer(); return [] }
    func taskManagerList() async throws -> Data { try answer(); return Data(#"{"taskmanagers":[]}"#.utf8) }
    func taskManagerDetails(_ taskManagerId: String) async throws -> Data { try answer(); return Data("{}".utf8) }
    func jobManagerMetrics(names: [String]) async throws -> [String: String] { try answer(); return [:] }
    func jobMetrics(_ jobId: String, names: [String]) async throws -> [String: String] { try answer(); return [:] }
    func taskManagerMetrics(_ taskManagerId: String, names: [String]) async throws -> [String: String] { try answer(); return [:] }

    func savepointStatus(_ jobId: String, triggerId: String) async throws -> SavepointStatus {
        try answer()
        guard let status = state.withLock({ $0.savepoints[triggerId] }) else { throw FlinkError.notFound("trigger \(triggerId)") }
        return status
    }

    /// The id a request gets: the caller's, or one Flink chooses.
    private func trigger(for triggerId: String?) -> String {
        state.withLock { state in
            if state.clientTriggerIds, let triggerId { return triggerId }
            state.chosen += 1
            return "flink-chosen-\(state.chosen)"
        }
    }

    func triggerSavepoint(_ jobId: String, targetDirectory: String, cancelJob: Bool, triggerId: String?) async throws -> String {
        try answer()
        if state.withLock({ $0.rejectSavepoints }) { throw FlinkError.serverError(code: 500, errors: ["savepoint refused"]) }
        let trigger = trigger(for: triggerId)
        journal.append("flink savepoint \(jobId) \(trigger)")  // the id Flink keeps the request under
        state.withLock { $0.savepoints[trigger] = .inProgress }
        return trigger
    }

    func stopWithSavepoint(_ jobId: String, targetDirectory: String, drain: Bool, triggerId: String?) async throws -> String {
        try answer()
        let trigger = trigger(for: triggerId)
        journal.append("flink stop \(jobId) \(trigger)")
        state.withLock { state in
            guard state.stopCompletes else { return state.savepoints[trigger] = .inProgress }
            state.savepoints[trigger] = .completed(location: "\(targetDirectory)/savepoint-\(trigger.prefix(6))")
            state.jobs[jobId] = "FINISHED"
        }
        return trigger
    }

    func cancel(_ jobId: String) async throws {
        try answer()
        journal.append("flink cancel \(jobId)")
        state.withLock { $0.jobs[jobId] = "CANCELED" }
    }

    func disposeSavepoint(path: String) async throws -> String {
        try answer()
        journal.append("flink dispose \(path)")
        return state.withLock { state in
            let id = "disposal-\(state.disposals.count + 1)"
            state.disposals[id] = state.disposalAnswers[path] ?? .completed
            return id
        }
    }

    func savepointDisposalStatus(requestId: String) async throws -> SavepointDisposalStatus {
        try answer()
        guard let status = state.withLock({ $0.disposals[requestId] }) else { throw FlinkError.notFound("disposal \(requestId)") }
        return status
    }

    func checkpointStatistics(_ jobId: String) async throws -> CheckpointStatistics {
        try answer()
        guard
            let statistics = state.withLock({
                $0.checkpointCalls += 1; return $0.checkpoints[jobId]
            })
        else { throw FlinkError.notFound("checkpoints of \(jobId)") }
        return statistics
    }

    func jobManagerConfiguration() async throws -> [String: String] {
        try answer()
        return state.withLock { $0.configuration }
    }
}
