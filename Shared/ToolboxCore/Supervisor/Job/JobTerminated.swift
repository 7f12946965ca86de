import Foundation
import KubeModels

/// Terminated (section 6.2): the job was deleted and its Flink job is gone. The supervisor finalizer is removed,
/// in the decision after the one that entered Terminated, so the status is stored before the object may vanish.
public enum JobTerminated: StateRules {
    /// The state these rules govern.
    public static let state: LifecycleState = .terminated
    /// Terminated is final: no edge leaves it.
    public static let transitions: [StateTransition] = []

    /// Removes the supervisor finalizer.
    static func decide(_ cycle: inout JobCycle) {
        cycle.status.resourceStatus = .updated
        cycle.setFinalizer(false)
    }
}
