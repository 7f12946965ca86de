import KubeModels

extension SupervisorReconciler {
    /// The actions for `cluster` given its supervisor Deployment and its supervisor Service (`SupervisorAPIService`).
    ///
    /// The Service follows the Deployment's lifecycle as `decide(cluster:deployment:settings:)` decides it:
    /// - created when missing while the supervisor runs (the Deployment is created, or exists and is not going away),
    ///   never before the operator finalizer (so a deleted cluster cannot leak it);
    /// - deleted together with the Deployment when the cluster is finished, and the operator finalizer is removed
    ///   only once the Service is gone too (its deletion event queues the cluster again).
    public static func decide(
        cluster: FlinkCluster, deployment: Deployment?, service: KubeService?, settings: SupervisorSettings, liveness: SupervisorLiveness? = nil
    ) -> [SupervisorAction] {
        var actions = decide(cluster: cluster, deployment: deployment, settings: settings, liveness: liveness)
        let deletesDeployment = actions.contains { if case .deleteDeployment = $0 { true } else { false } }
        let createsDeployment = actions.contains { if case .createDeployment = $0 { true } else { false } }
        // Finished: the Deployment is being removed, the finalizer released, or nothing is left to do without one.
        let finished = deletesDeployment || actions.contains(.removeFinalizer) || (actions.isEmpty && deployment == nil)
        if finished {
            guard let service else { return actions }
            actions.removeAll { $0 == .removeFinalizer }
            if !service.metadata.isDeleting { actions.append(.deleteService(name: service.metadata.name ?? "")) }
            return actions
        }
        let supervised = createsDeployment || deployment.map { !$0.metadata.isDeleting } ?? false
        if service == nil, supervised, !actions.contains(.addFinalizer) {
            actions.append(.createService(SupervisorAPIService.build(for: cluster)))
        }
        return actions
    }
}
