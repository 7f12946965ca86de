import Foundation
import KubeClient
import KubeModels
import Logging
import SupervisorKit
import Testing
import ToolboxCore

/// Failures of Kubernetes and Flink: what the supervisor writes, and what it leaves alone.
@Suite("Supervisor failures against fakes")
struct SupervisorFailureTests {
    @Test("a 403 on pod creation: terminal, Degraded/Forbidden + one Warning Event, not retried until something changes")
    func forbidden() async throws {
        let harness = SupervisorHarness()
        let forbidden = KubeError(kind: .forbidden, code: 403, message: "pods is forbidden")
        harness.kube.fail("create", Pod.self, with: forbidden)
        try harness.kube.apply(SupervisorHarness.cluster())
        let runtime = Controller(reconciler: harness.controller, queue: harness.controller.queue, logger: Logger(label: "test"))
        var lines: [String] = []
        for _ in 0..<5 where !lines.contains("create Pod failed: 403") {
            let mark = harness.journal.count
            await runtime.process("demo")
            lines = harness.journal.lines(since: mark)
            harness.advance(5)
        }
        #expect(
            lines == [
                "status FlinkCluster demo Starting", "event Normal JobManagerPodCreated on FlinkCluster demo", "create Pod failed: 403",
                "event Warning Forbidden on FlinkCluster demo", "status FlinkCluster demo Starting",
            ])
        let degraded = Conditions.find(.degraded, in: harness.storedCluster?.status?.conditions)
        #expect(degraded?.status == ._true && degraded?.reason == "Forbidden")
        #expect(await harness.controller.queue.failureCount("demo") == 0)
        let quiet = harness.journal.count
        try await Task.sleep(for: .milliseconds(200))
        #expect(await harness.controller.queue.depth == 0, "no retry with backoff is queued")
        #expect(harness.journal.count == quiet)

        // The failure's own writes (status, Event) come back through the watch and queue the key: nothing it reads
        // changed, so it is not reconciled — no retry at watch speed, no Degraded flapping.
        var mark = harness.journal.count
        await runtime.process("demo")
        #expect(harness.journal.lines(since: mark).isEmpty, "a terminal failure waits for a change of its inputs")

        // A change of the object is reconciled: the same failure, the same Event (its count bumped).
        var touched = try #require(harness.storedCluster)
        touched.metadata.labels = (touched.metadata.labels ?? [:]).merging(["touched": "1"]) { _, new in new }
        try harness.kube.apply(touched)
        mark = harness.journal.count
        await runtime.process("demo")
        let again = harness.journal.lines(since: mark)
        #expect(again.contains("create Pod failed: 403") && again.contains("event repeated Forbidden"))
        #expect(!again.contains { $0.hasPrefix("event Warning") }, "one Warning Event, its count bumped")
        #expect(Conditions.find(.degraded, in: harness.storedCluster?.status?.conditions)?.reason == "Forbidden")

        // Permission granted: the next pass creates the pod and clears Degraded.
        harness.kube.fail("create", Pod.self, with: nil)
        harness.advance(5)
        touched = try #require(harness.storedCluster)
        touched.metadata.labels?["touched"] = "2"
        try harness.kube.apply(touched)
        mark = harness.journal.count
        await runtime.process("demo")
        await runtime.process("demo")
        #expect(harness.journal.lines(since: mark).contains("create Pod jobmanager-demo-1"))
        #expect(Conditions.find(.degraded, in: harness.storedCluster?.status?.conditions)?.status != ._true)
    }

    @Test("Flink unreachable for less than taskTimeout: no restart, no pod deleted, the job stays Started")
    func flinkOutage() async throws {
        let harness = SupervisorHarness(taskTimeout: 300)
        try await harness.runningJob()
        let mark = harness.journal.count
        harness.flink.state.withLock { $0.down = true }
        for _ in 0..<14 {
            harness.advance(20)
            try await harness.pass()
        }
        let lines = harness.journal.lines(since: mark)
        #expect(!lines.contains { $0.hasPrefix("delete") || $0.hasPrefix("flink") || $0.hasPrefix("create") })
        #expect(!lines.contains { $0.contains("Stopping") || $0.contains("Stopped") })
        #expect(harness.storedCluster?.status?.supervisorStatus == .started)
        #expect(harness.storedJob?.status?.supervisorStatus == .started)
        #expect(harness.storedJob?.status?.jobId == "job-1")

        harness.flink.state.withLock { $0.down = false }
        harness.advance(5)
        try await harness.settle()
        #expect(harness.storedCluster?.status?.clusterHealth == .healthy)
        #expect(!harness.journal.lines(since: mark).contains { $0.hasPrefix("delete") || $0.hasPrefix("flink") })
    }
}
