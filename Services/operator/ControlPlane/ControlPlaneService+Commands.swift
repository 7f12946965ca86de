import Foundation
import KubeClient
import ToolboxAPI
import ToolboxCore

/// Actions a user can request on a cluster or job through annotations (section 7).
enum RequestedAction: String {
    case start = "START"
    case stop = "STOP"
    case triggerSavepoint = "TRIGGER_SAVEPOINT"
    case forgetSavepoint = "FORGET_SAVEPOINT"
}

extension ControlPlaneService {
    static let annotationPrefix = "operator.nextbreakpoint.com/"

    // MARK: - create, update, delete

    func createDeployment(_ name: String, spec: Components.Schemas.FlinkDeploymentSpec) async throws {
        try validate(name, "deployment")
        let metadata = ObjectMeta(name: name, namespace: cache.namespace, labels: ToolboxLabels.cluster(name))
        _ = try await client.create(FlinkDeployment(metadata: metadata, spec: spec))
    }

    func createCluster(_ name: String, spec: Components.Schemas.FlinkClusterSpec) async throws {
        try validate(name, "cluster")
        let metadata = ObjectMeta(name: name, namespace: cache.namespace, labels: ToolboxLabels.cluster(name))
        _ = try await client.create(FlinkCluster(metadata: metadata, spec: spec))
    }

    func createJob(cluster: String, job: String, spec: Components.Schemas.FlinkJobSpec) async throws {
        try validate(cluster, "cluster")
        try validate(job, "job")
        var spec = spec
        spec.clusterName = cluster
        let name = ResourceNames.flinkJob(cluster: cluster, job: job)
        let metadata = ObjectMeta(name: name, namespace: cache.namespace, labels: ToolboxLabels.job(cluster: cluster, job: job))
        _ = try await client.create(FlinkJob(metadata: metadata, spec: spec))
    }

    /// Replaces the spec of an object, re-reading it when a concurrent write wins.
    func replaceSpec<Kind: ResourceKind>(_ type: SpecResource<Kind>.Type, name: String, spec: Kind.Spec) async throws {
        for attempt in 1...3 {
            var object = try await client.get(type, name: name, namespace: cache.namespace)
            object.spec = spec
            do {
                _ = try await client.update(object)
                return
            } catch let error as KubeError where error.kind == .conflict && attempt < 3 {
                continue
            }
        }
    }

    func delete<Object: KubeResource>(_ type: Object.Type, name: String) async throws {
        try await client.delete(type, name: name, namespace: cache.namespace)
    }

    // MARK: - actions and scaling

    /// Asks the supervisor for an action by annotating the resource, as the original API did.
    func request<Object: KubeResource>(_ action: RequestedAction, on type: Object.Type, name: String, withoutSavepoint: Bool?) async throws {
        var annotations: [String: JSONValue] = [
            Self.annotationPrefix + "requested-action": .string(action.rawValue),
            Self.annotationPrefix + "action-timestamp": .string(String(Int64(now().timeIntervalSince1970 * 1000))),
        ]
        if let withoutSavepoint { annotations[Self.annotationPrefix + "without-savepoint"] = .string(withoutSavepoint ? "true" : "false") }
        _ = try await client.patch(type, name: name, namespace: cache.namespace, patch: .merge(["metadata": ["annotations": .object(annotations)]]))
    }

    /// Sets the replicas of a scale subresource.
    func scale<Object: KubeResource>(_ type: Object.Type, name: String, to replicas: Int32, what: String) async throws {
        guard replicas >= 0 else { throw ControlPlaneError.badRequest("\(what) must be 0 or more, got \(replicas)") }
        _ = try await client.scale(type, name: name, namespace: cache.namespace, replicas: Int(replicas))
    }
}
