import Foundation
import KubeModels

/// Unknown: a cluster the supervisor has not initialised yet (section 6.1). The finalizer comes first; then the
/// annotations, the status derived from the spec and the digests are written and the cluster starts.
public enum ClusterUnknown: StateRules {
    /// Unknown.
    public static let state: LifecycleState = .unknown
    /// Initialised → Starting.
    public static let initialised = StateTransition(.unknown, .starting, "initialised")
    /// Deleted before the supervisor took it over → Terminated.
    public static let deleted = StateTransition(.unknown, .terminated, "deleted")
    /// Every edge leaving Unknown.
    public static var transitions: [StateTransition] { [initialised, deleted] }

    static func decide(_ cycle: inout ClusterCycle) {
        guard cycle.cluster.metadata.hasSupervisorFinalizer else {
            if cycle.cluster.metadata.isDeleting {
                cycle.set(\.resourceStatus, .updated)
                cycle.move(deleted)
            } else {
                cycle.cluster.metadata.setSupervisorFinalizer(true)
                cycle.wait()
            }
            return
        }
        cycle.annotations.deleteResources = false
        cycle.annotations.withoutSavepoint = false
        if cycle.annotations.hasPendingAction { cycle.annotations.consumeAction(now: cycle.now) }
        cycle.writeAnnotations = true
        cycle.initialiseStatus()
        cycle.set(\.resourceStatus, .updating)
        cycle.move(initialised)
        cycle.wait()
    }
}
