import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// spec.savepoint.upgradeMode: savepoint (today's behaviour), last-state (the latest retained checkpoint becomes the
/// restore point while the job runs) and stateless (restarts restore nothing and stop without a savepoint).
@Suite("JobStateMachine: upgrade modes")
struct UpgradeModeTests {
    static let running = ObservedJobState.state("RUNNING")
    static let checkpoint = ObservedCheckpoint(path: "file:///checkpoints/job-1/chk-7", completedAt: JobFixtures.ago(2))

    static func spec(_ mode: Components.Schemas.UpgradeMode?) -> Components.Schemas.FlinkJobSpec {
        var spec = JobFixtures.spec()
        spec.savepoint.upgradeMode = mode
        return spec
    }

    static func started(_ mode: Components.Schemas.UpgradeMode?, savepointAge: TimeInterval = 60) -> FlinkJob {
        FlinkJob.fixture(state: .started, spec: spec(mode)).status { $0.savepointTimestamp = JobFixtures.ago(savepointAge) }
    }

    @Test("last-state: a checkpoint newer than the restore point becomes it and heads the history")
    func recordsCheckpoint() throws {
        let decision = JobStateMachine.decide(
            JobFixtures.observe(Self.started(.lastState), flink: Self.running, health: .init(latestCheckpoint: Self.checkpoint)))
        let status = try #require(decision.job.status)
        #expect(status.savepointPath == Self.checkpoint.path)
        #expect(status.savepointTimestamp == Self.checkpoint.completedAt)
        let recorded = Components.Schemas.SavepointRecord(
            path: Self.checkpoint.path, timestamp: Self.checkpoint.completedAt, trigger: .checkpoint, jobId: "job-1")
        #expect(status.savepointHistory?.first == recorded)
        #expect(decision.actions.isEmpty)

        let again = JobStateMachine.decide(JobFixtures.observe(decision.job, flink: Self.running, health: .init(latestCheckpoint: Self.checkpoint)))
        #expect(again.job.status?.timestamp == decision.job.status?.timestamp, "the same checkpoint twice writes nothing")
    }

    @Test("last-state: a newer checkpoint of the same Flink job replaces its entry; other jobs' entries stay")
    func replacesOwnCheckpoint() {
        let older = Components.Schemas.SavepointRecord(
            path: "file:///checkpoints/job-1/chk-3", timestamp: JobFixtures.ago(30), trigger: .checkpoint, jobId: "job-1")
        let otherJob = Components.Schemas.SavepointRecord(
            path: "file:///checkpoints/job-0/chk-9", timestamp: JobFixtures.ago(90), trigger: .checkpoint, jobId: "job-0")
        let savepoint = Components.Schemas.SavepointRecord(path: JobFixtures.lastSavepoint, timestamp: JobFixtures.ago(60), trigger: .periodic, jobId: "job-1")
        let job = Self.started(.lastState, savepointAge: 30).status { $0.savepointHistory = [older, savepoint, otherJob] }
        let decision = JobStateMachine.decide(JobFixtures.observe(job, flink: Self.running, health: .init(latestCheckpoint: Self.checkpoint)))
        #expect(decision.job.status?.savepointHistory?.map(\.path) == [Self.checkpoint.path, JobFixtures.lastSavepoint, otherJob.path])
    }

    @Test("last-state: a checkpoint older than the last savepoint is not a restore point")
    func olderCheckpointIgnored() {
        let job = Self.started(.lastState, savepointAge: 1)
        let decision = JobStateMachine.decide(JobFixtures.observe(job, flink: Self.running, health: .init(latestCheckpoint: Self.checkpoint)))
        #expect(decision.job.status?.savepointPath == JobFixtures.lastSavepoint)
    }

    @Test("savepoint mode (and no mode) ignores checkpoints", arguments: [Components.Schemas.UpgradeMode.savepoint, nil])
    func savepointModeIgnoresCheckpoints(_ mode: Components.Schemas.UpgradeMode?) {
        let decision = JobStateMachine.decide(
            JobFixtures.observe(Self.started(mode), flink: Self.running, health: .init(latestCheckpoint: Self.checkpoint)))
        #expect(decision.job.status?.savepointPath == JobFixtures.lastSavepoint)
    }

