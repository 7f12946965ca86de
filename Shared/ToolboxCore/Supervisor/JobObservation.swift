import Foundation
import KubeModels

/// What Flink said about the job's Flink id this cycle.
public enum ObservedJobState: Sendable, Hashable {
    /// Not asked (no job id) or Flink could not be reached.
    case unknown
    /// Flink does not know the id (404).
    case notFound
    /// Flink's state, upper case (RUNNING, FINISHED, FAILED, CANCELED, ...).
    case state(String)
}

/// What Flink said about the pending savepoint request (`status.savepointJobId` / `savepointTriggerId`).
public enum ObservedSavepoint: Sendable, Hashable {
    /// Not asked (no request) or Flink could not be reached.
    case unknown
    /// Flink does not know the trigger id: the request never reached it (or the JobManager restarted).
    /// The same trigger id may be sent again; Flink treats a repeated trigger id as the same request (from 1.15; see
    /// `JobObservation.flinkTakesClientTriggerIds`).
    case notFound
    /// Still being taken.
    case inProgress
    /// Taken; the savepoint is at `location`.
    case completed(location: String)
    /// Flink gave up (a `COMPLETED` answer with a failure cause counts as failed).
    case failed(reason: String)
}

/// What Flink said about the latest disposal request of an expired savepoint (`status.savepointDisposals`). A path
/// without an entry in `JobObservation.disposals` is unknown: never asked, the request was lost (a supervisor or
/// JobManager restart) or Flink could not be reached.
public enum ObservedDisposal: Sendable, Hashable {
    /// Flink is still deleting the data.
    case inProgress
    /// The data is gone: Flink deleted it, or found nothing at the path (disposed already).
    case completed
    /// Flink could not dispose it.
    case failed(reason: String)
}

/// A completed checkpoint Flink reported for the job.
public struct ObservedCheckpoint: Sendable, Hashable {
    /// Where it is; a job restores from it like from a savepoint.
    public var path: String
    /// When it completed (the JobManager's clock).
    public var completedAt: Date

    /// A checkpoint at `path` completed at `completedAt`.
    public init(path: String, completedAt: Date) {
        self.path = path
        self.completedAt = completedAt
    }
}

/// How the running Flink job fares, asked only when a decision needs it: upgradeMode last-state (its latest
/// checkpoint) and an upgrade under the health gate (restarts, completed checkpoints).
public struct ObservedJobHealth: Sendable, Hashable {
    /// Restarts since the job was submitted (Flink's `numRestarts`); nil when Flink did not say.
    public var restarts: Int?
    /// Completed checkpoints of this job; nil when it does not checkpoint.
    public var completedCheckpoints: Int?
    /// The latest completed checkpoint that is not a savepoint.
    public var latestCheckpoint: ObservedCheckpoint?
    /// Completed checkpoints the JobManager keeps (`execution.checkpointing.num-retained`), asked only as a last-state
    /// job starts; nil when not asked or unknown.
    public var retainedCheckpoints: Int?

    /// What Flink said.
    public init(restarts: Int? = nil, completedCheckpoints: Int? = nil, latestCheckpoint: ObservedCheckpoint? = nil, retainedCheckpoints: Int? = nil) {
        self.restarts = restarts
        self.completedCheckpoints = completedCheckpoints
        self.latestCheckpoint = latestCheckpoint
        self.retainedCheckpoints = retainedCheckpoints
    }

    /// Flink's `num-retained` from a JobManager configuration (the 2.x key, else the 1.x one; absent: Flink's default 1).
    public static func retainedCheckpoints(in configuration: [String: String]) -> Int? {
        let value = configuration["execution.checkpointing.num-retained"] ?? configuration["state.checkpoints.num-retained"] ?? "1"
        return Int(value.trimmingCharacters(in: .whitespaces))
    }
}

