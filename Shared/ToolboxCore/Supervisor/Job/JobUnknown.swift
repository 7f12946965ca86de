import Foundation
import KubeModels

/// Unknown (section 6.2): a job the supervisor has not initialised yet.
public enum JobUnknown: StateRules {
    /// The state these rules govern.
    public static let state: LifecycleState = .unknown
    /// The cluster is Terminated: nothing to start.
    public static let clusterTerminated = StateTransition(.unknown, .unknown, "cluster terminated")
    /// Finalizer, annotations and status initialised.
    public static let initialised = StateTransition(.unknown, .starting, "initialised")
    /// Deleted before anything ran.
    public static let deleted = StateTransition(.unknown, .terminated, "deleted")
    /// Every edge leaving Unknown.
    public static let transitions = [clusterTerminated, initialised, deleted]

    /// A deleted job goes straight to Terminated (nothing runs yet; the original did so only without the
    /// finalizer). With a Terminated cluster it waits. Otherwise the finalizer is added and the status initialised
    /// in the same decision.
    static func decide(_ cycle: inout JobCycle) {
        if cycle.job.metadata.isDeleting {
            cycle.status.resourceStatus = .updated
            cycle.move(deleted)
            return
        }
        guard cycle.clusterState != .terminated else {
            cycle.move(clusterTerminated)
            return
        }
        cycle.setFinalizer(true)
        initialise(&cycle)
        cycle.move(initialised)
    }

    /// Resets the annotations and fills the status from the spec (section 6.2 Unknown step 3).
    private static func initialise(_ cycle: inout JobCycle) {
        let clusterName = cycle.observation.cluster?.metadata.name ?? ""
        cycle.annotations.requestedAction = .none
        cycle.annotations.invalidAction = nil
        cycle.annotations.withoutSavepoint = false
        cycle.annotations.deleteResources = false
        cycle.annotations.shouldRestart = false
        if (cycle.status.savepointPath ?? "").isEmpty {
            cycle.status.savepointPath = cycle.job.spec.savepoint.savepointPath ?? ""
        }
        cycle.status.clusterName = clusterName
        cycle.status.labelSelector = ResourceNames.labelSelector(cluster: clusterName)
        cycle.status.jobParallelism = cycle.desiredParallelism
        cycle.status.jobStatus = ""
        cycle.status.digest = SpecDigest.job(cycle.job.spec)
        cycle.clearSavepointRequest()
        cycle.status.resourceStatus = .updating
    }
}
