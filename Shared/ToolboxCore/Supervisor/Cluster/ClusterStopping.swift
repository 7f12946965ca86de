import Foundation
import KubeModels

/// Stopping: waits for the jobs to stop, tears the pods and the Service down, then ends Terminated (deleted),
/// Starting (restart) or Stopped (section 6.1). Accepts the action START, checked only after the teardown.
public enum ClusterStopping: StateRules {
    /// Stopping.
    public static let state: LifecycleState = .stopping
    /// Jobs stopped and pods terminated → Stopped.
    public static let stopped = StateTransition(.stopping, .stopped, "stopped")
    /// should-restart (or action START) → Starting, with the status and digests recomputed from the spec.
    public static let restarted = StateTransition(.stopping, .starting, "restarted")
    /// delete-resources → Terminated.
    public static let deleted = StateTransition(.stopping, .terminated, "deleted")
    /// Every edge leaving Stopping.
    public static var transitions: [StateTransition] { [stopped, restarted, deleted] }

    static func decide(_ cycle: inout ClusterCycle) {
        guard cycle.observation.jobs.allSatisfy(isFinished) else { return cycle.wait() }
        cycle.set(\.clusterHealth, ._empty_)
        guard cycle.tearDown() else { return cycle.wait() }
        if cycle.annotations.deleteResources {
            cycle.set(\.resourceStatus, .updated)
            return cycle.move(deleted)
        }
        if cycle.annotations.shouldRestart || cycle.takeAction(accepting: [.start]) == .start {
            return restart(&cycle)
        }
        cycle.set(\.resourceStatus, .updating)
        cycle.move(stopped)
    }

    /// A job is finished when Stopped or Terminated, or when it is being deleted without ever being supervised.
    private static func isFinished(_ job: FlinkJob) -> Bool {
        let finished: Set<LifecycleState> = [.stopped, .terminated]
        if finished.contains(job.status?.supervisorStatus ?? .unknown) { return true }
        return job.metadata.isDeleting && !job.metadata.hasSupervisorFinalizer
    }

    private static func restart(_ cycle: inout ClusterCycle) {
        cycle.initialiseStatus()
        cycle.set(\.resourceStatus, .updating)
        cycle.move(restarted)
        cycle.wait()
    }
}