/// A vertex (operator chain) of a job graph, as the restore-compatibility check compares them.
public struct ObservedVertex: Sendable, Hashable {
    /// The vertex id, stable across versions when the chain's head operator has a `uid`.
    public var id: String
    /// The chain's name, for messages.
    public var name: String
    /// Whether the running job holds state in it (its size in the latest completed checkpoint is above 0; every
    /// vertex counts when the job has no completed checkpoint).
    public var stateful: Bool

    /// A vertex `id` named `name`.
    public init(id: String, name: String, stateful: Bool = true) {
        self.id = id
        self.name = name
        self.stateful = stateful
    }
}

/// What a plan-only bootstrap reported about a changed bootstrap spec.
public struct ObservedUpgradePlan: Sendable, Hashable {
    /// Digest of the bootstrap spec it checked.
    public var bootstrapDigest: String
    /// The new job's vertices, or why Flink made no plan.
    public var result: Result<[ObservedVertex], PlanFailure>

    /// Why Flink made no plan.
    public struct PlanFailure: Error, Sendable, Hashable {
        /// The bootstrap's message.
        public var reason: String
        /// A failure for `reason`.
        public init(_ reason: String) { self.reason = reason }
    }

    /// A report about the spec of digest `bootstrapDigest`.
    public init(bootstrapDigest: String, result: Result<[ObservedVertex], PlanFailure>) {
        self.bootstrapDigest = bootstrapDigest
        self.result = result
    }
}

/// Everything the job state machine may look at in one cycle.
public struct JobObservation: Sendable {
    /// The FlinkJob as stored.
    public var job: FlinkJob
    /// Its FlinkCluster as stored in the same snapshot (`nil` when missing).
    public var cluster: FlinkCluster?
    /// The bootstrap batch Job `bootstrap-<c>-<j>`, if it exists.
    public var bootstrapJob: BatchJob?
    /// How this supervisor builds bootstrap Jobs (report URL, TLS Secret, dry run).
    public var bootstrapSettings: BootstrapSettings
    /// Whether the cluster's JobManager REST API answered this cycle.
    public var clusterReachable: Bool
    /// Flink's state of `status.jobId`.
    public var flinkJobState: ObservedJobState
    /// Flink's state of the pending savepoint request.
    public var savepoint: ObservedSavepoint
    /// The last failure a bootstrap reported for this job, if the latest report was a failure.
    public var bootstrapFailure: String?
    /// A new random trigger id (32 lower-case hex digits), used if this cycle starts a savepoint request.
    public var freshTriggerId: String
    /// The current time.
    public var now: Date
    /// Whether the JobManager keeps requests under the trigger id the supervisor sends (Flink 1.15+). When it does not,
    /// the supervisor adopts the id Flink returns, and a stored id Flink does not know is never sent again: Flink may
    /// hold that request under its own id (the adoption did not reach the status), and a second request would be a
    /// second savepoint.
    public var flinkTakesClientTriggerIds: Bool
    /// Seconds after which an unreachable JobManager makes the job's cluster unhealthy.
    public var taskTimeout: TimeInterval
    /// Seconds between Flink polls while the job runs or a request is pending.
    public var pollingInterval: TimeInterval
    /// No JobManager pod of the cluster exists (or every one is being deleted). Without HA a Flink job does not
    /// outlive its JobManager: nothing can answer for it any more, however long the supervisor waits.
    public var jobManagerGone: Bool
    /// Restarts and checkpoints of the running Flink job (nil when not asked: see `ObservedJobHealth`).
    public var jobHealth: ObservedJobHealth?
    /// The plan-only bootstrap Job `bootstrap-<c>-<j>-plan` of the restore-compatibility check, if it exists.
    public var upgradeCheckJob: BatchJob?
    /// The latest plan a plan-only bootstrap reported for this job, if any.
    public var upgradePlan: ObservedUpgradePlan?
    /// The running Flink job's vertices (nil when not asked: only while a check is pending, see
    /// `JobStateMachine.needsRunningVertices`, or when Flink did not answer).
    public var runningVertices: [ObservedVertex]?
    /// Savepoint path → Flink's answer to its latest disposal request (see `ObservedDisposal`).
    public var disposals: [String: ObservedDisposal]

