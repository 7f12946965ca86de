import Foundation
import ToolboxAPI

/// The standard conditions of a FlinkJob, computed from its decided status. Messages hold no times, so an
/// unchanged job yields equal conditions and nothing is written.
enum JobConditions {
    /// Ready, Progressing and Degraded for `status`. `invalidAction` is a requested-action value that is not an
    /// action, `bootstrapFailure` the last failure a bootstrap reported, `clusterMissing` whether no cluster exists.
    static func states(
        _ status: Components.Schemas.FlinkJobStatus, invalidAction: String?, bootstrapFailure: String?, clusterMissing: Bool
    ) -> [ConditionState] {
        [
            ready(status, clusterMissing: clusterMissing), progressing(status),
            degraded(status, invalidAction: invalidAction, bootstrapFailure: bootstrapFailure, clusterMissing: clusterMissing),
        ]
    }

    /// Ready: Started, Updated and Flink says RUNNING.
    static func ready(_ status: Components.Schemas.FlinkJobStatus, clusterMissing: Bool) -> ConditionState {
        let state = status.supervisorStatus ?? .unknown
        if state == .started, status.resourceStatus == .updated, status.jobStatus == "RUNNING" {
            return ConditionState(.ready, true, reason: "Running", message: "Flink job \(status.jobId ?? "") is running")
        }
        if clusterMissing { return ConditionState(.ready, false, reason: "ClusterNotFound", message: "no FlinkCluster runs this job") }
        let flink = (status.jobStatus ?? "").isEmpty ? "no Flink job" : "Flink job \(status.jobStatus ?? "")"
        return ConditionState(.ready, false, reason: "NotRunning", message: "job is \(state.rawValue), \(flink)")
    }

    /// Progressing: Starting or Stopping, an upgrade pending its health gate, a savepoint pending, or the resource
    /// Updating.
    static func progressing(_ status: Components.Schemas.FlinkJobStatus) -> ConditionState {
        switch status.supervisorStatus ?? .unknown {
        case .starting: return ConditionState(.progressing, true, reason: "Starting", message: "the job is starting")
        case .stopping: return ConditionState(.progressing, true, reason: "Stopping", message: "the job is stopping")
        default: break
        }
        if status.upgradeCheck?.phase == .checking {
            return ConditionState(.progressing, true, reason: "UpgradeCheck", message: "checking that the new job can restore the running job's state")
        }
        if status.upgrade?.phase == .pending {
            return ConditionState(.progressing, true, reason: "UpgradePending", message: "the upgraded job must prove healthy within restart.upgradeTimeout")
        }
        if !(status.savepointTriggerId ?? "").isEmpty {
            return ConditionState(.progressing, true, reason: "SavepointPending", message: "savepoint \(status.savepointTriggerId ?? "") pending")
        }
        if status.resourceStatus == .updating {
            return ConditionState(.progressing, true, reason: "Updating", message: "the supervisor is updating the job")
        }
        return ConditionState(.progressing, false, reason: "Stable")
    }

    /// Degraded: cluster missing or UNHEALTHY, Flink job FAILED, an invalid action, a failed bootstrap, or an upgrade
    /// rolled back. The first
    /// cause names the reason; the message lists them all.
    static func degraded(
        _ status: Components.Schemas.FlinkJobStatus, invalidAction: String?, bootstrapFailure: String?, clusterMissing: Bool
    ) -> ConditionState {
        var causes: [(reason: String, message: String)] = []
        if clusterMissing { causes.append(("ClusterNotFound", "no FlinkCluster runs this job")) }
        if status.clusterHealth == .unhealthy { causes.append(("ClusterUnhealthy", "the cluster's JobManager does not answer")) }
        if status.jobStatus == "FAILED" { causes.append(("JobFailed", "Flink job \(status.jobId ?? "") failed")) }
        if let invalidAction { causes.append(("InvalidAction", "requested-action \"\(invalidAction)\" is not an action")) }
        if let bootstrapFailure { causes.append(("BootstrapFailed", "bootstrap failed: \(bootstrapFailure)")) }
        if let check = status.upgradeCheck, check.phase == .incompatible {
            let missing = (check.missingOperators ?? []).joined(separator: ", ")
            causes.append(("IncompatibleUpgrade", "upgrade refused: operators with state missing from the new job: \(missing)"))
        }
        if let check = status.upgradeCheck, check.phase == .failed {
            causes.append(("UpgradeCheckFailed", "upgrade refused: \(check.reason ?? "the restore-compatibility check failed")"))
        }
        if let upgrade = status.upgrade, upgrade.phase != .pending {
            causes.append(("RolledBack", "upgrade rolled back: \(upgrade.reason ?? "unhealthy")"))
        }
        guard let first = causes.first else { return ConditionState(.degraded, false, reason: "AsExpected") }
        return ConditionState(.degraded, true, reason: first.reason, message: causes.map(\.message).joined(separator: "; "))
    }
}
