import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// The restore-compatibility check: before a running job is stopped for a changed bootstrap spec, the new job's plan
/// must contain every vertex with state in the running job, unless allowNonRestoredState is set.
@Suite("JobStateMachine: restore-compatibility check")
struct UpgradeCheckTests {
    typealias JF = JobFixtures
    static let running = ObservedJobState.state("RUNNING")
    /// A Started job whose spec's bootstrap changed (the running job has the fixture's spec).
    static let changed = FlinkJob.fixture(state: .started).with { $0.spec.bootstrap.arguments = ["--without-counter", "true"] }
    static var digest: String { SpecDigest.of(changed.spec.bootstrap) }
    /// The running job: a stateful source, a stateful counter, a stateless sink.
    static let runningVertices: [ObservedVertex] = [
        .init(id: "source", name: "Sequence"), .init(id: "counter", name: "Counter"), .init(id: "sink", name: "Discard", stateful: false),
    ]

    static func planned(_ ids: [String], digest: String = digest) -> ObservedUpgradePlan {
        .init(bootstrapDigest: digest, result: .success(ids.map { ObservedVertex(id: $0, name: $0) }))
    }

    static func decide(
        _ job: FlinkJob, plan: ObservedUpgradePlan? = nil, vertices: [ObservedVertex]? = runningVertices, checkJob: BatchJob? = nil,
        flink: ObservedJobState = running
    ) -> JobDecision {
        JobStateMachine.decide(JF.observe(job, flink: flink, upgradeCheckJob: checkJob, plan: plan, runningVertices: vertices))
    }

    static func createdCheckJob(_ decision: JobDecision) -> BatchJob? {
        decision.actions.compactMap { action -> BatchJob? in
            if case .createBootstrapJob(let job) = action { return job }
            return nil
        }.first
    }

    @Test("a changed spec of a running job starts a check: Checking, a plan-only Job, the job keeps running")
    func checkBegins() throws {
        let decision = Self.decide(Self.changed)
        #expect(decision.transition == JobStarted.checkingUpgrade)
        #expect(decision.job.status?.supervisorStatus == .started)
        #expect(decision.job.status?.upgradeCheck?.phase == .checking)
        #expect(decision.job.status?.upgradeCheck?.bootstrapDigest == Self.digest)
        let job = try #require(Self.createdCheckJob(decision))
        #expect(job.metadata.name == "bootstrap-demo-job-plan")
        #expect(job.metadata.labels?["role"] == BootstrapResources.upgradeCheckRole)
        #expect(job.metadata.annotations?[BootstrapResources.digestAnnotation] == Self.digest)
        let text = "\(job.spec)"
        #expect(text.contains("--plan-only") && text.contains("--without-counter") && !text.contains("--savepoint-path"))
        #expect(!decision.actions.contains { if case .stopWithSavepoint = $0 { true } else { false } })
    }

    @Test(
        "the verdict on the plan",
        arguments: [
            (["source", "counter", "sink"], Components.Schemas.UpgradeCheckPhase.compatible, [String]()),
            (["source", "counter"], .compatible, []),  // the stateless sink may go
            (["source"], .incompatible, ["Counter"]),
            ([], .incompatible, ["Sequence", "Counter"]),
        ])
    func verdict(planned: [String], phase: Components.Schemas.UpgradeCheckPhase, missing: [String]) {
        let checking = Self.changed.upgradeCheck(.checking)
        let decision = Self.decide(checking, plan: Self.planned(planned), checkJob: JF.upgradeCheckJob(digest: Self.digest))
        #expect(decision.job.status?.upgradeCheck?.phase == phase)
        #expect(decision.actions.contains(.deleteBootstrapJob(name: "bootstrap-demo-job-plan")), "the plan Job is cleaned up")
        if phase == .compatible {
            #expect(decision.transition == JobStarted.bootstrapChanged)
            #expect(decision.events.contains { $0.reason == "UpgradeCompatible" })
        } else {
            #expect(decision.transition == JobStarted.upgradeRefused)
            #expect(decision.job.status?.supervisorStatus == .started)
            #expect(decision.job.status?.jobId == "job-1", "the old job keeps running")
            #expect(decision.job.status?.upgradeCheck?.missingOperators == missing)
            let warning = decision.events.first { $0.reason == "IncompatibleUpgrade" }
            #expect(warning?.isWarning == true)
            #expect(missing.allSatisfy { warning?.message.contains($0) == true })
            let degraded = Conditions.find(.degraded, in: decision.job.status?.conditions)
            #expect(degraded?.status == ._true)
            #expect(degraded?.reason == "IncompatibleUpgrade")
        }
    }

    @Test("without checkpoint details every running vertex counts as stateful")
    func allVerticesWithoutCheckpoint() {
        let vertices = Self.runningVertices.map { ObservedVertex(id: $0.id, name: $0.name) }
        let decision = Self.decide(Self.changed.upgradeCheck(.checking), plan: Self.planned(["source", "counter"]), vertices: vertices)
        #expect(decision.job.status?.upgradeCheck?.missingOperators == ["Discard"])
    }

    @Test("a refused spec is not checked again; the job keeps its Started rules; Degraded stays")
    func refusedStays() {
        let refused = Self.changed.upgradeCheck(.incompatible, missing: ["Counter"])
        let decision = Self.decide(refused, vertices: nil)
        #expect(decision.transition == nil)
        #expect(decision.actions.isEmpty)
        #expect(decision.job.status?.upgradeCheck?.phase == .incompatible)
        #expect(Conditions.find(.degraded, in: decision.job.status?.conditions)?.reason == "IncompatibleUpgrade")
        #expect(Self.decide(refused.action("STOP"), vertices: nil).transition == JobStarted.stop, "actions still work")
    }

