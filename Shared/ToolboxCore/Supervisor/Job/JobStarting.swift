import Foundation
import KubeModels

/// Starting (section 6.2): waiting for the cluster, creating the bootstrap Job and waiting for it to report the
/// Flink job id.
public enum JobStarting: StateRules {
    /// The state these rules govern.
    public static let state: LifecycleState = .starting
    /// The cluster is Starting (or not initialised): wait.
    public static let clusterStarting = StateTransition(.starting, .starting, "cluster starting")
    /// The cluster is still scaling (resource not Updated): wait.
    public static let clusterNotUpdated = StateTransition(.starting, .starting, "cluster not updated")
    /// The bootstrap reported the Flink job id.
    public static let jobStarted = StateTransition(.starting, .started, "job started")
    /// The job is being deleted.
    public static let deleted = StateTransition(.starting, .stopping, "deleted")
    /// Action STOP.
    public static let stopped = StateTransition(.starting, .stopping, "stopped")
    /// The cluster is Stopping, Stopped or Terminated.
    public static let clusterNotStarted = StateTransition(.starting, .stopping, "cluster not started")
    /// More than restartTimeout in Starting.
    public static let startTimeout = StateTransition(.starting, .stopping, "start timeout")
    /// Parallelism 0.
    public static let suspended = StateTransition(.starting, .stopped, "suspended: parallelism 0")
    /// The JobManager has not answered for more than taskTimeout.
    public static let unhealthy = StateTransition(.starting, .stopped, "cluster unhealthy")
    /// An upgraded job did not start within restartTimeout: restore the last good one.
    public static let rollBack = StateTransition(.starting, .stopping, "upgrade did not start: roll back")
    /// Every edge leaving Starting.
    public static let transitions = [
        clusterStarting, clusterNotUpdated, jobStarted, deleted, stopped, clusterNotStarted, startTimeout, rollBack, suspended, unhealthy,
    ]

    /// Section 6.2 Starting, in order; the first rule that moves or waits ends the cycle.
    static func decide(_ cycle: inout JobCycle) {
        if cycle.job.metadata.isDeleting { return cycle.toStopping(deleted, restart: false, delete: true) }
        switch cycle.clusterState {
        case .terminated, .stopping, .stopped: return cycle.toStopping(clusterNotStarted, restart: false)
        case .unknown, .starting:
            cycle.recheck(cycle.observation.pollingInterval)
            return cycle.move(clusterStarting)
        case .started: break
        }
        if cycle.takeAction(accepting: [.stop]) == .stop { return cycle.toStopping(stopped, restart: false) }
        if cycle.clusterUnhealthy() { return cycle.toStopped(unhealthy) }
        let clusterUpdated = cycle.observation.cluster?.status?.resourceStatus == .updated
        cycle.status.resourceStatus = clusterUpdated ? .updated : .updating
        guard clusterUpdated else {
            cycle.recheck(cycle.observation.pollingInterval)
            return cycle.move(clusterNotUpdated)
        }
        let timeout = TimeInterval(cycle.job.spec.restart.restartTimeout ?? 180)
        if cycle.elapsed > timeout {
            guard cycle.upgradePhase == .pending else { return cycle.toStopping(startTimeout, restart: false) }
            _ = cycle.rollBack("the upgraded job did not start within \(Int(timeout)) s")
            return
        }
        bootstrap(&cycle, remaining: timeout - cycle.elapsed)
    }

    /// Steps 10–13: clear the savepoint path when starting without one, suspend at parallelism 0, then move to
    /// Started once the job id is known (checked before the bootstrap Job, whose TTL may already have removed it),
    /// else create the bootstrap Job if missing and wait.
    private static func bootstrap(_ cycle: inout JobCycle, remaining: TimeInterval) {
        if cycle.startsWithoutState, !(cycle.status.savepointPath ?? "").isEmpty {
            cycle.status.savepointPath = ""
            return cycle.recheck(cycle.observation.pollingInterval)
        }
        if (cycle.status.jobParallelism ?? 0) == 0 { return cycle.toStopped(suspended) }
        if !cycle.flinkJobId.isEmpty {
            cycle.clearSavepointRequest()
            cycle.status.resourceStatus = .updated
            cycle.upgradeJobStarted()
            return cycle.move(jobStarted)
        }
        if cycle.observation.bootstrapJob == nil, let cluster = cycle.observation.cluster {
            var decided = cycle.job
            decided.spec.bootstrap = cycle.runningBootstrap
            decided.status = cycle.status
            let settings = cycle.observation.bootstrapSettings
            cycle.actions.append(.createBootstrapJob(BootstrapResources.batchJob(for: decided, cluster: cluster, settings: settings)))
            cycle.touchedObjects = true
            let parallelism = cycle.status.jobParallelism ?? 0
            let from = (cycle.status.savepointPath ?? "").isEmpty ? "without a savepoint" : "from \(cycle.status.savepointPath ?? "")"
            cycle.events.append(.init(reason: "BootstrapCreated", message: "bootstrap Job created: parallelism \(parallelism), \(from)"))
        }
        cycle.recheck(min(cycle.observation.pollingInterval, remaining))
    }
}

extension JobCycle {
    /// Ready to restart (Stopping or Stopped → Starting): request and job id cleared, parallelism and digests
    /// recomputed from the spec, should-restart reset, finalizer ensured.
    mutating func toStarting(_ edge: StateTransition) {
        clearSavepointRequest()
        status.jobId = ""
        status.jobStatus = ""
        status.jobParallelism = desiredParallelism
        status.digest = SpecDigest.job(job.spec)
        prepareUpgrade()
        annotations.shouldRestart = false
        setFinalizer(true)
        status.resourceStatus = .updating
        move(edge)
    }
}
