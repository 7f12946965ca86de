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
}

/// The pure decision for a FlinkCluster's supervisor (section 5.2): one `supervisor-<cluster>` Deployment while the
/// cluster is not Terminated, rebuilt when its inputs change, removed after; the operator finalizer is dropped last.
/// Unlike the original, the operator does not wait 30 s: Terminated is written by the supervisor once it is done.
public enum SupervisorReconciler {
    /// The actions for `cluster`, given its supervisor Deployment if one exists.
    public static func decide(cluster: FlinkCluster, deployment: Deployment?, settings: SupervisorSettings) -> [SupervisorAction] {
        let hasFinalizer = cluster.metadata.hasFinalizer(ResourceNames.operatorFinalizer)
        // A deleted cluster whose supervisor finalizer is gone has nothing left to tear down: either the supervisor
        // finished (Terminated) or it never started managing the cluster.
        let finished = cluster.status?.supervisorStatus == .terminated
            || (cluster.metadata.isDeleting && !cluster.metadata.hasFinalizer(ResourceNames.supervisorFinalizer))
        if finished {
            if let deployment {
                return deployment.metadata.isDeleting ? [] : [.deleteDeployment(name: deployment.metadata.name ?? "")]
            }
            return hasFinalizer ? [.removeFinalizer] : []
        }
        if !hasFinalizer, !cluster.metadata.isDeleting { return [.addFinalizer] }
        let desired = SupervisorDeployment.build(for: cluster, settings: settings)
        guard let deployment else { return [.createDeployment(desired)] }
        guard !deployment.metadata.isDeleting else { return [] }
        let current = deployment.metadata.annotations?[SupervisorDeployment.digestAnnotation]
        guard current != desired.metadata.annotations?[SupervisorDeployment.digestAnnotation] else { return [] }
        var replacement = desired
        replacement.metadata.resourceVersion = deployment.metadata.resourceVersion
        return [.replaceDeployment(replacement)]
    }
}
