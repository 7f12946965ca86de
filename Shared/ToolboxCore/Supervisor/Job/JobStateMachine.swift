import Foundation
import KubeModels

/// The FlinkJob state machine of the supervisor (section 6.2): a pure function from one observation to the job as
/// it should be stored, the side effects to run after storing it, and when to look again.
///
/// At rest (nothing to change) the decided job equals the observed one and there are no actions, so the supervisor
/// writes nothing. Status is the write-ahead log: every request (savepoint trigger, cancel) is recorded in the same
/// decision that asks for it.
public enum JobStateMachine {
    /// The rules of every state, in diagram order. (Computed: an array of metatypes is not Sendable, so a
    /// stored global would not be concurrency-safe.)
    public static var rules: [any StateRules.Type] {
        [JobUnknown.self, JobStarting.self, JobStarted.self, JobStopping.self, JobStopped.self, JobTerminated.self]
    }

    /// Every edge of the job diagram.
    public static var transitions: [StateTransition] { rules.flatMap { $0.transitions } }

    /// Decides one cycle for `observation`. Without a cluster the job is Unknown (resource Updated) and nothing runs.
    public static func decide(_ observation: JobObservation) -> JobDecision {
        var cycle = JobCycle(observation)
        guard observation.cluster != nil else {
            cycle.status.supervisorStatus = .unknown
            cycle.status.resourceStatus = .updated
            return cycle.decision(clusterMissing: true)
        }
        cycle.status.clusterUid = observation.cluster?.metadata.uid ?? cycle.status.clusterUid
        switch cycle.state {
        case .unknown: JobUnknown.decide(&cycle)
        case .starting: JobStarting.decide(&cycle)
        case .started: JobStarted.decide(&cycle)
        case .stopping: JobStopping.decide(&cycle)
        case .stopped: JobStopped.decide(&cycle)
        case .terminated: JobTerminated.decide(&cycle)
        }
        cycle.resetWithoutSavepointWhenSettled()
        return cycle.decision()
    }
}

/// Checks several states share.
extension JobCycle {
    /// `without-savepoint` belongs to the action it came with: once the job settled after it (Started or Stopped, no
    /// action pending) it is reset, so a later restart, automatic or by a START without the flag, restores the latest
    /// savepoint (the original kept the flag, so every later start began from nothing).
    mutating func resetWithoutSavepointWhenSettled() {
        guard annotations.withoutSavepoint, !annotations.hasPendingAction else { return }
        if [.started, .stopped].contains(status.supervisorStatus ?? .unknown) { annotations.withoutSavepoint = false }
    }

    /// Consumes the pending action (always, as the original did) and returns it when the state accepts it;
    /// otherwise reports it with a Warning event and returns nil.
    mutating func takeAction(accepting accepted: Set<RequestedAction>) -> RequestedAction? {
        guard annotations.hasPendingAction else { return nil }
        let requested = annotations.requestedAction
        let invalid = annotations.invalidAction
        annotations.consumeAction(now: now)
        if let invalid {
            warn("InvalidAction", "requested-action \"\(invalid)\" is not an action; it was reset to NONE")
            return nil
        }
        guard accepted.contains(requested) else {
            warn("ActionRejected", "\(requested.rawValue) is not allowed while the job is \(state.rawValue)")
            return nil
        }
        return requested
    }

    /// Sets clusterHealth and says whether the cluster counts as unhealthy: it is Started, its JobManager is
    /// unreachable, and more than taskTimeout has passed since the status timestamp.
    ///
    /// The first unreachable observation turns HEALTHY into "" (unknown). That is a status change, so the timestamp
    /// is stamped and the timeout runs from the moment Flink stopped answering, not from an old timestamp left by a
    /// long quiet period (the status is not rewritten at rest).
    mutating func clusterUnhealthy() -> Bool {
        guard clusterState == .started else {
            status.clusterHealth = ._empty_
            return false
        }
        if observation.clusterReachable {
            status.clusterHealth = .healthy
            return false
        }
        if status.clusterHealth == .healthy {
            status.clusterHealth = ._empty_
        } else if elapsed > observation.taskTimeout {
            status.clusterHealth = .unhealthy
            return true
        }
        recheck(observation.pollingInterval)
        return false
    }

    /// Deletes the bootstrap Job if it exists (once: not while it is already being deleted); true while it exists.
    mutating func removeBootstrap() -> Bool {
        guard let bootstrap = observation.bootstrapJob else { return false }
        if !bootstrap.metadata.isDeleting {
            actions.append(.deleteBootstrapJob(name: bootstrap.metadata.name ?? ""))
            touchedObjects = true
            events.append(.init(reason: "BootstrapDeleted", message: "deleting bootstrap Job \(bootstrap.metadata.name ?? "")"))
        }
        recheck(observation.pollingInterval)
        return true
    }
}
