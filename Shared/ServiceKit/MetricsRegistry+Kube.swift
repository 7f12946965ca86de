import KubeClient
import Prometheus

extension MetricsRegistry {
    /// Records one Kubernetes API request: `toolbox_kube_requests_total{verb,code}` and
    /// `toolbox_kube_request_duration_seconds{verb,resource,code}` (code 0: no answer).
    public func recordKubeRequest(_ record: KubeRequestRecord) {
        let code = String(record.code)
        counter(
            "toolbox_kube_requests_total", help: "Kubernetes API requests by verb and HTTP status code (0: no answer).",
            labels: [("verb", record.verb), ("code", code)]
        )
        .increment()
        durationHistogram(
            "toolbox_kube_request_duration_seconds", help: "Latency of Kubernetes API requests by verb, resource and HTTP status code (0: no answer).",
            labels: [("verb", record.verb), ("resource", record.resource), ("code", code)]
        )
        .record(record.duration)
    }

    /// The reconcile work queue's metrics: `toolbox_workqueue_adds_total`, `toolbox_workqueue_retries_total`,
    /// `toolbox_workqueue_queue_duration_seconds` (from add to a worker taking the key) and `toolbox_workqueue_depth`.
    public func workQueueMetrics() -> WorkQueueMetrics {
        let adds = counter("toolbox_workqueue_adds_total", help: "Keys added to the reconcile queue (an add of a key already waiting is not counted).")
        let retries = counter("toolbox_workqueue_retries_total", help: "Keys queued again after a failed reconcile.")
        let waits = durationHistogram(
            "toolbox_workqueue_queue_duration_seconds", help: "Time a key waited in the reconcile queue, from its add to a worker taking it.",
            buckets: MetricsRegistry.queueBuckets
        )
        let depth = gauge("toolbox_workqueue_depth", help: "Keys waiting in the reconcile queue.")
        return WorkQueueMetrics(
            added: { adds.increment() }, retried: { retries.increment() }, waited: { waits.record($0) }, depthChanged: { depth.set(Double($0)) }
        )
    }

    /// Buckets for the wait of a key in a work queue, from 100 µs to 1 min.
    public static let queueBuckets: [Duration] = [
        .microseconds(100), .milliseconds(1), .milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
    ]
}
