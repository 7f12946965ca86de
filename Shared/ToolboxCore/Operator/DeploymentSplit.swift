import KubeModels
import ToolboxAPI

/// How a FlinkDeployment becomes a FlinkCluster and FlinkJobs, and how their specs are kept in line. The objects
/// themselves are built in `Resources/DeploymentSplit+Objects.swift`.
public enum DeploymentSplit {
    /// JSON-patch operations replacing the cluster spec sections that differ. `taskManagers` is not propagated:
    /// after creation it belongs to the scale subresource.
    public static func clusterPatch(
        live: Components.Schemas.FlinkClusterSpec, declared: Components.Schemas.FlinkClusterSpec
    ) -> [JSONPatchOperation] {
        var operations: [JSONPatchOperation] = []
        replace("/spec/runtime", live.runtime, declared.runtime, into: &operations)
        replace("/spec/jobManager", live.jobManager, declared.jobManager, into: &operations)
        replace("/spec/taskManager", live.taskManager, declared.taskManager, into: &operations)
        replace("/spec/supervisor", live.supervisor, declared.supervisor, into: &operations)
        replace("/spec/minTaskManagers", live.minTaskManagers, declared.minTaskManagers, into: &operations)
        replace("/spec/maxTaskManagers", live.maxTaskManagers, declared.maxTaskManagers, into: &operations)
        return operations
    }

    /// JSON-patch operations replacing the job spec sections that differ. `jobParallelism` is not propagated:
    /// after creation it belongs to the scale subresource.
    public static func jobPatch(
        live: Components.Schemas.FlinkJobSpec, declared: Components.Schemas.FlinkJobSpec, cluster: String
    ) -> [JSONPatchOperation] {
        var operations: [JSONPatchOperation] = []
        replace("/spec/bootstrap", live.bootstrap, declared.bootstrap, into: &operations)
        replace("/spec/savepoint", live.savepoint, declared.savepoint, into: &operations)
        replace("/spec/restart", live.restart, declared.restart, into: &operations)
        replace("/spec/minJobParallelism", live.minJobParallelism, declared.minJobParallelism, into: &operations)
        replace("/spec/maxJobParallelism", live.maxJobParallelism, declared.maxJobParallelism, into: &operations)
        replace("/spec/clusterName", live.clusterName, cluster, into: &operations)
        return operations
    }

    /// The digests of what a deployment declares.
    public static func digest(of deployment: FlinkDeployment) -> Components.Schemas.DeploymentDigest {
        .init(
            cluster: SpecDigest.cluster(deployment.spec.cluster),
            jobs: (deployment.spec.jobs ?? []).map { .init(name: $0.name, job: SpecDigest.job($0.spec)) }
        )
    }

    private static func replace<Value: Encodable & Equatable>(
        _ path: String, _ live: Value?, _ declared: Value?, into operations: inout [JSONPatchOperation]
    ) {
        guard live != declared else { return }
        if let declared, let value = try? JSONValue(encoding: declared) {
            operations.append(JSONPatchOperation(op: "add", path: path, value: value))
        } else if live != nil {
            operations.append(JSONPatchOperation(op: "remove", path: path))
        }
    }
}
