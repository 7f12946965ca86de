import Foundation
import KubeModels

/// Starting: the JobManager pod and Service are created, Flink is waited for and jobs left over from an earlier
/// run are cancelled; then the cluster is Started (section 6.1). Accepts the action STOP.
public enum ClusterStarting: StateRules {
    /// Starting.
    public static let state: LifecycleState = .starting
    /// The JobManager answers and runs no job → Started.
    public static let started = StateTransition(.starting, .started, "JobManager started")
    /// The cluster is being deleted → Stopping.
    public static let deleted = StateTransition(.starting, .stopping, "deleted")
    /// The runtime, JobManager or TaskManager spec changed → Stopping, then Starting again.
    public static let modified = StateTransition(.starting, .stopping, "modified")
    /// Action STOP → Stopping.
    public static let stopped = StateTransition(.starting, .stopping, "stopped")
    /// Every edge leaving Starting.
    public static var transitions: [StateTransition] { [started, deleted, modified, stopped] }

    static func decide(_ cycle: inout ClusterCycle) {
        if cycle.stopIfDeleted(deleted) { return }
        if cycle.specChanged { return cycle.stop(modified, restart: true) }
        if cycle.takeAction(accepting: [.stop]) == .stop { return cycle.stop(stopped, restart: false) }
        cycle.set(\.clusterHealth, ._empty_)
        cycle.wait()
        guard !cycle.liveJobManagerPods.isEmpty else {
            return cycle.perform(.createJobManagerPod(JobManagerResources.pod(for: cycle.cluster)))
        }
        guard cycle.observation.service != nil else {
            return cycle.perform(.createService(JobManagerResources.service(for: cycle.cluster)))
        }
        guard let flink = cycle.observation.flink else { return }
        let leftOver = flink.activeJobIds
        guard leftOver.isEmpty else { return cycle.perform(.cancelFlinkJobs(leftOver)) }
        cycle.annotations.shouldRestart = false
        cycle.set(\.resourceStatus, .updating)
        cycle.move(started)
    }
}
