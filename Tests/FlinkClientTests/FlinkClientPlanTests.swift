import FlinkClient
import Foundation
import TestSupport
import Testing

/// `/jars/<id>/plan` and checkpoint details against real Flink: what the restore-compatibility check compares.
@Suite("Flink client: plans and state sizes against real Flink", .serialized)
struct FlinkClientPlanTests {
    @Test("a plan's vertex ids are the running job's; without the counter its vertex is absent; only stateful vertices have state")
    func plan() async throws {
        let cluster = try FlinkTestCluster.start(version: "2.3.0", taskManagers: 1, slots: 2)
        defer { cluster.stop() }
        let client = FlinkRESTClient(baseURL: cluster.restURL)
        defer { Task { try? await client.shutdown() } }
        let jarId = try await client.uploadJar(contents: Data(contentsOf: cluster.jobsJar), fileName: "toolbox-test-jobs.jar")

        let full = try await client.jarPlan(jarId: jarId, entryClass: TestJobs.counting, programArgs: [], parallelism: 1)
        let reduced = try await client.jarPlan(jarId: jarId, entryClass: TestJobs.counting, programArgs: ["--without-counter", "true"], parallelism: 1)
        let counter = try #require(full.first { $0.name.contains("Counter") }, "plan: \(full)")
        #expect(full.allSatisfy { $0.id.count == 32 })
        #expect(!reduced.contains { $0.id == counter.id }, "reduced plan: \(reduced)")
        #expect(!reduced.contains { $0.name.contains("Counter") })
        let source = try #require(full.first { $0.name.contains("Sequence") })
        #expect(reduced.contains { $0.id == source.id }, "the source keeps its uid, so its vertex id")

        let jobId = try await client.runJar(jarId, RunRequest(entryClass: TestJobs.counting, parallelism: 1))
        try await waitFor("job running") { try await client.jobDetails(jobId).allTasksRunning }
        #expect(Set(try await client.jobDetails(jobId).vertices.map(\.id)) == Set(full.map(\.id)), "the plan names the running job's vertices")

        let trigger = try await client.triggerSavepoint(jobId, targetDirectory: cluster.savepointDirectory)
        try await waitFor("savepoint") { try await client.savepointStatus(jobId, triggerId: trigger) != .inProgress }
        let statistics = try await client.checkpointStatistics(jobId)
        let latest = try #require(statistics.latestId)
        let sizes = try await client.checkpointStateSizes(jobId, checkpointId: latest)
        #expect((sizes[counter.id] ?? 0) > 0, "sizes: \(sizes)")
        if let discard = full.first(where: { $0.name.contains("Discard") && !$0.name.contains("Counter") }) {
            #expect((sizes[discard.id] ?? 0) == 0, "the sink holds no state: \(sizes)")
        }
        try await client.cancel(jobId)
        try? await client.deleteJar(jarId)
    }
}
