import KubeClient
import Prometheus
import ServiceKit
import ToolboxCore

/// The operator's metrics: the original's status gauges plus Degraded counts, reconcile, queue, leadership and API
/// request metrics.
struct OperatorMetrics: Sendable {
    let registry: MetricsRegistry
    let namespace: String
    let leader: Gauge

    init(registry: MetricsRegistry, namespace: String) {
        self.registry = registry
        self.namespace = namespace
        leader = registry.gauge("toolbox_leader", help: "1 while this operator replica leads, else 0.")
        for state in StatusCounts.states {
            set("flink_operator_cluster_status", "FlinkClusters", (state, 0))
            set("flink_operator_job_status", "FlinkJobs", (state, 0))
        }
        for kind in [StatusCounts.Kind.deployment, .cluster, .job] { setDegraded(kind, count: 0) }
    }

    /// `flink_operator_cluster_status` / `flink_operator_job_status`: resources per supervisor status, kept by
    /// counting each change (an event costs O(1), not a pass over every cached resource).
    let statusCounts = StatusCounts()

    /// The supervisor status of a cached FlinkCluster changed (`nil`: it is gone).
    func clusterStatusChanged(_ key: ObjectKey, to state: String?) {
        statusCounts.change(.cluster, key, to: state).forEach { set("flink_operator_cluster_status", "FlinkClusters", $0) }
    }

    /// The supervisor status of a cached FlinkJob changed (`nil`: it is gone).
    func jobStatusChanged(_ key: ObjectKey, to state: String?) {
        statusCounts.change(.job, key, to: state).forEach { set("flink_operator_job_status", "FlinkJobs", $0) }
    }

    /// `flink_operator_degraded{namespace,kind}`: cached resources whose `Degraded` condition is True.
    let degradedCounts = StatusCounts(states: ["True", "False"], fallback: "False")

    /// Whether a cached resource is Degraded changed (`nil`: it is gone).
    func degradedChanged(_ kind: StatusCounts.Kind, _ key: ObjectKey, to degraded: Bool?) {
        for count in degradedCounts.change(kind, key, to: degraded.map { $0 ? "True" : "False" }) where count.state == "True" {
            setDegraded(kind, count: count.count)
        }
    }

    private func setDegraded(_ kind: StatusCounts.Kind, count: Int) {
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

    private func set(_ name: String, _ kind: String, _ count: (state: String, count: Int)) {
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
