import Foundation
import KubeClient
import ToolboxAPI
import ToolboxCore

/// What the control plane does: reads from the operator's cache, writes through the Kubernetes API; each request is
/// about the namespace of its `namespace` query parameter (`NamespaceScope`), by default the operator's own.
struct ControlPlaneService: Sendable {
    let cache: OperatorCache
    let client: KubeClient
    let now: @Sendable () -> Date

    /// The namespace of the request being served (`RequestNamespace`), else the operator's own.
    var namespace: String { RequestNamespace.current ?? cache.namespace }

    /// Fails with 503 until the cache holds its first lists.
    func requireSynced() throws {
        guard cache.hasSynced else { throw ControlPlaneError.unavailable("the operator's cache is still loading") }
    }

    /// Fails with 400 unless `name` is a DNS-1123 label.
    func validate(_ name: String, _ what: String) throws {
        guard ResourceNames.isValidName(name) else {
            throw ControlPlaneError.badRequest("invalid \(what) name '\(name)': use lower-case letters, digits and '-', at most 63")
        }
    }

    // MARK: - reads

    func deploymentNames() throws -> [String] {
        try requireSynced()
        return cache.deployments.keys().filter { $0.namespace == namespace }.map(\.name)
    }

    func clusterNames() throws -> [String] {
        try requireSynced()
        return cache.clusters.keys().filter { $0.namespace == namespace }.map(\.name)
    }

    func jobNames(cluster: String) throws -> [String] {
        try requireSynced()
        _ = try clusterObject(cluster)
        return cache.jobs(ofCluster: cluster, in: namespace).compactMap(\.metadata.name).map { name in
            name.hasPrefix("\(cluster)-") ? String(name.dropFirst(cluster.count + 1)) : name
        }
    }

    func deployment(_ name: String) throws -> FlinkDeployment {
        try validate(name, "deployment")
        try requireSynced()
        guard let found = cache.deployments.get(cache.key(name, in: namespace)) else { throw ControlPlaneError.notFound("Deployment not found: \(name)") }
        return found
    }

    func clusterObject(_ name: String) throws -> FlinkCluster {
        try validate(name, "cluster")
        try requireSynced()
        guard let found = cache.clusters.get(cache.key(name, in: namespace)) else { throw ControlPlaneError.notFound("Cluster not found: \(name)") }
        return found
    }

    func jobObject(cluster: String, job: String) throws -> FlinkJob {
        try validate(cluster, "cluster")
        try validate(job, "job")
        try requireSynced()
        guard let found = cache.job(cluster: cluster, job: job, in: namespace) else { throw ControlPlaneError.notFound("Job not found: \(cluster)/\(job)") }
        return found
    }
}
