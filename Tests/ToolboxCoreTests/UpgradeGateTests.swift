import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// The upgrade health gate (restart.upgradeTimeout): an upgraded job is promoted once RUNNING with no restart and a
/// completed checkpoint; otherwise the last good bootstrap is restored from the upgrade's savepoint, the job is
/// Degraded (RolledBack), and the rejected spec is not tried again until it changes.
@Suite("JobStateMachine: upgrade health gate and rollback")
struct UpgradeGateTests {
    static let running = ObservedJobState.state("RUNNING")
    static let upgradeSavepoint = "file:///savepoints/savepoint-upgrade"
    /// The spec before the upgrade (last good) and after it.
    static let oldSpec = JobFixtures.spec(className: "com.example.Old")
    static let newSpec = JobFixtures.spec(className: "com.example.New")
    static var newDigest: String { SpecDigest.of(newSpec.bootstrap) }

    /// A job Started with the upgraded spec under the gate, started `age` seconds ago.
    static func pending(age: TimeInterval = 30) -> FlinkJob {
        FlinkJob.fixture(state: .started, spec: newSpec).status {
            $0.lastGoodBootstrap = oldSpec.bootstrap
            $0.upgrade = .init(phase: .pending, bootstrapDigest: newDigest, restorePath: upgradeSavepoint, startedAt: JobFixtures.ago(age))
        }
    }

    /// The job after the rollback: the old bootstrap runs, the new spec is rejected.
    static func rolledBack() -> FlinkJob {
        FlinkJob.fixture(state: .started, spec: newSpec).status {
            $0.lastGoodBootstrap = oldSpec.bootstrap
            $0.digest?.bootstrap = SpecDigest.of(oldSpec.bootstrap)
            $0.upgrade = .init(phase: .rolledBack, bootstrapDigest: newDigest, restorePath: upgradeSavepoint, reason: "it failed")
        }
    }

    /// A Stopping job whose Flink job is gone and that restarts: the next decision moves it to Starting.
    static func restarting(spec: Components.Schemas.FlinkJobSpec, _ change: (inout Components.Schemas.FlinkJobStatus) -> Void) -> FlinkJob {
        FlinkJob.fixture(state: .stopping, spec: spec).status {
            $0.jobId = ""
            $0.digest = SpecDigest.job(oldSpec)
            change(&$0)
        }.annotations { $0.shouldRestart = true }
    }

    @Test("the first start's bootstrap becomes the last good one, in the write that records Started")
    func firstStart() {
        let starting = FlinkJob.fixture(state: .starting).status { $0.jobId = "job-2" }
        let decision = JobStateMachine.decide(JobFixtures.observe(starting))
        #expect(decision.transition == JobStarting.jobStarted)
        #expect(decision.job.status?.lastGoodBootstrap == JobFixtures.spec().bootstrap)
        #expect(decision.job.status?.upgrade == nil)
    }

    @Test("a restart with another bootstrap than the last good one begins an upgrade from the savepoint just taken")
    func upgradeBegins() {
        let job = Self.restarting(spec: Self.newSpec) {
            $0.lastGoodBootstrap = Self.oldSpec.bootstrap
            $0.savepointPath = Self.upgradeSavepoint
        }
        let decision = JobStateMachine.decide(JobFixtures.observe(job))
        #expect(decision.transition == JobStopping.restarted)
        #expect(decision.job.status?.upgrade == .init(phase: .pending, bootstrapDigest: Self.newDigest, restorePath: Self.upgradeSavepoint))
        #expect(decision.job.status?.digest?.bootstrap == Self.newDigest)
    }

    @Test("upgradeTimeout 0 disables the gate; without a last good bootstrap there is nothing to gate")
    func gateDisabled() {
        var spec = Self.newSpec
        spec.restart.upgradeTimeout = 0
        let disabled = Self.restarting(spec: spec) { $0.lastGoodBootstrap = Self.oldSpec.bootstrap }
        #expect(JobStateMachine.decide(JobFixtures.observe(disabled)).job.status?.upgrade == nil)
        let unknown = Self.restarting(spec: Self.newSpec) { $0.lastGoodBootstrap = nil }
        #expect(JobStateMachine.decide(JobFixtures.observe(unknown)).job.status?.upgrade == nil)
    }

    @Test("the upgraded job's start is when the gate starts counting")
    func startedAt() {
        let starting = FlinkJob.fixture(state: .starting, spec: Self.newSpec).status {
            $0.jobId = "job-2"
            $0.lastGoodBootstrap = Self.oldSpec.bootstrap
            $0.upgrade = .init(phase: .pending, bootstrapDigest: Self.newDigest, restorePath: Self.upgradeSavepoint)
        }
        let decision = JobStateMachine.decide(JobFixtures.observe(starting))
        #expect(decision.job.status?.upgrade?.startedAt == JobFixtures.now)
        #expect(decision.job.status?.lastGoodBootstrap == Self.oldSpec.bootstrap)
    }