    /// An observation of `job` at `now`.
    public init(
        job: FlinkJob, cluster: FlinkCluster?, bootstrapSettings: BootstrapSettings, bootstrapJob: BatchJob? = nil, clusterReachable: Bool = false,
        flinkJobState: ObservedJobState = .unknown, savepoint: ObservedSavepoint = .unknown,
        bootstrapFailure: String? = nil, freshTriggerId: String, now: Date, flinkTakesClientTriggerIds: Bool = true,
        taskTimeout: TimeInterval = 300, pollingInterval: TimeInterval = 5, jobManagerGone: Bool = false,
        jobHealth: ObservedJobHealth? = nil, upgradeCheckJob: BatchJob? = nil, upgradePlan: ObservedUpgradePlan? = nil,
        runningVertices: [ObservedVertex]? = nil, disposals: [String: ObservedDisposal] = [:]
    ) {
        self.job = job
        self.cluster = cluster
        self.bootstrapJob = bootstrapJob
        self.bootstrapSettings = bootstrapSettings
        self.clusterReachable = clusterReachable
        self.flinkJobState = flinkJobState
        self.savepoint = savepoint
        self.bootstrapFailure = bootstrapFailure
        self.freshTriggerId = freshTriggerId
        self.now = now
        self.flinkTakesClientTriggerIds = flinkTakesClientTriggerIds
        self.taskTimeout = taskTimeout
        self.pollingInterval = pollingInterval
        self.jobManagerGone = jobManagerGone
        self.jobHealth = jobHealth
        self.upgradeCheckJob = upgradeCheckJob
        self.upgradePlan = upgradePlan
        self.runningVertices = runningVertices
        self.disposals = disposals
    }
}

/// A side effect the job state machine asks the supervisor to carry out, after the decided status is stored.
public enum JobAction: Sendable, Hashable {
    /// Create this bootstrap batch Job, which runs the jar with the decided `status.jobParallelism` and, when
    /// non-empty, `status.savepointPath`.
    case createBootstrapJob(BatchJob)
    /// Delete the bootstrap batch Job with this name.
    case deleteBootstrapJob(name: String)
    /// Take a savepoint of `jobId` into `targetDirectory` under `triggerId`, leaving the job running.
    case triggerSavepoint(jobId: String, triggerId: String, targetDirectory: String)
    /// Stop `jobId` with a savepoint into `targetDirectory` under `triggerId`.
    case stopWithSavepoint(jobId: String, triggerId: String, targetDirectory: String)
    /// Cancel `jobId` without a savepoint.
    case cancelFlinkJob(jobId: String)
    /// Ask Flink to dispose the expired savepoint at `path` (its attempt is already stored in
    /// `status.savepointDisposals`).
    case disposeSavepoint(path: String)
}

/// What the job state machine decided: the job as it should be stored (annotations, finalizers, status), the
/// side effects, and when to look again.
public struct JobDecision: Sendable {
    /// The job to store; written before any action runs, and only where it differs from the observed object.
    public var job: FlinkJob
    /// Side effects to run after the write, in order.
    public var actions: [JobAction]
    /// The edge taken this cycle, if the state changed.
    public var transition: StateTransition?
    /// Events to record.
    public var events: [SupervisorEvent]
    /// Look again after this many seconds even if nothing changes; `nil` waits for events.
    public var recheckAfter: TimeInterval?

    /// A decision that stores `job` and does nothing else yet.
    public init(
        job: FlinkJob, actions: [JobAction] = [], transition: StateTransition? = nil,
        events: [SupervisorEvent] = [], recheckAfter: TimeInterval? = nil
    ) {
        self.job = job
        self.actions = actions
        self.transition = transition
        self.events = events
        self.recheckAfter = recheckAfter
    }
}
