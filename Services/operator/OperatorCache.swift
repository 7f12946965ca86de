import KubeClient
import ToolboxCore

/// The operator's view of the namespaces it manages, kept in sync by reflectors; the control plane reads from it.
/// The stores hold every watched namespace (keyed by namespace and name); the index lookups below filter by namespace,
/// since indexes are by name. Lookups without a namespace are in the operator's own one (the control plane's routes).
final class OperatorCache: Sendable {
    /// The operator's own namespace.
    let namespace: String
    /// The namespaces the operator manages.
    let watched: WatchedNamespaces
    let deployments = ObjectStore<FlinkDeployment>()
    let clusters = ObjectStore<FlinkCluster>()
    /// Indexed by every cluster the job may belong to (`JobClusterResolver.candidates`) and by its owners' uids.
    let jobs = ObjectStore<FlinkJob>(index: { job in
        JobClusterResolver.candidates(of: job) + (job.metadata.ownerReferences ?? []).map { OperatorCache.ownerIndex($0.uid) }
    })
    /// Supervisor Deployments (`role=supervisor`), without their specs: the operator reads their metadata (the
    /// digest annotation of the inputs, the deletion) and replica counts, and writes them from the cluster alone.
    let supervisors = ObjectStore<Deployment>(transform: OperatorCache.withoutSpec)
    /// Supervisor pods (`role=supervisor`), to reach a cluster's supervisor; indexed by their `clusterName` label;
    /// without their specs (their readiness and IP are in the status).
    let supervisorPods = ObjectStore<Pod>(
        index: { pod in pod.metadata.labels?["clusterName"].map { [$0] } ?? [] }, transform: OperatorCache.withoutSpec)
    /// Supervisor Services (`role=supervisor`), the address bootstraps report to; only whether they exist is read.
    let supervisorServices = ObjectStore<KubeService>(transform: OperatorCache.withoutSpec)

    /// Label selector of the supervisor Deployments, pods and Services.
    static let supervisorSelector = "owner=flink-operator,role=supervisor"

    /// A cache of `watched` (by default only `namespace`).
    init(namespace: String, watched: WatchedNamespaces? = nil) {
        self.namespace = namespace
        self.watched = watched ?? .only([namespace])
    }

    /// `object` with an empty spec: the owned objects whose specs the operator writes but never reads are cached
    /// without them (a supervisor Deployment's pod template is most of its size).
    static func withoutSpec<Kind: ResourceKind>(_ object: SpecResource<Kind>) -> SpecResource<Kind> where Kind.Spec == JSONValue {
        var trimmed = object
        trimmed.spec = [:]
        return trimmed
    }

    /// Whether every store has loaded the first list of every watched namespace (the stores are shared by the
    /// reflectors of all of them, so one namespace's list is not enough).
    var hasSynced: Bool {
        let namespaces = watched.reflectorNamespaces
        return deployments.hasSynced(namespaces: namespaces) && clusters.hasSynced(namespaces: namespaces)
            && jobs.hasSynced(namespaces: namespaces) && supervisors.hasSynced(namespaces: namespaces)
            && supervisorPods.hasSynced(namespaces: namespaces) && supervisorServices.hasSynced(namespaces: namespaces)
    }

    /// The key of `name` in `namespace` (by default the operator's own).
    func key(_ name: String, in namespace: String? = nil) -> ObjectKey { ObjectKey(namespace: namespace ?? self.namespace, name: name) }

    /// The index value of the objects owned by the object with `uid`.
    static func ownerIndex(_ uid: String) -> String { "uid:\(uid)" }

    /// Whether a FlinkCluster named `name` is cached in `namespace` (by default the operator's own).
    func clusterExists(_ name: String, in namespace: String? = nil) -> Bool { clusters.get(key(name, in: namespace)) != nil }

    /// The cluster `job` belongs to (`JobClusterResolver`), looking up only the clusters its name could refer to, in
    /// the job's namespace.
    func clusterName(of job: FlinkJob) -> String? {
        JobClusterResolver.clusterName(of: job) { self.clusterExists($0, in: job.metadata.namespace) }
    }

    /// The cached jobs in `namespace` indexed by `value` (indexes are by name, across namespaces).
    func jobs(indexed value: String, in namespace: String? = nil) -> [FlinkJob] {
        let namespace = namespace ?? self.namespace
        return jobs.indexed(value).filter { $0.metadata.namespace == namespace }
    }

    /// The jobs that belong to cluster `cluster` in `namespace` (by default the operator's own), sorted by name.
    func jobs(ofCluster cluster: String, in namespace: String? = nil) -> [FlinkJob] {
        jobs(indexed: cluster, in: namespace).filter { clusterName(of: $0) == cluster }.sorted { $0.key < $1.key }
    }

    /// The FlinkJob named `<cluster>-<job>` if it belongs to `cluster`, in `namespace` (by default the operator's own).
    func job(cluster: String, job: String, in namespace: String? = nil) -> FlinkJob? {
        let name = ResourceNames.flinkJob(cluster: cluster, job: job)
        guard let found = jobs.get(key(name, in: namespace)) else { return nil }
        let owner = JobClusterResolver.clusterName(of: found) { $0 == cluster || self.clusterExists($0, in: namespace) }
        return owner == cluster ? found : nil
    }

    /// The store of `type`, if the cache keeps one.
    func store<Object: KubeResource>(of type: Object.Type) -> ObjectStore<Object>? {
        (deployments as? ObjectStore<Object>) ?? (clusters as? ObjectStore<Object>) ?? (jobs as? ObjectStore<Object>)
    }

    /// The supervisor pods of `cluster` in `namespace` (by default the operator's own).
    func supervisorPods(of cluster: String, in namespace: String? = nil) -> [Pod] {
        let namespace = namespace ?? self.namespace
        return supervisorPods.indexed(cluster).filter { $0.metadata.namespace == namespace }.sorted { $0.key < $1.key }
    }

    /// The IP of a running supervisor pod of `cluster` in `namespace` (by default the operator's own).
    func supervisorAddress(of cluster: String, in namespace: String? = nil) -> String? {
        supervisorPods(of: cluster, in: namespace)
            .filter { !$0.metadata.isDeleting && $0.status?.phase == "Running" }
            .compactMap { $0.status?.podIP }
            .first
    }
}
