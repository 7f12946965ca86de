import Foundation
import KubeModels
import ToolboxAPI

/// One pass of the job state machine: a mutable copy of the job plus what the pass has decided so far.
///
/// State rules change `status` and `annotations` freely; `finish()` stamps `status.timestamp` only when a status
/// value really changed (or a bootstrap Job was created or deleted), so a pass that changes nothing stores nothing.
struct JobCycle {
    /// A FlinkJob's status.
    typealias Status = Components.Schemas.FlinkJobStatus

    /// What was observed.
    let observation: JobObservation
    /// The status as observed (an empty one when absent).
    let before: Status
    /// The annotations as observed.
    let beforeAnnotations: SupervisorAnnotations
    /// The job being decided (metadata besides annotations, e.g. finalizers).
    var job: FlinkJob
    /// The status being decided.
    var status: Status
    /// The supervisor annotations being decided.
    var annotations: SupervisorAnnotations
    /// Side effects decided so far.
    var actions: [JobAction] = []
    /// Events decided so far.
    var events: [SupervisorEvent] = []
    /// The edge taken, if any.
    var transition: StateTransition?
    /// When to look again (the smallest of the requested delays).
    var recheckAfter: TimeInterval?
    /// A bootstrap Job was created or deleted (bumps the timestamp like a status change).
    var touchedObjects = false

    /// A pass over `observation`; savepointMode and restartPolicy are copied from the spec every pass.
    init(_ observation: JobObservation) {
        self.observation = observation
        job = observation.job
        before = observation.job.status ?? .init()
        status = before
        annotations = SupervisorAnnotations(observation.job.metadata)
        beforeAnnotations = annotations
        status.savepointMode = job.spec.savepoint.savepointMode.rawValue
        status.restartPolicy = job.spec.restart.restartPolicy.rawValue
    }

    /// The current time.
    var now: Date { observation.now }
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

    /// Takes `edge`: the new state is stored and, when it differs, a Normal event names it.
    mutating func move(_ edge: StateTransition) {
        transition = edge
        guard edge.to != edge.from else { return }
        status.supervisorStatus = edge.to
        events.append(.init(reason: edge.to.rawValue, message: "\(edge.from.rawValue) → \(edge.to.rawValue): \(edge.label)"))
    }

    /// Asks to look again after at most `seconds` (ignored when nil).
    mutating func recheck(_ seconds: TimeInterval?) {
        guard let seconds else { return }
        let delay = max(seconds, 1)
        recheckAfter = min(recheckAfter ?? delay, delay)
    }

    /// Adds or removes the supervisor finalizer, touching metadata only when its presence changes.
    mutating func setFinalizer(_ present: Bool) {
        guard job.metadata.hasSupervisorFinalizer != present else { return }
        job.metadata.setSupervisorFinalizer(present)
    }

    /// Records a Warning event.
    mutating func warn(_ reason: String, _ message: String) {
        events.append(.init(reason: reason, message: message, isWarning: true))
    }

    /// The decision: status stamped if it changed, conditions and observedGeneration refreshed, annotations
    /// written back only if they changed.
    func finish(clusterMissing: Bool = false) -> JobDecision {
        var status = self.status
        if Self.values(status) != Self.values(before) || touchedObjects { status.timestamp = now }
        let generation = job.metadata.generation
        status.observedGeneration = generation
        let states = JobConditions.states(
            status, invalidAction: beforeAnnotations.invalidAction, bootstrapFailure: observation.bootstrapFailure,
            clusterMissing: clusterMissing
        )
        status.conditions = Conditions.merge(states, into: before.conditions, generation: generation, now: now)
        var job = self.job
        job.status = status
        if annotations != beforeAnnotations { job.metadata = annotations.applied(to: job.metadata) }
        return JobDecision(job: job, actions: actions, transition: transition, events: events, recheckAfter: recheckAfter)
    }

    /// The status without the fields that do not count as a change (timestamp, conditions, observedGeneration).
    private static func values(_ status: Status) -> Status {
        var status = status
        status.timestamp = nil
        status.conditions = nil
        status.observedGeneration = nil
        return status
    }
}
