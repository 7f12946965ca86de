import KubeClient
import Prometheus
import ServiceKit
import ToolboxCore

/// The supervisor's metrics: cluster and job states, savepoints, reconciles and Flink request latencies.
package struct SupervisorMetrics: Sendable {
    /// Where the metrics are registered.
    package let registry: MetricsRegistry
    /// The supervised cluster (a label of every metric).
    package let cluster: String
    /// `toolbox_leader`.
    package let leader: Gauge

    /// The metrics of cluster `cluster` in `registry`.
    package init(registry: MetricsRegistry, cluster: String) {
        self.registry = registry
        self.cluster = cluster
        leader = registry.gauge("toolbox_leader", help: "1 while this supervisor replica leads, else 0.")
    }

    private static let states = ["Unknown", "Starting", "Started", "Stopping", "Stopped", "Terminated"]

    /// `flink_supervisor_cluster_status` (1 for the cluster's state) and `flink_supervisor_job_status` (jobs per state).
    func updateStates(cluster object: FlinkCluster, jobs: [FlinkJob]) {
        let clusterState = object.status?.supervisorStatus?.rawValue ?? "Unknown"
        let jobStates = jobs.map { $0.status?.supervisorStatus?.rawValue ?? "Unknown" }
        for state in Self.states {
            registry.gauge(
                "flink_supervisor_cluster_status", help: "1 for the supervised cluster's current state.", labels: [("cluster", cluster), ("status", state)]
            )
            .set(clusterState == state ? 1.0 : 0.0)
            registry.gauge("flink_supervisor_job_status", help: "The cluster's FlinkJobs by state.", labels: [("cluster", cluster), ("status", state)])
                .set(Double(jobStates.filter { $0 == state }.count))
        }
    }

    /// Counts a state transition.
    func transition(kind: String, to state: String) {
        registry.counter("flink_supervisor_transitions_total", help: "State transitions by kind and target state.", labels: [("kind", kind), ("to", state)])
            .increment()
    }

    /// Counts a savepoint request Flink accepted.
    func savepointRequested(stop: Bool) {
        registry.counter("flink_supervisor_savepoint_requests_total", help: "Savepoint requests sent to Flink.", labels: [("stop", String(stop))])
            .increment()
    }

    /// Counts a finished savepoint and records how long it took from request to result.
    func savepointFinished(result: String, seconds: Double) {
        registry.counter("flink_supervisor_savepoints_total", help: "Finished savepoint requests by result.", labels: [("result", result)])
            .increment()
        registry.durationHistogram(
            "flink_supervisor_savepoint_duration_seconds", help: "Time from savepoint request to its result.", labels: [("result", result)]
        )
        .record(.milliseconds(Int64(seconds * 1000)))
    }

    /// Counts one pass and records its duration.
    func reconciled(result: String, duration: Duration) {
        registry.counter("toolbox_reconcile_total", help: "Reconcile passes by result.", labels: [("kind", "FlinkCluster"), ("result", result)]).increment()
        registry.durationHistogram("toolbox_reconcile_duration_seconds", help: "Duration of reconcile passes.", labels: [("kind", "FlinkCluster")]).record(
            duration)
    }

    /// Records one Flink REST call.
    func flinkRequest(operation: String, outcome: String, duration: Duration) {
        registry.durationHistogram(
            "flink_supervisor_flink_request_duration_seconds", help: "Flink REST calls by operation and outcome.",
            labels: [("operation", operation), ("outcome", outcome)]
        )
        .record(duration)
    }

    /// Counts one Kubernetes API request.
    package func kubeRequest(_ record: KubeRequestRecord) {
        registry.counter(
            "toolbox_kube_requests_total", help: "Kubernetes API requests by verb and HTTP status code (0: no answer).",
            labels: [("verb", record.verb), ("code", String(record.code))]
        )
        .increment()
    }
}
