import Foundation
import KubeClient
import KubeModels
import SupervisorKit
import Testing
import ToolboxCore

/// The supervisor's observe → decide → store → execute path against scripted fakes: the exact writes and calls.
@Suite("Supervisor pass against fakes")
struct SupervisorPassTests {
    @Test("a new FlinkCluster: finalizer, Starting, JobManager pod, Service, TaskManager pods; then nothing")
    func newCluster() async throws {
        let harness = SupervisorHarness()
        try harness.kube.apply(SupervisorHarness.cluster())
        let lines = try await harness.settle()
        let finalizer = ResourceNames.supervisorFinalizer
        #expect(
            lines == [
                "status FlinkCluster demo",  // conditions of an unsupervised cluster
                "patch FlinkCluster demo finalizers=[\(finalizer)]",
                "status FlinkCluster demo Starting", "patch FlinkCluster demo annotations", "event Normal Starting on FlinkCluster demo",
                "status FlinkCluster demo Starting", "event Normal JobManagerPodCreated on FlinkCluster demo", "create Pod jobmanager-demo-1",
                "status FlinkCluster demo Starting", "event Normal ServiceCreated on FlinkCluster demo", "create Service jobmanager-demo",
                "status FlinkCluster demo Started", "event Normal Started on FlinkCluster demo",
                "status FlinkCluster demo Started", "event Normal TaskManagerPodsCreated on FlinkCluster demo", "create Pod taskmanager-demo-2",
                "status FlinkCluster demo Started",
            ])
        let created = harness.journal.all.filter { $0.line.hasPrefix("create Pod jobmanager") }.compactMap(\.object)
        #expect(created.first?["metadata"]?["labels"]?["role"]?.stringValue == "jobmanager")
        #expect(try await harness.pass().isEmpty)
        harness.advance(60)
        #expect(try await harness.pass().isEmpty, "at rest, time passing writes nothing either")
    }
}
