import Foundation
import KubeModels
import ToolboxAPI

/// What the job state machine plugs into `DecisionCycle`.
enum JobMachine: CycleKind {
    typealias Kind = FlinkJobKind
    typealias Observation = JobObservation
    typealias Action = JobAction

    static func resource(of observation: JobObservation) -> FlinkJob { observation.job }
    static func now(of observation: JobObservation) -> Date { observation.now }
    static func message(for edge: StateTransition, name: String) -> String {
        "\(edge.from.rawValue) → \(edge.to.rawValue): \(edge.label)"
    }
    /// A job looks again as the new state's rules ask.
    static func recheckAfterMove(_ observation: JobObservation) -> TimeInterval? { nil }
    static var shortestRecheck: TimeInterval { 1 }
    /// savepointMode and restartPolicy are copied from the spec every pass.
    static func prepare(_ status: inout FlinkJobKind.Status, of job: FlinkJob) {
        status.savepointMode = job.spec.savepoint.savepointMode.rawValue
        status.restartPolicy = job.spec.restart.restartPolicy.rawValue
    }
}

/// One pass of the job state machine (`DecisionCycle`): the job being decided, its status and annotations, and what
/// the pass has decided so far.
typealias JobCycle = DecisionCycle<JobMachine>

extension DecisionCycle where Machine == JobMachine {
    /// The job being decided (metadata besides annotations, e.g. finalizers; the status is decided in `status`).
    var job: FlinkJob {
        get { resource }
        set { resource = newValue }
    }
    /// The job's state at the start of the pass (blank counts as Unknown).
    var state: LifecycleState { before.supervisorStatus ?? .unknown }
    /// The cluster's state (blank counts as Unknown).
    var clusterState: LifecycleState { observation.cluster?.status?.supervisorStatus ?? .unknown }
    /// Seconds since the observed `status.timestamp` (0 when never stamped).
    var elapsed: TimeInterval { before.timestamp.map { now.timeIntervalSince($0) } ?? 0 }
    /// The Flink job id in status ("" when none).
    var flinkJobId: String { status.jobId ?? "" }
    /// without-savepoint on the job or on its cluster.
    var withoutSavepoint: Bool {
        annotations.withoutSavepoint || (observation.cluster.map { SupervisorAnnotations($0.metadata).withoutSavepoint } ?? false)
    }
    /// The declared parallelism, clamped to min/maxJobParallelism (defaults 0/32).
    var desiredParallelism: Int32 { clamp(job.spec.jobParallelism ?? 0) }

    /// `value` clamped to the spec's parallelism bounds (section 8, `Rescale.clampParallelism`).
    func clamp(_ value: Int32) -> Int32 {
        Int32(Rescale.clampParallelism(Int(value), spec: job.spec))
    }

    /// Adds or removes the supervisor finalizer, touching metadata only when its presence changes.
    mutating func setFinalizer(_ present: Bool) {
        guard job.metadata.hasSupervisorFinalizer != present else { return }
        job.metadata.setSupervisorFinalizer(present)
    }

    /// The decision: the job as `finish` stores it (conditions as `JobConditions` computes them), plus everything
    /// collected.
    func decision(clusterMissing: Bool = false) -> JobDecision {
        let job = finish { status in
            JobConditions.states(
                status, invalidAction: beforeAnnotations.invalidAction, bootstrapFailure: observation.bootstrapFailure,
                clusterMissing: clusterMissing
            )
        }
        return JobDecision(job: job, actions: actions, transition: transition, events: events, recheckAfter: recheckAfter)
    }
}
