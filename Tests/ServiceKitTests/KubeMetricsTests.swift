import KubeClient
import ServiceKit
import TestSupport
import Testing

@Suite("Kubernetes API and work-queue metrics")
struct KubeMetricsTests {
    @Test("API requests are counted and timed by verb, resource and code, in the latency buckets, and pass promtool")
    func kubeRequests() {
        let metrics = MetricsRegistry(component: "operator", version: "test")
        metrics.recordKubeRequest(KubeRequestRecord(verb: "PUT", resource: "flinkclusters/status", code: 200, duration: .milliseconds(30)))
        metrics.recordKubeRequest(KubeRequestRecord(verb: "PUT", resource: "flinkclusters/status", code: 200, duration: .milliseconds(3)))
        metrics.recordKubeRequest(KubeRequestRecord(verb: "GET", resource: "pods", code: 0, duration: .seconds(30)))
        let text = metrics.exposition()
        let status = #"verb="PUT",resource="flinkclusters/status",code="200""#
        #expect(text.contains(#"toolbox_kube_requests_total{verb="PUT",code="200"} 2"#))
        #expect(text.contains("toolbox_kube_request_duration_seconds_count{\(status)} 2"))
        #expect(text.contains(#"toolbox_kube_request_duration_seconds_count{verb="GET",resource="pods",code="0"} 1"#))
        #expect(text.contains("toolbox_kube_request_duration_seconds_bucket{\(status),le=\"0.005\"} 1"))
        #expect(text.contains("toolbox_kube_request_duration_seconds_bucket{\(status),le=\"0.05\"} 2"))
        let check = runTool(["promtool", "check", "metrics"], standardInput: text)
        #expect(check.status == 0, "promtool: \(check.output)")
    }

    @Test("a work queue reports adds, retries, waits and depth to the registry, and the exposition passes promtool")
    func workQueue() async {
        let metrics = MetricsRegistry(component: "supervisor", version: "test")
        let queue = WorkQueue<String>(baseDelay: .seconds(3600), metrics: metrics.workQueueMetrics())
        #expect(metrics.exposition().contains("toolbox_workqueue_depth 0"))
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(metrics.exposition().contains("toolbox_workqueue_depth 2"))
        _ = await queue.next()
        await queue.addRateLimited("a")
        let text = metrics.exposition()
        #expect(text.contains("toolbox_workqueue_adds_total 2"))
        #expect(text.contains("toolbox_workqueue_retries_total 1"))
        #expect(text.contains("toolbox_workqueue_queue_duration_seconds_count 1"))
        #expect(text.contains("toolbox_workqueue_depth 1"))
        let check = runTool(["promtool", "check", "metrics"], standardInput: text)
        #expect(check.status == 0, "promtool: \(check.output)")
    }
}
