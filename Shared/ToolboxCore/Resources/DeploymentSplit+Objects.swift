import KubeModels
import ToolboxAPI

/// The objects a FlinkDeployment is split into (the patches and digest that keep them in line are in
/// `Operator/DeploymentSplit.swift`).
extension DeploymentSplit {
    /// The FlinkCluster of a deployment: same name and namespace, the declared spec verbatim, owned by the deployment
    /// and carrying the operator's finalizer;
    /// the declared `taskManagers` is noted as applied (`DeploymentSplit.scalePatch`).
    public static func cluster(of deployment: FlinkDeployment) -> FlinkCluster {
        let name = deployment.metadata.name ?? ""
        var metadata = ObjectMeta(name: name, namespace: deployment.metadata.namespace)
        metadata.labels = ToolboxLabels.cluster(name).merging([ToolboxLabels.deploymentName: name]) { _, new in new }
        metadata.ownerReferences = ToolboxLabels.ownerReference(to: deployment).map { [$0] }
        // Created with the operator's finalizer, which the supervisor's reconcile would otherwise add by a patch
        // (a write and a watch event per cluster, and one more pass before the supervisor Deployment is created).
        metadata.finalizers = [ResourceNames.operatorFinalizer]
        if let taskManagers = deployment.spec.cluster.taskManagers { metadata.annotations = [declaredTaskManagersKey: String(taskManagers)] }
        return FlinkCluster(metadata: metadata, spec: deployment.spec.cluster)
    }

    /// The FlinkJob `<deployment>-<job>`: the declared spec verbatim, bound to the cluster by `spec.clusterName`; the
    /// declared `jobParallelism` is noted as applied (`DeploymentSplit.scalePatch`).
    public static func flinkJob(_ job: Components.Schemas.FlinkDeploymentJob, of deployment: FlinkDeployment) -> FlinkJob {
        let cluster = deployment.metadata.name ?? ""
        var metadata = ObjectMeta(name: ResourceNames.flinkJob(cluster: cluster, job: job.name), namespace: deployment.metadata.namespace)
        metadata.labels = ToolboxLabels.job(cluster: cluster, job: job.name).merging([ToolboxLabels.deploymentName: cluster]) { _, new in new }
        metadata.ownerReferences = ToolboxLabels.ownerReference(to: deployment).map { [$0] }
        if let parallelism = job.spec.jobParallelism { metadata.annotations = [declaredParallelismKey: String(parallelism)] }
        var spec = job.spec
        spec.clusterName = cluster
        return FlinkJob(metadata: metadata, spec: spec)
    }
}
