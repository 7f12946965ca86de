import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// status.savepointHistory: every savepoint the toolbox takes is recorded, newest first, with why it was taken (the
/// reason is written ahead with the request), bounded by spec.savepoint.historyMaxCount.
@Suite("JobStateMachine: savepoint history")
struct SavepointHistoryTests {
    static let running = ObservedJobState.state("RUNNING")

    /// Decides `job` once (the request), then again with Flink reporting the savepoint done at `location`.
    static func requestThenComplete(_ job: FlinkJob, location: String, flinkAfter: ObservedJobState = running) -> FlinkJob {
        let requested = JobStateMachine.decide(JF.observe(job, flink: running)).job
        #expect(requested.status?.savepointTriggerId == JF.freshTrigger, "the first decision requests a savepoint")
        return JobStateMachine.decide(JF.observe(requested, flink: flinkAfter, savepoint: .completed(location: location))).job
    }

    static let cases: [(String, FlinkJob, Components.Schemas.SavepointTrigger)] = [
        ("periodic", .fixture(state: .started, spec: JF.spec(interval: 60), age: 61), .periodic),
        ("TRIGGER_SAVEPOINT", FlinkJob.fixture(state: .started).action("TRIGGER_SAVEPOINT"), .manual),
        ("a stop", .fixture(state: .stopping), .stop),
        ("a stop before a restart", FlinkJob.fixture(state: .stopping).annotations { $0.shouldRestart = true }, .upgrade),
    ]

    @Test("the reason is stored with the request and recorded with the completed savepoint", arguments: 0..<4)
    func recorded(_ index: Int) throws {
        let (name, job, trigger) = Self.cases[index]
        let requested = JobStateMachine.decide(JF.observe(job, flink: Self.running)).job
        #expect(requested.status?.savepointTrigger == trigger.rawValue, "\(name)")
        let flinkAfter: ObservedJobState = job.status?.supervisorStatus == .stopping ? .state("FINISHED") : Self.running
        let done = JobStateMachine.decide(JF.observe(requested, flink: flinkAfter, savepoint: .completed(location: "file:///sp/\(index)")))
        let history = try #require(done.job.status?.savepointHistory, "\(name)")
        #expect(history == [.init(path: "file:///sp/\(index)", timestamp: JF.now, trigger: trigger, jobId: "job-1")], "\(name)")
        #expect(done.job.status?.savepointTrigger == "", "the request is cleared with its reason")
    }

    @Test("the history is newest first and keeps historyMaxCount entries; the same path is not listed twice")
    func bounded() {
        var spec = JF.spec(interval: 60)
        spec.savepoint.historyMaxCount = 3
        let old: [Components.Schemas.SavepointRecord] = (1...3).map {
            .init(path: "file:///sp/old-\($0)", timestamp: JF.ago(Double($0) * 60), trigger: .periodic, jobId: "job-1")
        }
        let job = FlinkJob.fixture(state: .started, spec: spec, age: 61).status { $0.savepointHistory = old }
        let history = Self.requestThenComplete(job, location: "file:///sp/new").status?.savepointHistory ?? []
        #expect(history.map(\.path) == ["file:///sp/new", "file:///sp/old-1", "file:///sp/old-2"])
        let again = Self.requestThenComplete(
            FlinkJob.fixture(state: .started, spec: spec, age: 61).status { $0.savepointHistory = history }, location: "file:///sp/old-1")
        #expect(again.status?.savepointHistory?.map(\.path) == ["file:///sp/old-1", "file:///sp/new", "file:///sp/old-2"])
    }

    @Test("without historyMaxCount ten savepoints are kept")
    func defaultBound() {
        var job = FlinkJob.fixture(state: .started, spec: JF.spec(interval: 60), age: 61)
        for index in 0..<12 {
            job = Self.requestThenComplete(job, location: "file:///sp/\(index)")
            job = job.status { $0.savepointRequestTimestamp = JF.ago(61) }
        }
        #expect(job.status?.savepointHistory?.count == 10)
        #expect(job.status?.savepointHistory?.first?.path == "file:///sp/11")
    }

    @Test("a failed savepoint adds nothing")
    func failedAddsNothing() {
        let job = FlinkJob.fixture(state: .started).pendingSavepoint()
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running, savepoint: .failed(reason: "disk full")))
        #expect(decision.job.status?.savepointHistory == nil)
    }
}
