import KubeClient
import Prometheus
import ServiceKit

/// The operator's metrics: the original's status gauges plus reconcile, queue, leadership and API request metrics.
struct OperatorMetrics: Sendable {
    let registry: MetricsRegistry
    let namespace: String
    let leader: Gauge
    let queueDepth: Gauge

    init(registry: MetricsRegistry, namespace: String) {
        self.registry = registry
        self.namespace = namespace
        leader = registry.gauge("toolbox_leader", help: "1 while this operator replica leads, else 0.")
        queueDepth = registry.gauge("toolbox_workqueue_depth", help: "Keys waiting in the reconcile queue.")
    }

    /// `flink_operator_cluster_status` / `flink_operator_job_status`: resources per supervisor status.
    func updateStatusGauges(clusters: [FlinkCluster], jobs: [FlinkJob]) {
        let states = ["Unknown", "Starting", "Started", "Stopping", "Stopped", "Terminated"]
        let clusterStates = clusters.map { $0.status?.supervisorStatus?.rawValue ?? "Unknown" }
        let jobStates = jobs.map { $0.status?.supervisorStatus?.rawValue ?? "Unknown" }
        for state in states {
            registry.gauge("flink_operator_cluster_status", help: "FlinkClusters by supervisor status.", labels: [("namespace", namespace), ("status", state)])
                .set(Double(clusterStates.filter { $0 == state }.count))
            registry.gauge("flink_operator_job_status", help: "FlinkJobs by supervisor status.", labels: [("namespace", namespace), ("status", state)])
                .set(Double(jobStates.filter { $0 == state }.count))
        }
    }

    /// Counts one reconcile and records its duration.
    func reconciled(kind: String, result: String, duration: Duration) {
        registry.counter("toolbox_reconcile_total", help: "Reconciles by resource kind and result.", labels: [("kind", kind), ("result", result)])
            .increment()
        registry.durationHistogram("toolbox_reconcile_duration_seconds", help: "Duration of reconciles.", labels: [("kind", kind)])
            .record(duration)
    }

    /// Counts one Kubernetes API request.
    func kubeRequest(_ record: KubeRequestRecord) {
        registry.counter(
            "toolbox_kube_requests_total", help: "Kubernetes API requests by verb and HTTP status code (0: no answer).",
            labels: [("verb", record.verb), ("code", String(record.code))]
        ).increment()
    }
}
