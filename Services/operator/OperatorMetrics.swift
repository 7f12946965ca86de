import KubeClient
import Prometheus
import ServiceKit
import Synchronization
import ToolboxCore

/// The operator's metrics: the original's status gauges plus Degraded counts, reconcile, queue, leadership and API
/// request metrics.
/// The per-resource gauges carry the resource's namespace: the operator's own and each listed one start at zero, any
/// other (with `--all-namespaces`) the first time one of its resources is seen.
struct OperatorMetrics: Sendable {
    let registry: MetricsRegistry
    /// The operator's own namespace.
    let namespace: String
    let leader: Gauge
    private let seen = SeenNamespaces()

    init(registry: MetricsRegistry, namespace: String, watched: WatchedNamespaces? = nil) {
        self.registry = registry
        self.namespace = namespace
        leader = registry.gauge("toolbox_leader", help: "1 while this operator replica leads, else 0.")
        var initial = [namespace]
        if case .only(let names) = watched { initial += names }
        for namespace in initial { zeroOnFirstSight(namespace) }
    }

    /// Sets the gauges of `namespace` to zero the first time it is met.
    private func zeroOnFirstSight(_ namespace: String) {
        guard seen.insert(namespace) else { return }
        for state in StatusCounts.states {
            set("flink_operator_cluster_status", "FlinkClusters", (state, 0), namespace)
            set("flink_operator_job_status", "FlinkJobs", (state, 0), namespace)
        }
        for kind in [StatusCounts.Kind.deployment, .cluster, .job] { setDegraded(kind, count: 0, namespace) }
    }

    /// The namespace label of `key`.
    private func label(_ key: ObjectKey) -> String {
        let label = key.namespace ?? namespace
        zeroOnFirstSight(label)
        return label
    }

    /// `flink_operator_cluster_status` / `flink_operator_job_status`: resources per supervisor status, kept by
    /// counting each change (an event costs O(1), not a pass over every cached resource).
    let statusCounts = StatusCounts()

    /// The supervisor status of a cached FlinkCluster changed (`nil`: it is gone).
    func clusterStatusChanged(_ key: ObjectKey, to state: String?) {
        let namespace = label(key)
        statusCounts.change(.cluster, key, to: state).forEach { set("flink_operator_cluster_status", "FlinkClusters", $0, namespace) }
    }

    /// The supervisor status of a cached FlinkJob changed (`nil`: it is gone).
    func jobStatusChanged(_ key: ObjectKey, to state: String?) {
        let namespace = label(key)
        statusCounts.change(.job, key, to: state).forEach { set("flink_operator_job_status", "FlinkJobs", $0, namespace) }
    }

    /// `flink_operator_degraded{namespace,kind}`: cached resources whose `Degraded` condition is True.
    let degradedCounts = StatusCounts(states: ["True", "False"], fallback: "False")

    /// Whether a cached resource is Degraded changed (`nil`: it is gone).
    func degradedChanged(_ kind: StatusCounts.Kind, _ key: ObjectKey, to degraded: Bool?) {
        let namespace = label(key)
        for count in degradedCounts.change(kind, key, to: degraded.map { $0 ? "True" : "False" }) where count.state == "True" {
            setDegraded(kind, count: count.count, namespace)
        }
    }

    private func setDegraded(_ kind: StatusCounts.Kind, count: Int, _ namespace: String) {
        let name =
            switch kind {
            case .deployment: FlinkDeployment.resource.kind
            case .cluster: FlinkCluster.resource.kind
            case .job: FlinkJob.resource.kind
            }
        registry.gauge(
            "flink_operator_degraded", help: "FlinkDeployments, FlinkClusters and FlinkJobs whose Degraded condition is True, by kind.",
            labels: [("namespace", namespace), ("kind", name)]
        ).set(Double(count))
    }

    private func set(_ name: String, _ kind: String, _ count: (state: String, count: Int), _ namespace: String) {
        registry.gauge(name, help: "\(kind) by supervisor status.", labels: [("namespace", namespace), ("status", count.state)])
            .set(Double(count.count))
    }

    /// Counts one reconcile and records its duration.
    func reconciled(kind: String, result: String, duration: Duration) {
        registry.counter("toolbox_reconcile_total", help: "Reconciles by resource kind and result.", labels: [("kind", kind), ("result", result)])
            .increment()
        registry.durationHistogram("toolbox_reconcile_duration_seconds", help: "Duration of reconciles.", labels: [("kind", kind)])
            .record(duration)
    }

    /// Records one Kubernetes API request (count and latency).
    func kubeRequest(_ record: KubeRequestRecord) {
        registry.recordKubeRequest(record)
    }
}

/// The namespaces whose gauges exist.
private final class SeenNamespaces: Sendable {
    private let names = Mutex(Set<String>())

    /// Adds `namespace`; whether it was new.
    func insert(_ namespace: String) -> Bool { names.withLock { $0.insert(namespace).inserted } }
}