    @Test("RUNNING, no restart and a completed checkpoint: promoted, the new bootstrap is the last good one")
    func promoted() {
        let health = ObservedJobHealth(restarts: 0, completedCheckpoints: 1)
        let decision = JobStateMachine.decide(JobFixtures.observe(Self.pending(), flink: Self.running, health: health))
        #expect(decision.transition == nil)
        #expect(decision.job.status?.upgrade == nil)
        #expect(decision.job.status?.lastGoodBootstrap == Self.newSpec.bootstrap)
        #expect(decision.events.contains { $0.reason == "UpgradePromoted" })
    }

    @Test("a job that does not checkpoint is promoted after upgradeTimeout without a restart")
    func promotedWithoutCheckpointing() {
        let health = ObservedJobHealth(restarts: 0, completedCheckpoints: nil)
        let early = JobStateMachine.decide(JobFixtures.observe(Self.pending(age: 100), flink: Self.running, health: health))
        #expect(early.job.status?.upgrade?.phase == .pending)
        let late = JobStateMachine.decide(JobFixtures.observe(Self.pending(age: 301), flink: Self.running, health: health))
        #expect(late.job.status?.upgrade == nil)
        #expect(late.transition == nil)
    }

    @Test("while the gate waits nothing is written and the supervisor looks again within the polling interval")
    func waiting() {
        let job = Self.pending(age: 30)
        let decision = JobStateMachine.decide(JobFixtures.observe(job, flink: Self.running, health: .init(restarts: 0, completedCheckpoints: 0)))
        #expect(decision.transition == nil)
        #expect(decision.job.status?.upgrade == job.status?.upgrade)
        #expect(decision.job.status?.timestamp == job.status?.timestamp)
        #expect((decision.recheckAfter ?? .infinity) <= 5)
        let progressing = decision.job.status?.conditions?.first { $0._type == "Progressing" }
        #expect(progressing?.reason == "UpgradePending")
    }

    @Test(
        "a restart, a failure or no proof of health within upgradeTimeout rolls back",
        arguments: [
            (ObservedJobState.state("RUNNING"), ObservedJobHealth(restarts: 2, completedCheckpoints: 3), 30.0, "restarted 2 times"),
            (.state("FAILED"), ObservedJobHealth(restarts: 0, completedCheckpoints: 0), 30, "ended FAILED"),
            (.state("RUNNING"), ObservedJobHealth(restarts: 0, completedCheckpoints: 0), 301, "not healthy within 300 s"),
        ] as [(ObservedJobState, ObservedJobHealth, TimeInterval, String)]
    )
    func rollsBack(_ flink: ObservedJobState, _ health: ObservedJobHealth, _ age: TimeInterval, _ reason: String) {
        let decision = JobStateMachine.decide(JobFixtures.observe(Self.pending(age: age), flink: flink, health: health))
        #expect(decision.transition == JobStarted.rollBack)
        #expect(decision.job.status?.upgrade?.phase == .rollingBack)
        #expect(decision.job.status?.upgrade?.reason?.contains(reason) == true)
        #expect(decision.job.supervisorAnnotations.shouldRestart)
        #expect(decision.events.contains { $0.reason == "UpgradeFailed" && $0.isWarning })
    }

    @Test("a rollback stops the failed version without a savepoint, even in Automatic mode")
    func rollbackCancels() {
        let stopping = JobStateMachine.decide(
            JobFixtures.observe(Self.pending(age: 30), flink: Self.running, health: .init(restarts: 1, completedCheckpoints: 0))
        ).job
        let decision = JobStateMachine.decide(JobFixtures.observe(stopping, flink: Self.running))
        #expect(decision.actions == [.cancelFlinkJob(jobId: "job-1")])
    }

    @Test("an upgraded job that never starts within restartTimeout rolls back")
    func startTimeout() {
        let starting = FlinkJob.fixture(state: .starting, spec: Self.newSpec, age: 181).status {
            $0.lastGoodBootstrap = Self.oldSpec.bootstrap
            $0.upgrade = .init(phase: .pending, bootstrapDigest: Self.newDigest, restorePath: Self.upgradeSavepoint)
        }
        let decision = JobStateMachine.decide(JobFixtures.observe(starting, bootstrap: JobFixtures.bootstrap()))
        #expect(decision.transition == JobStarting.rollBack)
        #expect(decision.job.status?.upgrade?.phase == .rollingBack)
    }

