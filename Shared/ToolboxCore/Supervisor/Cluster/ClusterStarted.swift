import Foundation
import KubeModels

/// Started: the cluster runs. Watches for deletion, divergence, spec changes, actions and health; keeps the
/// TaskManagers in line with what the jobs need; cancels Flink jobs no FlinkJob owns (section 6.1, section 8).
/// Accepts the actions START (a restart) and STOP.
public enum ClusterStarted: StateRules {
    /// Started.
    public static let state: LifecycleState = .started
    /// The cluster is being deleted → Stopping.
    public static let deleted = StateTransition(.started, .stopping, "deleted")
    /// The JobManager pod or the Service is gone, or there is more than one JobManager → Stopping, then Starting.
    public static let diverged = StateTransition(.started, .stopping, "diverged")
    /// The runtime, JobManager or TaskManager spec changed → Stopping, then Starting.
    public static let modified = StateTransition(.started, .stopping, "modified")
    /// Action START → Stopping, then Starting.
    public static let restartRequested = StateTransition(.started, .stopping, "restart requested")
    /// Action STOP → Stopping, then Stopped.
    public static let stopped = StateTransition(.started, .stopping, "stopped")
    /// Flink has not answered for longer than the task timeout → Stopping, then Starting.
    public static let unhealthy = StateTransition(.started, .stopping, "unhealthy")
    /// Every edge leaving Started.
    public static var transitions: [StateTransition] { [deleted, diverged, modified, restartRequested, stopped, unhealthy] }

    static func decide(_ cycle: inout ClusterCycle) {
        if cycle.stopIfDeleted(deleted) { return }
        if cycle.liveJobManagerPods.count != 1 || cycle.observation.service == nil { return cycle.stop(diverged, restart: true) }
        if cycle.specChanged { return cycle.stop(modified, restart: true) }
        switch cycle.takeAction(accepting: [.start, .stop]) {
        case .start: return cycle.stop(restartRequested, restart: true)
        case .stop: return cycle.stop(stopped, restart: false)
        default: break
        }
        cycle.wait()
        guard let flink = cycle.observation.flink else {
            if cycle.status.clusterHealth == .healthy {
                // The first unanswered poll starts the window (the status is stamped now), as the job machine does:
                // one lost answer after a quiet hour is no reason to restart a cluster (the original restarted it).
                cycle.set(\.clusterHealth, ._empty_)
                return cycle.wait(cycle.observation.pollingInterval)
            }
            let silent = cycle.now.timeIntervalSince(cycle.status.timestamp ?? .distantPast)
            guard silent > cycle.observation.taskTimeout else { return cycle.wait(cycle.observation.taskTimeout - silent) }
            cycle.set(\.clusterHealth, .unhealthy)
            return cycle.stop(unhealthy, restart: true)
        }
        cycle.set(\.clusterHealth, .healthy)
        if rescaleTaskManagers(&cycle) || rescaleTaskManagerPods(&cycle, flink: flink) { return }
        guard flink.slotsTotal >= Rescale.requiredSlots(cycle.observation.jobs) else {
            return cycle.set(\.resourceStatus, .updating)
        }
        cycle.set(\.resourceStatus, .updated)
        cancelUnmanagedJobs(&cycle, flink: flink)
    }

    /// Declares the TaskManager count the jobs need (scale subresource). True when a rescale was asked for.
    private static func rescaleTaskManagers(_ cycle: inout ClusterCycle) -> Bool {
        let target = Rescale.target(spec: cycle.spec, jobs: cycle.observation.jobs)
        guard target != Rescale.declaredTaskManagers(cycle.spec) else { return false }
        cycle.perform(.scaleTaskManagers(target))
        cycle.set(\.rescaleTimestamp, cycle.now)
        cycle.set(\.resourceStatus, .updating)
        return true
    }

    /// Creates missing TaskManager pods at once; deletes surplus idle ones after the rescale delay, once Flink has
    /// placed every job's tasks (a TaskManager removed while a job takes one of its slots fails that job over to its
    /// last checkpoint, so the records since then are processed twice). Dead pods are cleared away. True when the pods do not match the declared count yet.
    private static func rescaleTaskManagerPods(_ cycle: inout ClusterCycle, flink: ObservedFlinkCluster) -> Bool {
        let dead = cycle.observation.taskManagerPods.filter { !$0.metadata.isDeleting && !ClusterCycle.isLive($0) }
        if !dead.isEmpty { cycle.perform(.deleteTaskManagerPods(dead.compactMap(\.metadata.name).sorted())) }
        let declared = Rescale.declaredTaskManagers(cycle.spec)
        let live = cycle.liveTaskManagerPods
        guard declared != live.count else { return false }
        cycle.set(\.resourceStatus, .updating)
        if declared > live.count {
            let pod = TaskManagerResources.pod(for: cycle.cluster)
            cycle.perform(.createTaskManagerPods(Array(repeating: pod, count: declared - live.count)))
            return true
        }
        let delay = Rescale.remaining(Rescale.rescaleDelay(cycle.spec), since: cycle.status.rescaleTimestamp, now: cycle.now)
        guard delay <= 0 else {
            cycle.wait(delay)
            return true
        }
        guard flink.placingJobIds.isEmpty else {  // a TaskManager idle now may be given a task in a moment
            cycle.wait(cycle.observation.pollingInterval)
            return true
        }
        let idle = Rescale.idleTaskManagerPods(live, taskManagers: flink.taskManagers, count: live.count - declared)
        if !idle.isEmpty { cycle.perform(.deleteTaskManagerPods(idle)) }
        return true
    }

    /// Cancels running Flink jobs that are no FlinkJob's `status.jobId`, once every FlinkJob is ready.
    private static func cancelUnmanagedJobs(_ cycle: inout ClusterCycle, flink: ObservedFlinkCluster) {
        let jobs = cycle.observation.jobs
        let busy: Set<LifecycleState> = [.starting, .stopping]
        let ready = jobs.allSatisfy { job in
            job.status?.resourceStatus == .updated && !busy.contains(job.status?.supervisorStatus ?? .unknown)
        }
        guard ready else { return }
        let managed = Set(jobs.compactMap { $0.status?.jobId }.filter { !$0.isEmpty })
        let unmanaged = flink.activeJobIds.filter { !managed.contains($0) }
        if !unmanaged.isEmpty { cycle.perform(.cancelFlinkJobs(unmanaged)) }
    }
}
