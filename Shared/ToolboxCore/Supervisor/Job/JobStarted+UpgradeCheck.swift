import Foundation
import KubeModels
import ToolboxAPI

/// The restore-compatibility check (`status.upgradeCheck`): before a running job is stopped for a changed bootstrap
/// spec, a plan-only bootstrap asks Flink for the new job's plan. When a vertex that holds state in the running job
/// is absent from the plan and `spec.savepoint.allowNonRestoredState` is not set, the upgrade is refused: the old job
/// keeps running, Degraded `IncompatibleUpgrade`, a Warning names the missing operators, and the spec is not checked
/// again until it changes. A plan that cannot be made (or none within taskTimeout) refuses it too
/// (`UpgradeCheckFailed`).
extension JobStarted {
    /// A check of a changed bootstrap spec began, or waits for the plan.
    public static let checkingUpgrade = StateTransition(.started, .started, "checking upgrade")
    /// The new plan lacks operators with state in the running job: the old job keeps running.
    public static let upgradeRefused = StateTransition(.started, .started, "upgrade refused")
}

extension JobCycle {
    /// Whether the upgrade to the changed bootstrap spec may stop the running job now. False while the check waits
    /// for the plan and once it refused the spec (the caller goes on with the rest of Started's rules).
    mutating func upgradeCheckPassed() -> Bool {
        guard needsUpgradeCheck else {
            if status.upgradeCheck?.phase == .checking { status.upgradeCheck = nil }
            removeUpgradeCheckJob()
            return true
        }
        let digest = SpecDigest.of(job.spec.bootstrap)
        guard let check = status.upgradeCheck, check.bootstrapDigest == digest else {
            status.upgradeCheck = .init(bootstrapDigest: digest, phase: .checking, missingOperators: [], timestamp: now)
            events.append(.init(reason: "UpgradeCheck", message: "asking Flink for the new job's plan before stopping the running job"))
            waitForPlan(digest)
            move(JobStarted.checkingUpgrade)
            return false
        }
        switch check.phase {
        case .compatible: return true
        case .incompatible, .failed:
            removeUpgradeCheckJob()
            return false
        case .checking: return judgePlan(digest)
        }
    }

    /// The check applies to a running Flink job whose state the restart restores: not when it starts without state,
    /// nor when allowNonRestoredState lets Flink skip state.
    private var needsUpgradeCheck: Bool {
        guard observation.flinkJobState == .state("RUNNING"), !flinkJobId.isEmpty else { return false }
        return !startsWithoutState && job.spec.savepoint.allowNonRestoredState != true
    }

    /// Compares the reported plan with the running job's stateful vertices; true when the upgrade may proceed.
    private mutating func judgePlan(_ digest: String) -> Bool {
        guard let plan = observation.upgradePlan, plan.bootstrapDigest == digest else {
            if let started = status.upgradeCheck?.timestamp, now.timeIntervalSince(started) > observation.taskTimeout {
                return refuse(.failed, reason: "no plan within \(Int(observation.taskTimeout)) s", missing: [])
            }
            waitForPlan(digest)
            return false
        }
        switch plan.result {
        case .failure(let failure):
            return refuse(.failed, reason: "Flink made no plan: \(failure.reason)", missing: [])
        case .success(let vertices):
            guard let running = observation.runningVertices else {
                recheck(observation.pollingInterval)
                return false
            }
            let planned = Set(vertices.map(\.id))
            let missing = running.filter { $0.stateful && !planned.contains($0.id) }.map(\.name)
            guard missing.isEmpty else {
                return refuse(.incompatible, reason: "operators with state are not in the new job", missing: missing)
            }
            let decided = now
            status.upgradeCheck?.phase = .compatible
            status.upgradeCheck?.timestamp = decided
            events.append(.init(reason: "UpgradeCompatible", message: "every operator with state is in the new job's plan; upgrading"))
            removeUpgradeCheckJob()
            return true
        }
    }

    /// Ends the check refusing the upgrade: the old job keeps running.
    private mutating func refuse(_ phase: Components.Schemas.UpgradeCheckPhase, reason: String, missing: [String]) -> Bool {
        let decided = now
        status.upgradeCheck?.phase = phase
        status.upgradeCheck?.reason = reason
        status.upgradeCheck?.missingOperators = missing
        status.upgradeCheck?.timestamp = decided
        if phase == .incompatible {
            warn(
                "IncompatibleUpgrade",
                "upgrade refused, the running job keeps running: operators with state missing from the new job: \(missing.joined(separator: ", ")) (set spec.savepoint.allowNonRestoredState to drop their state)"
            )
        } else {
            warn("UpgradeCheckFailed", "upgrade refused, the running job keeps running: \(reason)")
        }
        removeUpgradeCheckJob()
        move(JobStarted.upgradeRefused)
        return false
    }

    /// Makes sure the plan-only Job of `digest` runs: one of another digest is deleted first, a missing one created.
    /// One that succeeded although no plan is known (its report went to a supervisor that restarted since; plans are
    /// kept in memory) is deleted too, so it runs again.
    private mutating func waitForPlan(_ digest: String) {
        recheck(observation.pollingInterval)
        if let existing = observation.upgradeCheckJob {
            let stale = existing.metadata.annotations?[BootstrapResources.digestAnnotation] != digest
            if stale || (existing.status?.succeeded ?? 0) > 0 { removeUpgradeCheckJob() }
            return
        }
        guard let cluster = observation.cluster else { return }
        var decided = job
        decided.status = status
        let batch = BootstrapResources.upgradeCheckJob(for: decided, cluster: cluster, settings: observation.bootstrapSettings, digest: digest)
        actions.append(.createBootstrapJob(batch))
        touchedObjects = true
    }

    /// Deletes the plan-only Job if it exists (once).
    mutating func removeUpgradeCheckJob() {
        guard let existing = observation.upgradeCheckJob, !existing.metadata.isDeleting else { return }
        actions.append(.deleteBootstrapJob(name: existing.metadata.name ?? ""))
        touchedObjects = true
    }

    /// The spec is back to the bootstrap that runs: a pending or refused check is over.
    mutating func dropUpgradeCheck() {
        removeUpgradeCheckJob()
        guard let phase = status.upgradeCheck?.phase, phase != .compatible else { return }
        status.upgradeCheck = nil
    }
}

extension JobStateMachine {
    /// Whether the supervisor asks Flink for the running job's vertices: while a restore-compatibility check waits.
    public static func needsRunningVertices(_ job: FlinkJob) -> Bool {
        job.status?.upgradeCheck?.phase == .checking
    }
}