    @Test("the rollback restarts the last good bootstrap from the upgrade's savepoint, then stays RolledBack and Degraded")
    func rollbackRestoresLastGood() throws {
        let job = Self.restarting(spec: Self.newSpec) {
            $0.lastGoodBootstrap = Self.oldSpec.bootstrap
            $0.savepointPath = "file:///savepoints/savepoint-of-the-new-version"
            $0.upgrade = .init(phase: .rollingBack, bootstrapDigest: Self.newDigest, restorePath: Self.upgradeSavepoint, reason: "it failed")
        }
        let starting = JobStateMachine.decide(JobFixtures.observe(job)).job
        #expect(starting.status?.savepointPath == Self.upgradeSavepoint)
        #expect(starting.status?.digest?.bootstrap == SpecDigest.of(Self.oldSpec.bootstrap))

        let created = JobStateMachine.decide(JobFixtures.observe(starting))
        guard case .createBootstrapJob(let batch) = try #require(created.actions.first) else { Issue.record("no bootstrap Job"); return }
        let args = String(describing: batch.spec)
        #expect(args.contains("com.example.Old") && !args.contains("com.example.New"))
        #expect(args.contains(Self.upgradeSavepoint))

        let started = JobStateMachine.decide(JobFixtures.observe(starting.status { $0.jobId = "job-3" }))
        #expect(started.transition == JobStarting.jobStarted)
        #expect(started.job.status?.upgrade?.phase == .rolledBack)
        #expect(started.events.contains { $0.reason == "RolledBack" && $0.isWarning })
        let degraded = started.job.status?.conditions?.first { $0._type == "Degraded" }
        #expect(degraded?.status == ._true && degraded?.reason == "RolledBack")
    }

    @Test("rolled back: the rejected spec is not tried again; another spec is; the last good spec ends the rollback")
    func rolledBackSpecs() {
        let rejected = JobStateMachine.decide(JobFixtures.observe(Self.rolledBack(), flink: Self.running))
        #expect(rejected.transition == nil)
        #expect(rejected.job.status?.upgrade?.phase == .rolledBack)

        let another = Self.rolledBack().with { $0.spec.bootstrap.className = "com.example.Fixed" }
        #expect(JobStateMachine.decide(JobFixtures.observe(another, flink: Self.running)).transition == JobStarted.checkingUpgrade)

        let reverted = Self.rolledBack().with { $0.spec.bootstrap = Self.oldSpec.bootstrap }
        let decision = JobStateMachine.decide(JobFixtures.observe(reverted, flink: Self.running))
        #expect(decision.transition == nil)
        #expect(decision.job.status?.upgrade == nil)
        #expect(decision.events.contains { $0.reason == "UpgradeAbandoned" })
    }

    @Test("a rolled-back job restarted later (a failure, a START) runs the last good bootstrap again")
    func restartAfterRollback() {
        let job = Self.restarting(spec: Self.newSpec) {
            $0.lastGoodBootstrap = Self.oldSpec.bootstrap
            $0.upgrade = .init(phase: .rolledBack, bootstrapDigest: Self.newDigest, restorePath: Self.upgradeSavepoint, reason: "it failed")
        }
        let starting = JobStateMachine.decide(JobFixtures.observe(job)).job
        #expect(starting.status?.digest?.bootstrap == SpecDigest.of(Self.oldSpec.bootstrap))
        #expect(starting.status?.upgrade?.phase == .rolledBack)
        #expect(starting.status?.savepointPath == JobFixtures.lastSavepoint)
    }

    @Test("rolled back, then a spec other than the rejected one: that spec starts as a new upgrade from the savepoint")
    func newSpecAfterRollback() {
        let fixed = JobFixtures.spec(className: "com.example.Fixed")
        let job = Self.restarting(spec: fixed) {
            $0.lastGoodBootstrap = Self.oldSpec.bootstrap
            $0.upgrade = .init(phase: .rolledBack, bootstrapDigest: Self.newDigest, restorePath: Self.upgradeSavepoint, reason: "it failed")
        }
        let starting = JobStateMachine.decide(JobFixtures.observe(job)).job
        #expect(starting.status?.digest?.bootstrap == SpecDigest.of(fixed.bootstrap))
        #expect(starting.status?.upgrade?.phase == .pending)
        #expect(starting.status?.upgrade?.bootstrapDigest == SpecDigest.of(fixed.bootstrap))
        #expect(starting.status?.savepointPath == JobFixtures.lastSavepoint)
    }

    @Test("the supervisor asks Flink for restarts and checkpoints only in last-state or while an upgrade is pending")
    func needsJobHealth() {
        #expect(JobStateMachine.needsJobHealth(Self.pending()))
        #expect(!JobStateMachine.needsJobHealth(Self.rolledBack()))
        #expect(!JobStateMachine.needsJobHealth(FlinkJob.fixture()))
        var spec = JobFixtures.spec()
        spec.savepoint.upgradeMode = .lastState
        #expect(JobStateMachine.needsJobHealth(FlinkJob.fixture(spec: spec)))
    }
}
