import Foundation
import KubeModels
import ToolboxAPI

/// Upgrades under the health gate (`status.upgrade`) and the upgrade modes (`spec.savepoint.upgradeMode`).
///
/// An upgrade is a (re)start with a bootstrap spec other than the last good one (`status.lastGoodBootstrap`: the
/// last that passed the gate, or the first that started). It is Pending until the new Flink job is RUNNING with no
/// restart and one completed checkpoint (a job that does not checkpoint: no restart for all of upgradeTimeout); then
/// the new spec becomes the last good one. Otherwise the job is stopped without a savepoint and the last good spec is
/// started again from `restorePath` (the savepoint the previous job was stopped with): RollingBack, then RolledBack,
/// which stays (Degraded) and keeps the rejected spec from being tried again until the spec changes.
///
/// There is deliberately no stability window after the first checkpoint: a Flink job restart inside such a window is
/// as often an infrastructure fault (a lost TaskManager) as the version's own, and a rollback then discards what the
/// good version processed since the upgrade's savepoint. Once promoted, failures are the restart policy's business.
extension JobCycle {
    /// Seconds an upgraded job has to prove healthy when the spec sets no `restart.upgradeTimeout`.
    static let defaultUpgradeTimeout: TimeInterval = 300

    /// The upgrade mode (absent: savepoint).
    var upgradeMode: Components.Schemas.UpgradeMode { job.spec.savepoint.upgradeMode ?? .savepoint }

    /// The health gate's time limit; 0 disables the gate.
    var upgradeTimeout: TimeInterval { job.spec.restart.upgradeTimeout.map { TimeInterval($0) } ?? Self.defaultUpgradeTimeout }

    /// The upgrade's phase, if one is recorded.
    var upgradePhase: Components.Schemas.UpgradePhase? { status.upgrade?.phase }

    /// Whether the last good bootstrap runs instead of the spec's: rolling back, or rolled back while the spec is
    /// still the rejected one (another spec is a new upgrade).
    var runsLastGoodBootstrap: Bool {
        guard status.lastGoodBootstrap != nil, let phase = upgradePhase else { return false }
        switch phase {
        case .rollingBack: return true
        case .rolledBack: return status.upgrade?.bootstrapDigest == SpecDigest.of(job.spec.bootstrap)
        case .pending: return false
        }
    }

    /// The bootstrap spec the job (re)starts with: the last good one while rolled back, else the spec's.
    var runningBootstrap: Components.Schemas.BootstrapSpec {
        runsLastGoodBootstrap ? (status.lastGoodBootstrap ?? job.spec.bootstrap) : job.spec.bootstrap
    }

    /// The spec's bootstrap differs from the one that runs, and it is not the spec a rollback rejected.
    var bootstrapSpecChanged: Bool {
        let wanted = SpecDigest.of(job.spec.bootstrap)
        guard status.digest?.bootstrap != wanted else { return false }
        return !(upgradePhase == .rolledBack && status.upgrade?.bootstrapDigest == wanted)
    }

    /// Prepares a (re)start: a rollback restores the last good bootstrap from the upgrade's savepoint; a start with a
    /// bootstrap other than the last good one begins (or continues) an upgrade under the gate; otherwise any finished
    /// upgrade record is dropped. Called by `toStarting` after the digests were recomputed from the spec.
    mutating func prepareUpgrade() {
        if runsLastGoodBootstrap {
            if upgradePhase == .rollingBack { status.savepointPath = status.upgrade?.restorePath ?? "" }
            status.digest?.bootstrap = SpecDigest.of(status.lastGoodBootstrap)
            return
        }
        let wanted = SpecDigest.of(job.spec.bootstrap)
        guard upgradeTimeout > 0, let lastGood = status.lastGoodBootstrap, SpecDigest.of(lastGood) != wanted else {
            status.upgrade = nil
            return
        }
        if upgradePhase == .pending, status.upgrade?.bootstrapDigest == wanted { return }
        status.upgrade = .init(phase: .pending, bootstrapDigest: wanted, restorePath: status.savepointPath ?? "")
    }

    /// The job just started (Starting → Started): a first start's bootstrap becomes the last good one, a pending
    /// upgrade's gate starts counting, and a rollback is complete.
    mutating func upgradeJobStarted() {
        warnIfLastStateUnsafe()
        switch upgradePhase {
        case nil:
            if status.lastGoodBootstrap != job.spec.bootstrap { status.lastGoodBootstrap = job.spec.bootstrap }
        case .pending:
            let started = now
            status.upgrade?.startedAt = started
        case .rollingBack:
            status.upgrade?.phase = .rolledBack
            warn("RolledBack", "the previous bootstrap runs again; the upgrade is not tried again until the spec changes: \(status.upgrade?.reason ?? "")")
        case .rolledBack:
            break
        }
    }

