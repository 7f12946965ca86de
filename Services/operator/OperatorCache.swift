import KubeClient
import ToolboxCore

/// The operator's view of its namespace, kept in sync by reflectors; the control plane reads from it.
final class OperatorCache: Sendable {
    /// The namespace the operator manages.
    let namespace: String
    let deployments = ObjectStore<FlinkDeployment>()
    let clusters = ObjectStore<FlinkCluster>()
    let jobs = ObjectStore<FlinkJob>()
    /// Supervisor Deployments (`role=supervisor`).
    let supervisors = ObjectStore<Deployment>()
    /// Supervisor pods (`role=supervisor`), to reach a cluster's supervisor.
    let supervisorPods = ObjectStore<Pod>()
    /// Supervisor Services (`role=supervisor`), the address bootstraps report to.
    let supervisorServices = ObjectStore<KubeService>()

    /// Label selector of the supervisor Deployments, pods and Services.
    static let supervisorSelector = "owner=flink-operator,role=supervisor"

    init(namespace: String) { self.namespace = namespace }

    /// Whether every store has loaded its first list.
    var hasSynced: Bool {
        deployments.hasSynced && clusters.hasSynced && jobs.hasSynced && supervisors.hasSynced && supervisorPods.hasSynced
            && supervisorServices.hasSynced
    }

    /// The key of `name` in the managed namespace.
    func key(_ name: String) -> ObjectKey { ObjectKey(namespace: namespace, name: name) }

    /// The jobs that belong to cluster `cluster`.
    func jobs(ofCluster cluster: String) -> [FlinkJob] {
        let clusterNames = clusters.list().compactMap(\.metadata.name)
        return jobs.list().filter { JobClusterResolver.clusterName(of: $0, clusters: clusterNames) == cluster }
    }

    /// The FlinkJob named `<cluster>-<job>` if it belongs to `cluster`.
    func job(cluster: String, job: String) -> FlinkJob? {
        let name = ResourceNames.flinkJob(cluster: cluster, job: job)
        guard let found = jobs.get(key(name)) else { return nil }
        let clusterNames = clusters.list().compactMap(\.metadata.name)
        let owner = JobClusterResolver.clusterName(of: found, clusters: clusterNames + [cluster])
        return owner == cluster ? found : nil
    }

    /// The store of `type`, if the cache keeps one.
    func store<Object: KubeResource>(of type: Object.Type) -> ObjectStore<Object>? {
        (deployments as? ObjectStore<Object>) ?? (clusters as? ObjectStore<Object>) ?? (jobs as? ObjectStore<Object>)
    }

    /// The supervisor pods of `cluster`.
    func supervisorPods(of cluster: String) -> [Pod] {
        supervisorPods.snapshot().values.filter { $0.metadata.labels?["clusterName"] == cluster }
    }

    /// The IP of a running supervisor pod of `cluster`.
    func supervisorAddress(of cluster: String) -> String? {
        supervisorPods.list()
            .filter { $0.metadata.labels?["clusterName"] == cluster && !$0.metadata.isDeleting && $0.status?.phase == "Running" }
            .compactMap { $0.status?.podIP }
            .first
    }
}