    @Test("allowNonRestoredState lets a refused spec (and any changed spec) proceed without a check")
    func allowNonRestoredState() {
        let refused = Self.changed.upgradeCheck(.incompatible, missing: ["Counter"]).with { $0.spec.savepoint.allowNonRestoredState = true }
        #expect(Self.decide(refused).transition == JobStarted.bootstrapChanged)
        let fresh = Self.changed.with { $0.spec.savepoint.allowNonRestoredState = true }
        let decision = Self.decide(fresh)
        #expect(decision.transition == JobStarted.bootstrapChanged)
        #expect(Self.createdCheckJob(decision) == nil)
    }

    @Test("a plan that failed, or none within taskTimeout, refuses the upgrade: Degraded UpgradeCheckFailed")
    func planFailed() {
        let checking = Self.changed.upgradeCheck(.checking)
        let failed = Self.decide(checking, plan: .init(bootstrapDigest: Self.digest, result: .failure(.init("ClassNotFoundException"))))
        #expect(failed.transition == JobStarted.upgradeRefused)
        #expect(failed.job.status?.upgradeCheck?.phase == .failed)
        #expect(failed.events.contains { $0.reason == "UpgradeCheckFailed" && $0.isWarning })
        #expect(Conditions.find(.degraded, in: failed.job.status?.conditions)?.reason == "UpgradeCheckFailed")

        let late = Self.decide(Self.changed.upgradeCheck(.checking, age: 301))
        #expect(late.transition == JobStarted.upgradeRefused)
        #expect(late.job.status?.upgradeCheck?.phase == .failed)
    }

    @Test("waiting: the plan Job exists, no plan yet; a plan of another digest does not count")
    func waiting() {
        let checking = Self.changed.upgradeCheck(.checking)
        let decision = Self.decide(checking, plan: Self.planned([], digest: "other"), checkJob: JF.upgradeCheckJob(digest: Self.digest))
        #expect(decision.transition == nil)
        #expect(decision.actions.isEmpty)
        #expect(Conditions.find(.progressing, in: decision.job.status?.conditions)?.reason == "UpgradeCheck")
        #expect(decision.recheckAfter != nil)
    }

    @Test("a plan Job that succeeded while no plan is known (the supervisor restarted) is deleted, so it runs again")
    func reportLost() throws {
        var finished = JF.upgradeCheckJob(digest: Self.digest)
        finished.status = try JSONDecoder().decode(WorkloadStatus.self, from: Data(#"{"succeeded":1}"#.utf8))
        let decision = Self.decide(Self.changed.upgradeCheck(.checking), checkJob: finished)
        #expect(decision.actions == [.deleteBootstrapJob(name: "bootstrap-demo-job-plan")])
        #expect(decision.job.status?.upgradeCheck?.phase == .checking)
    }

    @Test("the spec changes again while checking: the check restarts for the new digest, the old plan Job goes")
    func specChangesAgain() throws {
        let checking = Self.changed.upgradeCheck(.checking).with { $0.spec.bootstrap.arguments = ["--rate", "20"] }
        let newDigest = SpecDigest.of(checking.spec.bootstrap)
        let decision = Self.decide(checking, checkJob: JF.upgradeCheckJob(digest: Self.digest))
        #expect(decision.transition == JobStarted.checkingUpgrade)
        #expect(decision.job.status?.upgradeCheck?.bootstrapDigest == newDigest)
        #expect(decision.actions == [.deleteBootstrapJob(name: "bootstrap-demo-job-plan")])
        let next = Self.decide(decision.job)
        let created = try #require(Self.createdCheckJob(next))
        #expect(created.metadata.annotations?[BootstrapResources.digestAnnotation] == newDigest)
    }

    @Test("no check without a running job, when the restart restores no state, or when the spec went back")
    func noCheck() {
        #expect(Self.decide(Self.changed, flink: .unknown).transition == JobStarted.bootstrapChanged)
        let stateless = Self.changed.with { $0.spec.savepoint.upgradeMode = .stateless }
        #expect(Self.decide(stateless).transition == JobStarted.bootstrapChanged)
        let reverted = Self.changed.upgradeCheck(.incompatible, missing: ["Counter"]).with { $0.spec.bootstrap = JF.spec().bootstrap }
        let decision = Self.decide(reverted, checkJob: JF.upgradeCheckJob(digest: Self.digest))
        #expect(decision.job.status?.upgradeCheck == nil)
        #expect(decision.actions == [.deleteBootstrapJob(name: "bootstrap-demo-job-plan")])
        #expect(Conditions.find(.degraded, in: decision.job.status?.conditions)?.status == ._false)
    }

    @Test("a restart from a savepoint passes allowNonRestoredState to the bootstrap")
    func allowFlag() {
        let job = FlinkJob.fixture(state: .starting).with { $0.spec.savepoint.allowNonRestoredState = true }
        let arguments = BootstrapResources.arguments(for: job, cluster: JF.cluster(), settings: JF.settings)
        #expect(arguments.contains("--allow-non-restored-state"))
        let plain = BootstrapResources.arguments(for: FlinkJob.fixture(state: .starting), cluster: JF.cluster(), settings: JF.settings)
        #expect(!plain.contains("--allow-non-restored-state"))
    }
}