    @Test(
        "last-state warns as the job starts when Flink keeps fewer than 2 checkpoints (the restore point would be deleted)",
        arguments: [
            (Components.Schemas.UpgradeMode?.some(.lastState), Int?.some(1), true), (.lastState, 3, false), (.savepoint, 1, false), (.lastState, nil, false),
        ]
    )
    func warnsWhenCheckpointsAreNotRetained(_ mode: Components.Schemas.UpgradeMode?, retained: Int?, warns: Bool) {
        let starting = FlinkJob.fixture(state: .starting, spec: Self.spec(mode)).status { $0.jobId = "job-2" }
        let decision = JobStateMachine.decide(JobFixtures.observe(starting, health: .init(retainedCheckpoints: retained)))
        #expect(decision.transition == JobStarting.jobStarted)
        #expect(decision.events.contains { $0.reason == "LastStateUnsafe" && $0.isWarning } == warns)
    }

    @Test("num-retained from the JobManager configuration: the 2.x key, the 1.x key, else Flink's default 1")
    func retainedCheckpointsKey() {
        #expect(ObservedJobHealth.retainedCheckpoints(in: ["execution.checkpointing.num-retained": "3"]) == 3)
        #expect(ObservedJobHealth.retainedCheckpoints(in: ["state.checkpoints.num-retained": "2"]) == 2)
        #expect(ObservedJobHealth.retainedCheckpoints(in: [:]) == 1)
    }

    @Test("last-state: the bootstrap asks Flink to retain checkpoints on cancellation; other modes do not")
    func retentionOption() {
        let option = "\(BootstrapResources.checkpointRetentionOption)=RETAIN_ON_CANCELLATION"
        let cluster = JobFixtures.cluster()
        for (mode, expected) in [(Components.Schemas.UpgradeMode.lastState, true), (.savepoint, false), (.stateless, false)] {
            let job = FlinkJob.fixture(state: .starting, spec: Self.spec(mode))
            let arguments = BootstrapResources.arguments(for: job, cluster: cluster, settings: JobFixtures.settings)
            #expect(arguments.contains(option) == expected, "\(mode)")
        }
    }

    @Test("stateless: a restart for an upgrade cancels without a savepoint, even in Automatic mode")
    func statelessUpgradeCancels() {
        let changed = Self.started(.stateless).with { $0.spec.bootstrap.className = "com.example.New" }
        let stopping = JobStateMachine.decide(JobFixtures.observe(changed, flink: Self.running))
        #expect(stopping.transition == JobStarted.bootstrapChanged)
        let decision = JobStateMachine.decide(JobFixtures.observe(stopping.job, flink: Self.running))
        #expect(decision.actions == [.cancelFlinkJob(jobId: "job-1")])
    }

    @Test("stateless: a STOP still takes the savepoint Automatic mode asks for")
    func statelessStopKeepsSavepoint() {
        let stopping = JobStateMachine.decide(JobFixtures.observe(Self.started(.stateless).action("STOP"), flink: Self.running)).job
        let decision = JobStateMachine.decide(JobFixtures.observe(stopping, flink: Self.running))
        #expect(decision.actions == [.stopWithSavepoint(jobId: "job-1", triggerId: JobFixtures.freshTrigger, targetDirectory: JobFixtures.target)])
    }

    @Test("stateless: the restart restores nothing (the bootstrap gets no savepoint)")
    func statelessStartsEmpty() {
        let starting = FlinkJob.fixture(state: .starting, spec: Self.spec(.stateless))
        let decision = JobStateMachine.decide(JobFixtures.observe(starting))
        #expect(decision.job.status?.savepointPath == "")
        let next = JobStateMachine.decide(JobFixtures.observe(decision.job))
        guard case .createBootstrapJob(let batch) = next.actions.first else {
            Issue.record("no bootstrap Job: \(next.actions)")
            return
        }
        #expect(!String(describing: batch.spec).contains("--savepoint-path"))
    }
}
