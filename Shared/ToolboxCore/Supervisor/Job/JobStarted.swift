import Foundation
import KubeModels

/// Started (section 6.2): the Flink job was submitted; follow it, take savepoints, and react to changes.
public enum JobStarted: StateRules {
    /// The state these rules govern.
    public static let state: LifecycleState = .started
    /// The job is being deleted.
    public static let deleted = StateTransition(.started, .stopping, "deleted")
    /// The cluster is no longer Started.
    public static let clusterNotStarted = StateTransition(.started, .stopping, "cluster not started")
    /// The JobManager has not answered for more than taskTimeout.
    public static let unhealthy = StateTransition(.started, .stopped, "cluster unhealthy")
    /// The bootstrap spec changed: restart.
    public static let bootstrapChanged = StateTransition(.started, .stopping, "bootstrap changed")
    /// The clamped parallelism changed: restart.
    public static let parallelismChanged = StateTransition(.started, .stopping, "parallelism changed")
    /// Flink reports FINISHED, CANCELED or FAILED.
    public static let jobNotRunning = StateTransition(.started, .stopped, "job not running")
    /// Flink no longer knows the job id.
    public static let jobLost = StateTransition(.started, .stopping, "job lost")
    /// Action START: restart.
    public static let restart = StateTransition(.started, .stopping, "restart")
    /// Action STOP.
    public static let stop = StateTransition(.started, .stopping, "stop")
    /// An upgraded job failed, restarted or did not prove healthy within upgradeTimeout: restore the last good one.
    public static let rollBack = StateTransition(.started, .stopping, "upgrade unhealthy: roll back")
    /// Every edge leaving Started.
    public static let transitions = [
        deleted, clusterNotStarted, unhealthy, checkingUpgrade, upgradeRefused, bootstrapChanged, parallelismChanged, rollBack, jobNotRunning,
        jobLost, restart, stop,
    ]

    /// Section 6.2 Started, in order. The job's Flink state is refreshed first, so this cycle reacts to it.
    static func decide(_ cycle: inout JobCycle) {
        if cycle.job.metadata.isDeleting { return cycle.toStopping(deleted, restart: false, delete: true) }
        guard cycle.clusterState == .started else { return cycle.toStopping(clusterNotStarted, restart: false) }
        if cycle.clusterUnhealthy() { return cycle.toStopped(unhealthy) }
        if !cycle.bootstrapSpecChanged {
            cycle.dropUpgradeCheck()
        } else if cycle.upgradeCheckPassed() {
            return cycle.toStopping(bootstrapChanged, restart: true)
        }
        if cycle.desiredParallelism != cycle.clamp(cycle.status.jobParallelism ?? 0) {
            return cycle.toStopping(parallelismChanged, restart: true)
        }
        cycle.recheck(cycle.observation.pollingInterval)
        if cycle.checkUpgradeHealth() { return }
        if refreshJobStatus(&cycle) { return }
        switch cycle.takeAction(accepting: [.start, .stop, .triggerSavepoint, .forgetSavepoint]) {
        case .start: return cycle.toStopping(restart, restart: true)
        case .stop: return cycle.toStopping(stop, restart: false)
        case .forgetSavepoint:
            cycle.status.savepointPath = ""
            cycle.status.savepointTimestamp = cycle.now
        case .triggerSavepoint: triggerSavepoint(&cycle)
        case .some(.none), nil: break
        }
        cycle.updateSavepoint()
        cycle.recordLatestCheckpoint()
        cycle.expireSavepoints()
        cycle.updateDisposals()
    }

    /// Copies Flink's state into jobStatus and leaves Started when the job ended (→ Stopped, job id kept) or
    /// vanished. A vanished job (Flink answers 404, or no job id is stored) is treated as lost: jobStatus "" and
    /// Stopping with should-restart unless the policy is Never — losing the job is a failure, so Always and
    /// OnlyIfFailed both restart it from the last savepoint; it must not stay Started forever. True when it moved.
    private static func refreshJobStatus(_ cycle: inout JobCycle) -> Bool {
        switch cycle.flinkJobId.isEmpty ? .notFound : cycle.observation.flinkJobState {
        case .state(let flinkState):
            cycle.status.jobStatus = flinkState
            guard ObservedFlinkCluster.terminalStates.contains(flinkState) else { return false }
            cycle.annotations.shouldRestart = false
            cycle.toStopped(jobNotRunning, keepJobId: true)
            return true
        case .notFound:
            cycle.status.jobStatus = ""
            cycle.toStopping(jobLost, restart: cycle.job.spec.restart.restartPolicy != .never)
            return true
        case .unknown:
            return false
        }
    }

    /// TRIGGER_SAVEPOINT: a new request unless one is pending (never two at once).
    private static func triggerSavepoint(_ cycle: inout JobCycle) {
        guard !cycle.hasPendingSavepoint else {
            return cycle.warn("ActionRejected", "TRIGGER_SAVEPOINT ignored: savepoint \(cycle.status.savepointTriggerId ?? "") is pending")
        }
        cycle.requestSavepoint(stop: false, trigger: .manual)
    }
}
