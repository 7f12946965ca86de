import Foundation
import KubeModels
import SupervisorKit
import Testing
import ToolboxCore

/// Teardown of a deleted cluster and its job.
@Suite("Supervisor deletion against fakes")
struct SupervisorDeletionTests {
    @Test("deleted cluster and job: the job is stopped, then Terminated; finalizers go job first, then cluster")
    func deletion() async throws {
        let harness = SupervisorHarness()
        try await harness.runningJob()
        let mark = harness.journal.count
        try harness.markDeleted(harness.storedJob)
        try harness.markDeleted(harness.storedCluster)
        try await harness.settle()
        let lines = harness.journal.lines(since: mark)
        func index(_ prefix: String) -> Int { lines.firstIndex { $0.hasPrefix(prefix) } ?? Int.max }
        let stop = min(index("flink stop job-1"), index("flink cancel job-1"))
        #expect(stop < index("status FlinkJob demo-job Terminated"))
        #expect(index("status FlinkJob demo-job Terminated") < index("patch FlinkJob demo-job finalizers=[]"))
        #expect(index("patch FlinkJob demo-job finalizers=[]") < index("status FlinkCluster demo Terminated"))
        #expect(index("delete Pod jobmanager-demo-1") < index("status FlinkCluster demo Terminated"))
        #expect(index("delete Service jobmanager-demo") < index("status FlinkCluster demo Terminated"))
        #expect(index("status FlinkCluster demo Terminated") < index("patch FlinkCluster demo finalizers=[]"))
        #expect(index("patch FlinkCluster demo finalizers=[]") < Int.max)
        #expect(harness.storedJob == nil && harness.storedCluster == nil, "both objects are gone from the API server")
        #expect(harness.flink.state.withLock { $0.jobs["job-1"] } != "RUNNING")
    }
}
