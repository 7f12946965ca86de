import Foundation
import KubeModels

/// What the operator does for a FlinkCluster's supervisor.
public enum SupervisorAction: Sendable, Equatable {
    case addFinalizer
    case removeFinalizer
    case createDeployment(Deployment)
    /// Replace the Deployment's spec (its inputs changed); `resourceVersion` makes the write conditional.
    case replaceDeployment(Deployment)
    case deleteDeployment(name: String)
    /// Create the `supervisor-<cluster>` Service bootstraps report to (see `SupervisorReconciler+Service.swift`).
    case createService(KubeService)
    case deleteService(name: String)
    /// The supervisor could not finish the teardown of the deleted cluster in time and no supervisor pod is ready:
    /// remove the supervisor's finalizer on its behalf (a Warning Event says so; see docs/teardown.md).
    case releaseSupervisorFinalizer(reason: String)
    /// Nothing to do now; decide again after this many seconds unless an event comes first.
    case recheck(after: TimeInterval)
}

/// What the operator sees of a deleted cluster's supervisor, to tell a supervisor still tearing down from one that
/// cannot run (a bad image, a crash loop, no node).
public struct SupervisorLiveness: Sendable {
    /// The supervisor pods of the cluster.
    public var pods: [Pod]
    /// The operator's clock.
    public var now: Date
    /// Seconds after the deletion of the cluster during which a supervisor that has no ready pod is waited for.
    public var abandonAfter: TimeInterval

    /// Liveness from the cached supervisor pods.
    public init(pods: [Pod], now: Date, abandonAfter: TimeInterval) {
        self.pods = pods
        self.now = now
        self.abandonAfter = abandonAfter
    }

    /// Whether a supervisor pod is running and ready.
    public var hasReadyPod: Bool {
        pods.contains { pod in
            !pod.metadata.isDeleting && pod.status?.phase == "Running"
                && (pod.status?.conditions ?? []).contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
        }
    }
}

/// The pure decision for a FlinkCluster's supervisor (section 5.2): one `supervisor-<cluster>` Deployment while the
/// cluster is not Terminated, rebuilt when its inputs change, removed after; the operator finalizer is dropped last.
///
/// Teardown order (docs/teardown.md): the supervisor owns its finalizer and releases it itself once the cluster and
/// its jobs are torn down. The operator deletes the supervisor Deployment only after that release — never on the
/// Terminated status alone, which the supervisor writes one pass *before* it drops the finalizer (deleting it then
/// killed the only process that could release it, and the cluster stayed forever). A deleted cluster whose supervisor
/// Deployment is missing gets one again so the teardown completes; a supervisor without a ready pod for
/// `abandonAfter` after the deletion is given up on and its finalizer released by the operator.
public enum SupervisorReconciler {
    /// The actions for `cluster`, given its supervisor Deployment if one exists and, for a deleted cluster, what is
    /// known of the supervisor's pods (`nil`: never give up on the supervisor).
    public static func decide(
        cluster: FlinkCluster, deployment: Deployment?, settings: SupervisorSettings, liveness: SupervisorLiveness? = nil
    ) -> [SupervisorAction] {
        let hasFinalizer = cluster.metadata.hasFinalizer(ResourceNames.operatorFinalizer)
        let supervised = cluster.metadata.hasFinalizer(ResourceNames.supervisorFinalizer)
        let deleting = cluster.metadata.isDeleting
        // Nothing is left to tear down once the supervisor released its finalizer from a deleted (or Terminated)
        // cluster, or never took the cluster over.
        if !supervised, deleting || cluster.status?.supervisorStatus == .terminated {
            if let deployment {
                return deployment.metadata.isDeleting ? [] : [.deleteDeployment(name: deployment.metadata.name ?? "")]
            }
            return hasFinalizer ? [.removeFinalizer] : []
        }
        var waiting: [SupervisorAction] = []
        if deleting, let liveness, !liveness.hasReadyPod, let deleted = cluster.metadata.deletionTimestamp.flatMap(KubeJSON.parseTimestamp) {
            let waited = liveness.now.timeIntervalSince(deleted)
            if waited >= liveness.abandonAfter {
                return [.releaseSupervisorFinalizer(reason: "no supervisor pod was ready for \(Int(waited)) s after the cluster was deleted")]
            }
            waiting = [.recheck(after: liveness.abandonAfter - waited + 0.5)]
        }
        if !hasFinalizer, !deleting { return [.addFinalizer] }
        let desired = SupervisorDeployment.build(for: cluster, settings: settings)
        guard let deployment else { return [.createDeployment(desired)] + waiting }
        guard !deployment.metadata.isDeleting else { return waiting }
        let current = deployment.metadata.annotations?[SupervisorDeployment.digestAnnotation]
        guard current != desired.metadata.annotations?[SupervisorDeployment.digestAnnotation] else { return waiting }
        var replacement = desired
        replacement.metadata.resourceVersion = deployment.metadata.resourceVersion
        return [.replaceDeployment(replacement)] + waiting
    }
}
