import Foundation
import KubeModels

/// Stopping (section 6.2): delete the bootstrap Job, stop the Flink job (with a savepoint in Automatic mode), then
/// restart, stop or terminate.
public enum JobStopping: StateRules {
    /// The state these rules govern.
    public static let state: LifecycleState = .stopping
    /// Waiting: the bootstrap Job is being deleted, or the savepoint or cancel is under way.
    public static let stoppingJob = StateTransition(.stopping, .stopping, "stopping job")
    /// The Flink job is stopped and nothing asks for a restart.
    public static let stopped = StateTransition(.stopping, .stopped, "job stopped")
    /// The Flink job is stopped and should-restart is set.
    public static let restarted = StateTransition(.stopping, .starting, "restarted")
    /// The Flink job is stopped and the resource is being deleted.
    public static let deleted = StateTransition(.stopping, .terminated, "deleted")
    /// The JobManager has not answered for more than taskTimeout: give up on the Flink job.
    public static let unhealthy = StateTransition(.stopping, .stopped, "cluster unhealthy")
    /// As `unhealthy`, while the resource is being deleted.
    public static let unhealthyDeleted = StateTransition(.stopping, .terminated, "cluster unhealthy, deleted")
    /// Every edge leaving Stopping.
    public static let transitions = [stoppingJob, stopped, restarted, deleted, unhealthy, unhealthyDeleted]

    /// Section 6.2 Stopping, in order. Actions wait here until Stopped or Starting consume them.
    static func decide(_ cycle: inout JobCycle) {
        if cycle.removeBootstrap() { return cycle.move(stoppingJob) }
        let deleting = cycle.annotations.deleteResources
        if cycle.clusterUnhealthy() {
            cycle.clearSavepointRequest()
            return deleting ? cycle.toTerminated(unhealthyDeleted) : cycle.toStopped(unhealthy)
        }
        guard cycle.cancelJob() else { return cycle.move(stoppingJob) }
        if deleting { return cycle.toTerminated(deleted) }
        if cycle.annotations.shouldRestart { return cycle.toStarting(restarted) }
        cycle.toStopped(stopped)
    }
}

extension JobCycle {
    /// Enters Stopping along `edge`. A pending savepoint request is dropped, so the only request Stopping follows
    /// is its own stop-with-savepoint. `restart` becomes should-restart; `delete` sets delete-resources and resets
    /// the pending action.
    mutating func toStopping(_ edge: StateTransition, restart: Bool, delete: Bool = false) {
        clearSavepointRequest()
        annotations.shouldRestart = restart
        if delete {
            annotations.deleteResources = true
            if annotations.hasPendingAction { annotations.consumeAction(now: now) }
        }
        status.resourceStatus = .updating
        recheck(observation.pollingInterval)
        move(edge)
    }

    /// Enters Terminated along `edge`: no parallelism, no job id.
    mutating func toTerminated(_ edge: StateTransition) {
        status.jobParallelism = 0
        status.jobId = ""
        status.resourceStatus = .updated
        move(edge)
    }
}
