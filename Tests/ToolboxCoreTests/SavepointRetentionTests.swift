import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// Retention: entries beyond spec.savepoint.historyMaxCount or older than maxAge leave status.savepointHistory and
/// their data is disposed through Flink (queued in status.savepointDisposals, written ahead), never the newest entry,
/// never what the job restores from, never a retained checkpoint, never a path that is not an expired entry.
@Suite("JobStateMachine: savepoint retention")
struct SavepointRetentionTests {
    typealias Record = Components.Schemas.SavepointRecord
    static let running = ObservedJobState.state("RUNNING")

    /// A savepoint entry `age` seconds old.
    static func entry(_ name: String, age: TimeInterval, trigger: Components.Schemas.SavepointTrigger = .periodic) -> Record {
        .init(path: "file:///sp/\(name)", timestamp: JF.ago(age), trigger: trigger, jobId: "job-1")
    }

    /// A running job (no periodic savepoints) with `history`, `historyMaxCount` and `maxAge`.
    static func job(_ history: [Record], count: Int32? = nil, maxAge: Int32? = nil, restoresFrom: String = JF.lastSavepoint) -> FlinkJob {
        var spec = JF.spec()
        spec.savepoint.historyMaxCount = count
        spec.savepoint.maxAge = maxAge
        return FlinkJob.fixture(state: .started, spec: spec).status {
            $0.savepointHistory = history
            $0.savepointPath = restoresFrom
        }
    }

    /// The paths of the dispose actions.
    static func disposed(_ decision: JobDecision) -> [String] {
        decision.actions.compactMap { if case .disposeSavepoint(let path) = $0 { path } else { nil } }
    }

    static let history = [entry("a", age: 10), entry("b", age: 100), entry("c", age: 200), entry("d", age: 300)]

    /// (case, job, kept paths, disposed paths)
    static let expiry: [(String, FlinkJob, [String], [String])] = [
        ("within the limits nothing expires", job(history), ["a", "b", "c", "d"], []),
        ("historyMaxCount 2", job(history, count: 2), ["a", "b"], ["c", "d"]),
        ("maxAge 150 s", job(history, maxAge: 150), ["a", "b"], ["c", "d"]),
        ("count and age together", job(history, count: 3, maxAge: 250), ["a", "b", "c"], ["d"]),
        ("the newest stays even when too old", job([entry("a", age: 1000), entry("b", age: 2000)], maxAge: 10), ["a"], ["b"]),
        ("maxAge 0 keeps only the newest", job(history, maxAge: 0), ["a"], ["b", "c", "d"]),
        ("the savepoint restored from stays, even the oldest", job(history, count: 2, restoresFrom: "file:///sp/d"), ["a", "d"], ["b", "c"]),
        (
            "a retained checkpoint leaves the history without disposal",
            job([entry("a", age: 10), entry("b", age: 20, trigger: .checkpoint), entry("c", age: 30)], count: 1), ["a"], ["c"]
        ),
    ]

