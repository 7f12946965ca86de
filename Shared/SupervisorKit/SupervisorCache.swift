import KubeClient
import ToolboxCore

/// The supervisor's view of its cluster, kept in sync by reflectors: the FlinkCluster, its FlinkJobs, and the pods,
/// Service and bootstrap Jobs made for it.
package final class SupervisorCache: Sendable {
    /// Namespace of the cluster.
    package let namespace: String
    /// Name of the supervised FlinkCluster.
    package let clusterName: String
    /// The supervised FlinkCluster (a store of one).
    package let clusters = ObjectStore<FlinkCluster>()
    /// Every FlinkJob of the namespace.
    package let jobs = ObjectStore<FlinkJob>()
    /// JobManager and TaskManager pods of the cluster.
    package let pods = ObjectStore<Pod>()
    /// The JobManager Service.
    package let services = ObjectStore<KubeService>()
    /// Bootstrap batch Jobs.
    package let batchJobs = ObjectStore<BatchJob>()

    /// An empty cache of cluster `clusterName` in `namespace`.
    package init(namespace: String, clusterName: String) {
        self.namespace = namespace
        self.clusterName = clusterName
    }

    /// Label selector of everything the supervisor creates for its cluster.
    package var ownedSelector: String { "component=flink,owner=\(ResourceNames.owner),clusterName=\(clusterName)" }

    /// Whether every store has loaded its first list.
    package var hasSynced: Bool {
        clusters.hasSynced && jobs.hasSynced && pods.hasSynced && services.hasSynced && batchJobs.hasSynced
    }

    /// The key of `name` in the cluster's namespace.
    package func key(_ name: String) -> ObjectKey { ObjectKey(namespace: namespace, name: name) }

    /// The supervised FlinkCluster.
    package var cluster: FlinkCluster? { clusters.get(key(clusterName)) }

    /// The FlinkJobs that belong to the cluster (by `spec.clusterName`, label, or name prefix).
    package var clusterJobs: [FlinkJob] {
        let clusterNames = clusters.list().compactMap(\.metadata.name)
        return jobs.list().filter { JobClusterResolver.clusterName(of: $0, clusters: clusterNames) == clusterName }
    }

    /// The JobManager Service, when it exists and is not being deleted.
    package var service: KubeService? {
        services.get(key(ResourceNames.jobManagerService(cluster: clusterName)))
    }

    /// The bootstrap Job of FlinkJob `job`.
    package func bootstrapJob(of job: FlinkJob) -> BatchJob? {
        batchJobs.list().first {
            $0.metadata.labels?["role"] == "bootstrap" && $0.metadata.ownerReferences?.contains { $0.uid == job.metadata.uid } == true
        } ?? batchJobs.get(key(ResourceNames.bootstrapJob(cluster: clusterName, job: Self.shortName(of: job, cluster: clusterName))))
    }

    /// The plan-only bootstrap Job of FlinkJob `job`'s restore-compatibility check.
    package func upgradeCheckJob(of job: FlinkJob) -> BatchJob? {
        batchJobs.get(key(ResourceNames.upgradeCheckJob(cluster: clusterName, job: Self.shortName(of: job, cluster: clusterName))))
    }

    /// The job's name within its cluster: its `jobName` label, or its name without the `<cluster>-` prefix.
    package static func shortName(of job: FlinkJob, cluster: String) -> String {
        if let label = job.metadata.labels?["jobName"], !label.isEmpty { return label }
        let name = job.metadata.name ?? ""
        return name.hasPrefix("\(cluster)-") ? String(name.dropFirst(cluster.count + 1)) : name
    }
}
