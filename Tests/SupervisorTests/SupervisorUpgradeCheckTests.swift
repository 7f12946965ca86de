import FlinkClient
import Foundation
import KubeModels
import SupervisorKit
import Testing
import ToolboxAPI
import ToolboxCore

/// The restore-compatibility check through the supervisor: plan-only Job, plan report, running vertices from Flink.
@Suite("Supervisor restore-compatibility check against fakes")
struct SupervisorUpgradeCheckTests {
    /// The running job: a stateful source and counter, a stateless sink (its state size is 0).
    static func runningVertices() throws -> [JobDetails.Vertex] {
        let json = #"""
            [{"id":"source","name":"Source: Sequence","parallelism":1,"status":"RUNNING"},
             {"id":"counter","name":"Counter","parallelism":1,"status":"RUNNING"},
             {"id":"sink","name":"Discard","parallelism":1,"status":"RUNNING"}]
            """#
        return try JSONDecoder().decode([JobDetails.Vertex].self, from: Data(json.utf8))
    }

    /// A harness whose job-1 runs with checkpointed state, and whose stored job's bootstrap arguments were changed.
    static func changed() async throws -> SupervisorHarness {
        let harness = SupervisorHarness()
        try await harness.runningJob()
        let vertices = try runningVertices()
        harness.flink.state.withLock {
            $0.vertices["job-1"] = vertices
            $0.checkpoints["job-1"] = CheckpointStatistics(completed: 3, latestId: 3)
            $0.stateSizes = ["source": 200, "counter": 100, "sink": 0]
        }
        var job = try #require(harness.storedJob)
        job.spec.bootstrap.arguments = ["--without-counter", "true"]
        _ = try harness.kube.apply(job)
        return harness
    }

    static func report(_ harness: SupervisorHarness, vertices: [String]) async throws {
        let digest = try #require(harness.storedJob?.status?.upgradeCheck?.bootstrapDigest)
        let report = Components.Schemas.BootstrapReport(
            outcome: .planned, vertices: vertices.map { .init(id: $0, name: $0) }, bootstrapDigest: digest, attempt: 1)
        #expect(try await harness.controller.accept(report, jobName: "job") == "plan recorded")
    }

    @Test("a plan without the stateful counter: refused, the plan Job deleted, Flink job-1 never stopped")
    func refused() async throws {
        let harness = try await Self.changed()
        let lines = try await harness.pass()
        #expect(lines.contains("create Job bootstrap-demo-job-plan"), "\(lines)")
        #expect(harness.storedJob?.status?.upgradeCheck?.phase == .checking)

        try await Self.report(harness, vertices: ["source"])
        harness.advance(5)
        let verdict = try await harness.pass()
        #expect(verdict.contains("delete Job bootstrap-demo-job-plan"), "\(verdict)")
        #expect(verdict.contains("event Warning IncompatibleUpgrade on FlinkJob demo-job"), "\(verdict)")
        let status = try #require(harness.storedJob?.status)
        #expect(status.upgradeCheck?.phase == .incompatible)
        #expect(status.upgradeCheck?.missingOperators == ["Counter"])
        #expect(status.supervisorStatus == .started && status.jobId == "job-1")
        harness.advance(5)
        let after = try await harness.settle()
        #expect(!(harness.journal.lines).contains { $0.hasPrefix("flink stop") || $0.hasPrefix("flink cancel") }, "\(after)")
    }

    @Test("a plan with every stateful vertex: the upgrade proceeds to Stopping")
    func compatible() async throws {
        let harness = try await Self.changed()
        try await harness.pass()
        try await Self.report(harness, vertices: ["source", "counter"])
        harness.advance(5)
        try await harness.pass()
        #expect(harness.storedJob?.status?.upgradeCheck?.phase == .compatible)
        #expect(harness.storedJob?.status?.supervisorStatus == .stopping)
    }

    @Test("a pass that needs both the job's health (last-state) and its stateful vertices asks for its checkpoints once")
    func checkpointsAskedOnce() async throws {
        let harness = try await Self.changed()
        var job = try #require(harness.storedJob)
        job.spec.savepoint.upgradeMode = .lastState
        _ = try harness.kube.apply(job)
        try await harness.pass()
        #expect(harness.storedJob?.status?.upgradeCheck?.phase == .checking)
        harness.flink.state.withLock { $0.checkpointCalls = 0 }
        harness.advance(1)
        try await harness.pass()
        #expect(harness.flink.state.withLock { $0.checkpointCalls } == 1)
    }

    @Test("a plan report without bootstrapDigest (optional in the contract) matches no check: ignored, nothing recorded")
    func planReportWithoutDigest() async throws {
        let harness = try await Self.changed()
        try await harness.pass()
        let report = Components.Schemas.BootstrapReport(outcome: .planFailed, attempt: 1)
        let answer = try await harness.controller.accept(report, jobName: "job")
        #expect(answer.hasPrefix("ignored:"), "\(answer)")
        #expect(harness.storedJob?.status?.upgradeCheck?.phase == .checking)
    }
}
