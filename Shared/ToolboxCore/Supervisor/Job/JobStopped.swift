import Foundation
import KubeModels

/// Stopped (section 6.2): no Flink job runs. Restarts follow the restart policy (section 10).
public enum JobStopped: StateRules {
    /// The state these rules govern.
    public static let state: LifecycleState = .stopped
    /// The cluster is Terminated: the finalizer is dropped and the job stays Stopped.
    public static let clusterTerminated = StateTransition(.stopped, .stopped, "cluster terminated")
    /// The job is being deleted.
    public static let deleted = StateTransition(.stopped, .stopping, "deleted")
    /// Action START (through Stopping with should-restart).
    public static let start = StateTransition(.stopped, .stopping, "start")
    /// The bootstrap spec changed and the policy allows a restart.
    public static let bootstrapChanged = StateTransition(.stopped, .stopping, "bootstrap changed")
    /// The cluster restarts and the policy allows a restart.
    public static let clusterStarting = StateTransition(.stopped, .starting, "cluster starting")
    /// restartDelay passed and the policy allows a restart.
    public static let restartDelay = StateTransition(.stopped, .starting, "restart delay elapsed")
    /// Flink reports the job RUNNING.
    public static let jobRunning = StateTransition(.stopped, .started, "job running")
    /// Every edge leaving Stopped.
    public static let transitions = [clusterTerminated, deleted, start, bootstrapChanged, clusterStarting, restartDelay, jobRunning]

    /// Section 6.2 Stopped, in order.
    static func decide(_ cycle: inout JobCycle) {
        if cycle.job.metadata.isDeleting { return cycle.toStopping(deleted, restart: false, delete: true) }
        if cycle.clusterState == .terminated {
            cycle.setFinalizer(false)
            return cycle.move(clusterTerminated)
        }
        if cycle.removeBootstrap() { return }
        if cycle.clusterState == .starting {
            if shouldRestartJob(cycle) { cycle.toStarting(clusterStarting) }
            return
        }
        guard !cycle.clusterUnhealthy(), cycle.clusterState == .started else { return }
        if cycle.takeAction(accepting: [.start]) == .start { return cycle.toStopping(start, restart: true) }
        if !cycle.flinkJobId.isEmpty, case .state(let flinkState) = cycle.observation.flinkJobState {
            cycle.status.jobStatus = flinkState
            if flinkState == "RUNNING" {
                cycle.status.resourceStatus = .updated
                return cycle.move(jobRunning)
            }
        }
        guard shouldRestartJob(cycle) else { return }
        if cycle.bootstrapSpecChanged { return cycle.toStopping(bootstrapChanged, restart: true) }
        let delay = TimeInterval(cycle.job.spec.restart.restartDelay ?? 60)
        if cycle.elapsed > delay { return cycle.toStarting(restartDelay) }
        cycle.recheck(delay - cycle.elapsed)
    }

    /// The restart policy (section 10): Always, or OnlyIfFailed when Flink last said FAILED; blank counts as Always.
    static func shouldRestartJob(_ cycle: JobCycle) -> Bool {
        switch cycle.status.restartPolicy ?? "" {
        case "", "Always": true
        case "OnlyIfFailed": cycle.status.jobStatus == "FAILED"
        default: false
        }
    }
}

extension JobCycle {
    /// Enters Stopped along `edge`: parallelism 0, request cleared, resource Updated; job id and jobStatus are
    /// cleared unless `keepJobId` (a job that ended keeps them, so OnlyIfFailed can see FAILED).
    mutating func toStopped(_ edge: StateTransition, keepJobId: Bool = false) {
        status.jobParallelism = 0
        if !keepJobId {
            status.jobId = ""
            status.jobStatus = ""
        }
        clearSavepointRequest()
        status.resourceStatus = .updated
        move(edge)
    }
}
