import Foundation
import KubeModels

/// Terminated: everything is torn down. The supervisor finalizer is removed once no FlinkJob of the cluster
/// still carries its own, so the jobs are finished before the cluster object goes (section 6.1).
public enum ClusterTerminated: StateRules {
    /// Terminated.
    public static let state: LifecycleState = .terminated
    /// Terminated is final: no edge leaves it.
    public static var transitions: [StateTransition] { [] }

    static func decide(_ cycle: inout ClusterCycle) {
        guard cycle.cluster.metadata.hasSupervisorFinalizer else { return }
        guard !cycle.observation.jobs.contains(where: { $0.metadata.hasSupervisorFinalizer }) else { return }
        cycle.cluster.metadata.setSupervisorFinalizer(false)
    }
}
