import FlinkClient
import Foundation
import KubeClient
import ToolboxCore

extension SupervisorController {
    /// One round of Flink calls: overview, jobs (with their task counts) and TaskManagers; `nil` when the JobManager does not answer
    /// (or no JobManager pod exists, so there is nothing to ask).
    func observeFlink() async -> ObservedFlinkCluster? {
        let hasJobManager = cache.pods.list().contains { $0.metadata.labels?["role"] == "jobmanager" && !$0.metadata.isDeleting }
        guard hasJobManager, cache.service != nil else { return nil }
        do {
            let overview = try await timed("overview") { try await flink.overview() }
            let jobs = try await timed("jobs-overview") { try await flink.jobsOverview() }
            let taskManagers = try await timed("taskmanagers") { try await flink.taskManagers() }
            return ObservedFlinkCluster(
                slotsTotal: overview.slotsTotal,
                jobs: Dictionary(jobs.map { ($0.id, $0.state.uppercased()) }, uniquingKeysWith: { first, _ in first }),
                taskManagers: taskManagers.map { ObservedTaskManager(id: $0.id, host: $0.host, slots: $0.slotsNumber, freeSlots: $0.freeSlots) },
                placingJobIds: Set(jobs.filter { ObservedFlinkCluster.isPlacing(state: $0.state, tasks: $0.tasks ?? [:]) }.map(\.id)),
                flinkVersion: overview.flinkVersion
            )
        } catch {
            logger.debug("JobManager of \(cache.clusterName) not answering: \(error)")
            return nil
        }
    }

    /// Flink's state of the job's `status.jobId`, from the round of calls already made. An id missing from that
    /// round may belong to a job submitted since (the bootstrap reports while the pass runs): only Flink's own 404
    /// for that id says the job is gone — concluding it from a stale list would skip the savepoint at the next stop.
    func jobState(of job: FlinkJob, in view: ObservedFlinkCluster?) async -> ObservedJobState {
        guard let jobId = job.status?.jobId, !jobId.isEmpty, let view else { return .unknown }
        if let state = view.jobs[jobId] { return .state(state) }
        do {
            let details = try await timed("job") { try await flink.jobDetails(jobId) }
            return .state(details.state.uppercased())
        } catch FlinkError.notFound {
            return .notFound
        } catch {
            return .unknown
        }
    }

    /// Flink's state of the job's pending savepoint request, asked only when one is pending.
    func savepoint(of job: FlinkJob, reachable: Bool) async -> ObservedSavepoint {
        guard reachable, let triggerId = job.status?.savepointTriggerId, !triggerId.isEmpty,
            let jobId = job.status?.savepointJobId, !jobId.isEmpty
        else { return .unknown }
        do {
            switch try await timed("savepoint-status") { try await flink.savepointStatus(jobId, triggerId: triggerId) } {
            case .inProgress: return .inProgress
            case .completed(let location): return .completed(location: location)
            case .failed(let cause): return .failed(reason: cause)
            }
        } catch FlinkError.notFound {
            return .notFound
        } catch {
            logger.debug("savepoint \(triggerId) of \(jobId): \(error)")
            return .unknown
        }
    }

    /// What `/jobs/<id>/checkpoints` answered for a job, asked at most once per pass and only when the decision looks
    /// at it: the statistics, `nil` statistics for a job that does not checkpoint (404), or `failed`.
    enum CheckpointLookup {
        case statistics(CheckpointStatistics?)
        case failed
    }

    /// The job's checkpoint statistics when the health gate, last-state or a restore-compatibility check needs them.
    func checkpoints(of job: FlinkJob, reachable: Bool) async -> CheckpointLookup? {
        guard reachable, JobStateMachine.needsJobHealth(job) || JobStateMachine.needsRunningVertices(job),
            let jobId = job.status?.jobId, !jobId.isEmpty
        else { return nil }
        do {
            return .statistics(try await timed("checkpoints") { try await flink.checkpointStatistics(jobId) })
        } catch FlinkError.notFound {
            return .statistics(nil)
        } catch {
            logger.debug("checkpoints of \(jobId): \(error)")
            return .failed
        }
    }

    /// Restarts and checkpoints of the job's running Flink job, asked only when the decision looks at them (see
    /// `JobStateMachine.needsJobHealth`); a call that fails leaves its part unknown.
    func jobHealth(of job: FlinkJob, checkpoints: CheckpointLookup?) async -> ObservedJobHealth? {
        guard JobStateMachine.needsJobHealth(job), let jobId = job.status?.jobId, case .statistics(let statistics) = checkpoints else {
            return nil
        }
        var health = ObservedJobHealth()
        if let metrics = try? await timed("job-metrics", { try await flink.jobMetrics(jobId, names: ["numRestarts"]) }) {
            health.restarts = metrics["numRestarts"].flatMap { Double($0) }.map { Int($0) }
        }
        // A job that does not checkpoint (no statistics) leaves completedCheckpoints nil.
        if let statistics {
            health.completedCheckpoints = statistics.completed
            if let latest = statistics.latest, !latest.isSavepoint {
                health.latestCheckpoint = ObservedCheckpoint(path: latest.path, completedAt: latest.completedAt)
            }
        }
        if job.status?.supervisorStatus == .starting, job.spec.savepoint.upgradeMode == .lastState,
            let configuration = try? await timed("jobmanager-config", { try await flink.jobManagerConfiguration() })
        {
            health.retainedCheckpoints = ObservedJobHealth.retainedCheckpoints(in: configuration)
        }
        return health
    }

    /// The running Flink job's vertices and which hold state (size above 0 in the latest completed checkpoint; all,
    /// when there is none), asked only while a restore-compatibility check waits; nil when Flink does not answer.
    func runningVertices(of job: FlinkJob, checkpoints: CheckpointLookup?) async -> [ObservedVertex]? {
        guard JobStateMachine.needsRunningVertices(job), let jobId = job.status?.jobId, case .statistics(let statistics) = checkpoints else {
            return nil
        }
        guard let details = try? await timed("job", { try await flink.jobDetails(jobId) }) else { return nil }
        var sizes: [String: Int64]?
        // No checkpoint (or no checkpointing): every vertex counts as holding state.
        if let checkpoint = statistics?.latestId {
            do {
                sizes = try await timed("checkpoint-details") { try await flink.checkpointStateSizes(jobId, checkpointId: checkpoint) }
            } catch FlinkError.notFound {
                // The checkpoint's details are gone (subsumed): every vertex counts as holding state.
            } catch {
                logger.debug("checkpoint details of \(jobId): \(error)")
                return nil
            }
        }
        return details.vertices.map { vertex in
            ObservedVertex(id: vertex.id, name: vertex.name, stateful: sizes.map { ($0[vertex.id] ?? 0) > 0 } ?? true)
        }
    }

    /// Runs a Flink call and records its latency by operation and outcome.
    func timed<T: Sendable>(_ operation: String, _ call: () async throws -> T) async throws -> T {
        let started = ContinuousClock.now
        do {
            let value = try await call()
            metrics.flinkRequest(operation: operation, outcome: "success", duration: .now - started)
            return value
        } catch {
            metrics.flinkRequest(operation: operation, outcome: "error", duration: .now - started)
            throw error
        }
    }
}
