import BootstrapKit
import FlinkClient
import Foundation
import Logging
import Testing
import ToolboxAPI

/// `--plan-only`: the restore-compatibility check's bootstrap uploads the JAR, asks Flink for the plan and reports
/// it; it never runs the job.
@Suite("Bootstrap runner: plan only")
struct BootstrapPlanOnlyTests {
    static let plan = BootstrapPlan(
        clusterName: "demo", jobName: "counter", jarPath: "/opt/jobs/jobs.jar", className: "com.example.Counting", parallelism: 2,
        arguments: ["--without-counter", "true"], attempts: 2, retryDelay: 0, planOnly: true, bootstrapDigest: "digest-1"
    )

    static func run(_ flink: ScriptedFlink, _ supervisor: ScriptedSupervisor, progress: BootstrapProgress) async throws {
        try await BootstrapRunner(
            plan: plan, flink: flink, reporter: supervisor, progress: progress,
            logger: Logger(label: "bootstrap-test") { _ in SwiftLogNoOpLogHandler() }, readJar: { _ in Data("jar".utf8) }
        ).run()
    }

    @Test("the plan's vertices are reported as Planned with the digest; the job is never run; the JAR is deleted")
    func planned() async throws {
        let vertices = [JobGraphVertex(id: "a1", name: "Source: Sequence"), JobGraphVertex(id: "b2", name: "Discard")]
        let flink = ScriptedFlink(vertices: vertices)
        let supervisor = ScriptedSupervisor()
        let progress = BootstrapProgress(clusterName: "demo", jobName: "counter")
        try await Self.run(flink, supervisor, progress: progress)
        #expect(flink.recorded.runs.isEmpty)
        #expect(flink.recorded.plans == [["--without-counter", "true"]])
        #expect(flink.recorded.deletedJars.count == 1)
        let report = try #require(supervisor.accepted.first)
        #expect(supervisor.accepted.count == 1)
        #expect(report.outcome == .planned)
        #expect(report.bootstrapDigest == "digest-1")
        #expect(report.vertices?.map(\.id) == ["a1", "b2"])
        #expect(report.vertices?.map(\.name) == ["Source: Sequence", "Discard"])
        #expect(progress.snapshot.phase == .succeeded)
    }

    @Test("a plan Flink refuses is reported as PlanFailed with Flink's reason, and the bootstrap ends normally")
    func planFailed() async throws {
        let rejected = FlinkError.rejected(code: 400, errors: ["ClassNotFoundException: com.example.Counting"])
        let flink = ScriptedFlink(plan: [.fail(rejected)])
        let supervisor = ScriptedSupervisor()
        try await Self.run(flink, supervisor, progress: BootstrapProgress(clusterName: "demo", jobName: "counter"))
        #expect(flink.recorded.runs.isEmpty)
        #expect(flink.recorded.plans.count == 1, "a 400 is not retried")
        #expect(flink.recorded.deletedJars.count == 1)
        #expect(supervisor.accepted.map(\.outcome) == [.planFailed])
        #expect(supervisor.accepted.first?.message?.contains("ClassNotFoundException") == true)
        #expect(supervisor.accepted.first?.bootstrapDigest == "digest-1")
    }

    @Test("a report that cannot be delivered fails the bootstrap, so Kubernetes retries the pod")
    func reportFails() async throws {
        let flink = ScriptedFlink()
        let supervisor = ScriptedSupervisor([.fail(TransportError())])
        await #expect(throws: TransportError.self) {
            try await Self.run(flink, supervisor, progress: BootstrapProgress(clusterName: "demo", jobName: "counter"))
        }
        #expect(supervisor.recorded.count == 2)
        #expect(flink.recorded.runs.isEmpty)
    }
}