    @Test("expired entries leave the history and are disposed through Flink, written ahead", arguments: 0..<8)
    func expires(_ index: Int) throws {
        let (name, job, kept, disposed) = Self.expiry[index]
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running))
        let status = try #require(decision.job.status)
        #expect(status.savepointHistory?.map(\.path) == kept.map { "file:///sp/\($0)" }, "\(name)")
        #expect(Self.disposed(decision) == disposed.map { "file:///sp/\($0)" }, "\(name)")
        let queued = (status.savepointDisposals ?? []).map { ($0.savepoint, $0.attempts, $0.attemptTimestamp) }
        #expect(queued.map(\.0) == disposed.map { "file:///sp/\($0)" }, "\(name): stored with the request")
        #expect(queued.allSatisfy { $0.1 == 1 && $0.2 == JF.now }, "\(name): the first attempt is counted")
    }

    @Test("a completed savepoint beyond historyMaxCount expires the oldest, in the decision that records it")
    func onCompletion() {
        var spec = JF.spec()
        spec.savepoint.historyMaxCount = 2
        let job = FlinkJob.fixture(state: .started, spec: spec).pendingSavepoint().status {
            $0.savepointHistory = [Self.entry("a", age: 10), Self.entry("b", age: 20)]
        }
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running, savepoint: .completed(location: "file:///sp/new")))
        #expect(decision.job.status?.savepointHistory?.map(\.path) == ["file:///sp/new", "file:///sp/a"])
        #expect(Self.disposed(decision) == ["file:///sp/b"])
    }

    /// A job with one queued disposal of `file:///sp/x` after `attempts`, the last `since` seconds ago.
    static func queued(attempts: Int32, since: TimeInterval?) -> FlinkJob {
        job([entry("a", age: 10)]).status {
            $0.savepointDisposals = [.init(savepoint: "file:///sp/x", attempts: attempts, attemptTimestamp: since.map { JF.ago($0) })]
        }
    }

    /// (case, job, Flink's answer, asked again, still queued, event)
    static let follow: [(String, FlinkJob, ObservedDisposal?, Bool, Bool, String?)] = [
        ("queued, never asked: asked now", queued(attempts: 0, since: nil), nil, true, true, nil),
        ("in progress: wait", queued(attempts: 1, since: 5), .inProgress, false, true, nil),
        ("completed: removed", queued(attempts: 1, since: 5), .completed, false, false, "SavepointDisposed"),
        ("failed 30 s ago: wait for the retry interval", queued(attempts: 1, since: 30), .failed(reason: "io"), false, true, nil),
        ("failed 61 s ago: asked again", queued(attempts: 1, since: 61), .failed(reason: "io"), true, true, nil),
        ("no answer known after 61 s (request lost): asked again", queued(attempts: 2, since: 61), nil, true, true, nil),
        ("5 attempts failed: given up", queued(attempts: 5, since: 61), .failed(reason: "io"), false, false, "SavepointDisposalFailed"),
        ("5 attempts, the last still within the interval: wait", queued(attempts: 5, since: 10), .failed(reason: "io"), false, true, nil),
        ("in progress beyond taskTimeout: asked again", queued(attempts: 1, since: 301), .inProgress, true, true, nil),
    ]

    @Test("a queued disposal is followed, retried at most every 60 s and given up after 5 attempts", arguments: 0..<9)
    func followsDisposal(_ index: Int) {
        let (name, job, answer, asked, stays, event) = Self.follow[index]
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running, disposals: answer.map { ["file:///sp/x": $0] } ?? [:]))
        #expect(Self.disposed(decision) == (asked ? ["file:///sp/x"] : []), "\(name)")
        let queued = decision.job.status?.savepointDisposals ?? []
        #expect(queued.map(\.savepoint) == (stays ? ["file:///sp/x"] : []), "\(name)")
        if asked {
            let before = job.status?.savepointDisposals?.first?.attempts ?? 0
            #expect(queued.first?.attempts == before + 1 && queued.first?.attemptTimestamp == JF.now, "\(name): the attempt is stored")
        }
        #expect(decision.events.map(\.reason).filter { $0.hasPrefix("SavepointDispos") } == (event.map { [$0] } ?? []), "\(name)")
        if stays { #expect(decision.recheckAfter != nil, "\(name): looks again") }
    }

    @Test("nothing is asked while the JobManager does not answer")
    func unreachable() {
        let decision = JobStateMachine.decide(JF.observe(Self.queued(attempts: 0, since: nil), reachable: false, flink: .unknown))
        #expect(Self.disposed(decision).isEmpty)
        #expect(decision.job.status?.savepointDisposals?.first?.attempts == 0)
    }

    @Test("a queued path that is in the history or restored from is never disposed (dropped from the queue)")
    func inUseNotDisposed() {
        let inHistory = Self.queued(attempts: 0, since: nil).status { $0.savepointHistory = [Self.entry("x", age: 5)] }
        let restored = Self.queued(attempts: 0, since: nil).status { $0.savepointPath = "file:///sp/x" }
        for job in [inHistory, restored] {
            let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running))
            #expect(Self.disposed(decision).isEmpty)
            #expect(decision.job.status?.savepointDisposals == nil)
        }
    }

    @Test("idempotent: deciding the decided job again asks nothing new and changes nothing")
    func idempotent() {
        let first = JobStateMachine.decide(JF.observe(Self.job(Self.history, count: 2), flink: Self.running))
        #expect(Self.disposed(first).count == 2)
        for answer in [nil, ObservedDisposal.inProgress, .failed(reason: "io")] {
            let disposals = answer.map { ["file:///sp/c": $0, "file:///sp/d": $0] } ?? [:]
            let again = JobStateMachine.decide(JF.observe(first.job, flink: Self.running, at: JF.now.addingTimeInterval(5), disposals: disposals))
            #expect(again.actions.isEmpty)
            #expect(again.job.status?.savepointDisposals == first.job.status?.savepointDisposals)
            #expect(again.job.status?.savepointHistory == first.job.status?.savepointHistory)
            #expect(again.events.isEmpty)
        }
    }
}
