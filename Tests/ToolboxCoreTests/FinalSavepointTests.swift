import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// savepoint.onDelete: a deleted job takes a final stop-with-savepoint (in either mode) unless without-savepoint is
/// set, recorded in an Event; without it a deletion cancels plainly, as before.
@Suite("JobStateMachine: final savepoint on deletion")
struct FinalSavepointTests {
    static let running = ObservedJobState.state("RUNNING")

    static func deleting(mode: Components.Schemas.SavepointMode, onDelete: Bool?) -> FlinkJob {
        var spec = JobFixtures.spec(mode: mode)
        spec.savepoint.onDelete = onDelete
        return FlinkJob.fixture(state: .stopping, spec: spec).annotations { $0.deleteResources = true }
    }

    @Test(
        "a deletion stops with a savepoint only with onDelete, in either mode",
        arguments: [(Components.Schemas.SavepointMode.automatic, true), (.manual, true), (.automatic, false), (.manual, Bool?.none)]
            as [(Components.Schemas.SavepointMode, Bool?)]
    )
    func decision(_ mode: Components.Schemas.SavepointMode, _ onDelete: Bool?) {
        let decision = JobStateMachine.decide(JobFixtures.observe(Self.deleting(mode: mode, onDelete: onDelete), flink: Self.running))
        if onDelete == true {
            #expect(decision.actions == [.stopWithSavepoint(jobId: "job-1", triggerId: JobFixtures.freshTrigger, targetDirectory: JobFixtures.target)])
            #expect(decision.job.status?.savepointTrigger == "stop")
        } else {
            #expect(decision.actions == [.cancelFlinkJob(jobId: "job-1")])
        }
    }

    @Test("without-savepoint wins over onDelete")
    func withoutSavepoint() {
        let job = Self.deleting(mode: .automatic, onDelete: true).annotations { $0.withoutSavepoint = true }
        #expect(JobStateMachine.decide(JobFixtures.observe(job, flink: Self.running)).actions == [.cancelFlinkJob(jobId: "job-1")])
    }

    @Test("the final savepoint's path is told in an Event, then the job terminates")
    func completedThenTerminated() {
        let requested = JobStateMachine.decide(JobFixtures.observe(Self.deleting(mode: .automatic, onDelete: true), flink: Self.running)).job
        let done = JobStateMachine.decide(
            JobFixtures.observe(requested, flink: .state("FINISHED"), savepoint: .completed(location: "file:///savepoints/final")))
        #expect(
            done.events.contains { $0.reason == "SavepointCompleted" && $0.message == "final savepoint of the deleted job stored at file:///savepoints/final" })
        let next = JobStateMachine.decide(JobFixtures.observe(done.job, flink: .unknown))
        #expect(next.transition == JobStopping.deleted)
    }

    @Test("a final savepoint Flink refuses until taskTimeout ends in a plain cancel, so a deletion never sticks")
    func refusedUntilTimeout() {
        let job = Self.deleting(mode: .automatic, onDelete: true).pendingSavepoint(age: 400)
        let decision = JobStateMachine.decide(JobFixtures.observe(job, flink: Self.running, savepoint: .failed(reason: "tasks not running")))
        #expect(decision.actions == [.cancelFlinkJob(jobId: "job-1")])
        #expect(decision.job.status?.jobId == "")
    }
}