    /// Started's health gate. Promotes a healthy upgraded job; rolls back one that failed, restarted, or did not prove
    /// healthy within upgradeTimeout (true: the job moved). A rolled-back job whose spec went back to the last good
    /// bootstrap drops the record.
    mutating func checkUpgradeHealth() -> Bool {
        if upgradePhase == .rolledBack, SpecDigest.of(job.spec.bootstrap) == status.digest?.bootstrap {
            status.upgrade = nil
            events.append(.init(reason: "UpgradeAbandoned", message: "the spec is back to the bootstrap that runs; the rollback is over"))
            return false
        }
        guard upgradePhase == .pending, let startedAt = status.upgrade?.startedAt else { return false }
        let age = now.timeIntervalSince(startedAt)
        let health = observation.jobHealth
        if case .state(let state) = observation.flinkJobState, ObservedFlinkCluster.terminalStates.contains(state) {
            return rollBack("the upgraded Flink job ended \(state)")
        }
        if let restarts = health?.restarts, restarts > 0 { return rollBack("the upgraded Flink job restarted \(restarts) times") }
        if observation.flinkJobState == .state("RUNNING"), let health {
            let checkpointed = health.completedCheckpoints.map { $0 > 0 } ?? (age >= upgradeTimeout)
            if checkpointed {
                promoteUpgrade(checkpoints: health.completedCheckpoints)
                return false
            }
        }
        if age >= upgradeTimeout {
            let state = status.jobStatus.map { $0.isEmpty ? "unknown" : $0 } ?? "unknown"
            return rollBack("not healthy within \(Int(upgradeTimeout)) s of the upgrade (Flink job \(state), no completed checkpoint)")
        }
        recheck(min(observation.pollingInterval, upgradeTimeout - age))
        return false
    }

    /// The upgraded job passed the gate: its bootstrap is the last good one.
    private mutating func promoteUpgrade(checkpoints: Int?) {
        status.lastGoodBootstrap = job.spec.bootstrap
        status.upgrade = nil
        let proof = checkpoints.map { "\($0) completed checkpoint(s)" } ?? "no restart for \(Int(upgradeTimeout)) s"
        events.append(.init(reason: "UpgradePromoted", message: "the upgraded job is healthy (RUNNING, \(proof)); its bootstrap is the last good one"))
    }

    /// Starts a rollback: RollingBack with `reason`, then Stopping (no savepoint of the failed version) and a restart
    /// of the last good bootstrap.
    mutating func rollBack(_ reason: String) -> Bool {
        status.upgrade?.phase = .rollingBack
        status.upgrade?.reason = reason
        warn("UpgradeFailed", "rolling back to the previous bootstrap: \(reason)")
        let edge = state == .starting ? JobStarting.rollBack : JobStarted.rollBack
        toStopping(edge, restart: true)
        return true
    }

    /// last-state: a completed checkpoint newer than the restore point becomes the restore point (`savepointPath`)
    /// and the history's checkpoint entry of this Flink job (Flink itself subsumes the older checkpoints of a job).
    mutating func recordLatestCheckpoint() {
        guard upgradeMode == .lastState, !hasPendingSavepoint, let checkpoint = observation.jobHealth?.latestCheckpoint else { return }
        guard checkpoint.path != status.savepointPath, checkpoint.completedAt > (status.savepointTimestamp ?? .distantPast) else { return }
        status.savepointPath = checkpoint.path
        status.savepointTimestamp = checkpoint.completedAt
        let record = Components.Schemas.SavepointRecord(path: checkpoint.path, timestamp: checkpoint.completedAt, trigger: .checkpoint, jobId: flinkJobId)
        let others = (status.savepointHistory ?? []).filter { !($0.trigger == .checkpoint && $0.jobId == flinkJobId) && $0.path != checkpoint.path }
        status.savepointHistory = [record] + others
        expireSavepoints()
    }

    /// last-state restores the checkpoint the supervisor last saw; a JobManager keeping only one completed checkpoint
    /// deletes it when the next completes, so a lost JobManager can leave nothing to restore: warned as the job starts.
    mutating func warnIfLastStateUnsafe() {
        guard upgradeMode == .lastState, let retained = observation.jobHealth?.retainedCheckpoints, retained < 2 else { return }
        warn(
            "LastStateUnsafe",
            "Flink keeps \(retained) completed checkpoint(s) (execution.checkpointing.num-retained): the one recorded as the restore point is deleted when the next completes; set it to 3 or more"
        )
    }

    /// Whether a (re)start restores no state: without-savepoint, or upgradeMode stateless.
    var startsWithoutState: Bool { withoutSavepoint || upgradeMode == .stateless }
}

extension JobStateMachine {
    /// Whether the supervisor asks Flink for the job's restarts and checkpoints (`ObservedJobHealth`): in upgradeMode
    /// last-state, and while an upgrade is pending.
    public static func needsJobHealth(_ job: FlinkJob) -> Bool {
        job.spec.savepoint.upgradeMode == .lastState || job.status?.upgrade?.phase == .pending
    }
}
