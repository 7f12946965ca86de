import KubeModels
import ToolboxAPI

/// How a FlinkDeployment becomes a FlinkCluster and FlinkJobs, and how their specs are kept in line. The objects
/// themselves are built in `Resources/DeploymentSplit+Objects.swift`.
public enum DeploymentSplit {
    /// Annotation of a FlinkCluster: the `taskManagers` its FlinkDeployment declared when it was last applied.
    public static let declaredTaskManagersKey = "operator.nextbreakpoint.com/declared-task-managers"
    /// Annotation of a FlinkJob: the `jobParallelism` its FlinkDeployment declared when it was last applied.
    public static let declaredParallelismKey = "operator.nextbreakpoint.com/declared-job-parallelism"

    /// JSON-patch operations replacing the cluster spec sections that differ, and `taskManagers` when the deployment
    /// declares a new value (see `scalePatch`).
    public static func clusterPatch(live: FlinkCluster, declared: Components.Schemas.FlinkClusterSpec) -> [JSONPatchOperation] {
        clusterPatch(live: live.spec, declared: declared)
            + scalePatch(live.metadata, key: declaredTaskManagersKey, path: "/spec/taskManagers", declared: declared.taskManagers)
    }

    /// JSON-patch operations replacing the job spec sections that differ, and `jobParallelism` when the deployment
    /// declares a new value (see `scalePatch`).
    public static func jobPatch(live: FlinkJob, declared: Components.Schemas.FlinkJobSpec, cluster: String) -> [JSONPatchOperation] {
        jobPatch(live: live.spec, declared: declared, cluster: cluster)
            + scalePatch(live.metadata, key: declaredParallelismKey, path: "/spec/jobParallelism", declared: declared.jobParallelism)
    }

    /// A scale field has two writers: the deployment's spec and the scale subresource (`kubectl scale`, the control
    /// plane, an autoscaler). The most recent intent wins, decided from levels alone: the child's annotation `key`
    /// keeps the value the deployment declared when it was last applied. A declared value that differs from it is a new
    /// intent of the deployment: it replaces the child's value and the annotation. Otherwise the child's own value
    /// stands, whatever a scale made of it. A child without the annotation (made by an older operator) adopts the
    /// declared value as already applied, so an upgrade does not undo a scale.
    static func scalePatch<Value: BinaryInteger>(_ live: ObjectMeta, key: String, path: String, declared: Value?) -> [JSONPatchOperation] {
        guard let declared else { return [] }
        let text = String(declared)
        let applied = live.annotations?[key]
        guard applied != text else { return [] }
        var operations: [JSONPatchOperation] = []
        if applied != nil { operations.append(JSONPatchOperation(op: "add", path: path, value: .number(Double(declared)))) }
        if live.annotations == nil {
            operations.append(JSONPatchOperation(op: "add", path: "/metadata/annotations", value: .object([key: .string(text)])))
        } else {
            operations.append(JSONPatchOperation(op: "add", path: "/metadata/annotations/" + pointerToken(key), value: .string(text)))
        }
        return operations
    }

    /// `key` escaped as one JSON-pointer token (RFC 6901: `~` as `~0`, `/` as `~1`).
    static func pointerToken(_ key: String) -> String {
        key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    /// JSON-patch operations replacing the cluster spec sections that differ, `taskManagers` aside.
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

    /// JSON-patch operations replacing the job spec sections that differ, `jobParallelism` aside.
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
