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
        let metadata = ObjectMeta(name: name, namespace: namespace, labels: ToolboxLabels.cluster(name))
        let created = try await client.create(FlinkDeployment(metadata: metadata, spec: spec))
        await awaitCache(cache.deployments, reflecting: created)
    }

    func createCluster(_ name: String, spec: Components.Schemas.FlinkClusterSpec) async throws {
        try validate(name, "cluster")
        let metadata = ObjectMeta(name: name, namespace: namespace, labels: ToolboxLabels.cluster(name))
        let created = try await client.create(FlinkCluster(metadata: metadata, spec: spec))
        await awaitCache(cache.clusters, reflecting: created)
    }

    func createJob(cluster: String, job: String, spec: Components.Schemas.FlinkJobSpec) async throws {
        try validate(cluster, "cluster")
        try validate(job, "job")
        var spec = spec
        spec.clusterName = cluster
        let name = ResourceNames.flinkJob(cluster: cluster, job: job)
        let metadata = ObjectMeta(name: name, namespace: namespace, labels: ToolboxLabels.job(cluster: cluster, job: job))
        let created = try await client.create(FlinkJob(metadata: metadata, spec: spec))
        await awaitCache(cache.jobs, reflecting: created)
    }

    /// Replaces the spec of an object, re-reading it when a concurrent write wins.
    func replaceSpec<Kind: ResourceKind>(_ type: SpecResource<Kind>.Type, name: String, spec: Kind.Spec) async throws {
        for attempt in 1...3 {
            var object = try await client.get(type, name: name, namespace: namespace)
            object.spec = spec
            do {
                let updated = try await client.update(object)
                if let store = cache.store(of: type) { await awaitCache(store, reflecting: updated) }
                return
            } catch let error as KubeError where error.kind == .conflict && attempt < 3 {
                continue
            }
        }
    }

    func delete<Object: KubeResource>(_ type: Object.Type, name: String) async throws {
        try await client.delete(type, name: name, namespace: namespace)
        if let store = cache.store(of: type) { await awaitCache(store, deleting: name) }
    }

    // MARK: - read your writes

    /// How long a write waits for the operator's cache to show it, so that a read through this control plane right
    /// after a successful write answers from the written state (a status right after DELETE is 404).
    static let readYourWritesTimeout: Duration = .seconds(5)

    /// Waits until `store` holds `written` or a newer version of it (bounded by `readYourWritesTimeout`).
    func awaitCache<Object: KubeResource>(_ store: ObjectStore<Object>, reflecting written: Object) async {
        guard let target = written.metadata.resourceVersion else { return }
        _ = await store.wait(for: written.key, timeout: Self.readYourWritesTimeout) { cached in
            cached.map { Self.isAtLeast($0.metadata.resourceVersion, target) } ?? false
        }
    }

    /// Waits until the object `name` is gone from `store`. Finalizers can keep it a little longer (its status then
    /// shows it terminating); the wait is bounded by `readYourWritesTimeout`, and the delete succeeded either way.
    func awaitCache<Object: KubeResource>(_ store: ObjectStore<Object>, deleting name: String) async {
        _ = await store.wait(for: cache.key(name, in: namespace), timeout: Self.readYourWritesTimeout) { $0 == nil }
    }

    /// Whether `cached` is `target` or newer. resourceVersions are opaque, but every API server this operator talks
    /// to (etcd-backed and localkube) issues increasing integers; anything else only matches on equality.
    static func isAtLeast(_ cached: String?, _ target: String) -> Bool {
        guard let cached else { return false }
        if cached == target { return true }
        guard let cachedNumber = UInt64(cached), let targetNumber = UInt64(target) else { return false }
        return cachedNumber >= targetNumber
    }

    // MARK: - actions and scaling

    /// Asks the supervisor for an action by annotating the resource, as the original API did.
    func request<Object: KubeResource>(_ action: RequestedAction, on type: Object.Type, name: String, withoutSavepoint: Bool?) async throws {
        var annotations: [String: JSONValue] = [
            Self.annotationPrefix + "requested-action": .string(action.rawValue),
            Self.annotationPrefix + "action-timestamp": .string(String(Int64(now().timeIntervalSince1970 * 1000))),
        ]
        if let withoutSavepoint { annotations[Self.annotationPrefix + "without-savepoint"] = .string(withoutSavepoint ? "true" : "false") }
        _ = try await client.patch(type, name: name, namespace: namespace, patch: .merge(["metadata": ["annotations": .object(annotations)]]))
    }

    /// Sets the replicas of a scale subresource.
    func scale<Object: KubeResource>(_ type: Object.Type, name: String, to replicas: Int32, what: String) async throws {
        guard replicas >= 0 else { throw ControlPlaneError.badRequest("\(what) must be 0 or more, got \(replicas)") }
        _ = try await client.scale(type, name: name, namespace: namespace, replicas: Int(replicas))
    }
}
