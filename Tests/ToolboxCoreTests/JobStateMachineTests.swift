import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// One observation and the edge its decision must take.
struct JobEdgeCase: Sendable, CustomTestStringConvertible {
    let edge: StateTransition
    let observation: JobObservation
    var testDescription: String { "\(edge.from.rawValue) → \(edge.to.rawValue): \(edge.label)" }

    init(_ edge: StateTransition, _ observation: JobObservation) {
        self.edge = edge
        self.observation = observation
    }
}

typealias JF = JobFixtures

/// Every declared edge, each with an observation that takes it.
let jobEdgeCases: [JobEdgeCase] = {
    let started = FlinkJob.fixture(state: .started), starting = FlinkJob.fixture(state: .starting)
    let stopping = FlinkJob.fixture(state: .stopping).status { $0.jobId = "" }, stopped = FlinkJob.fixture(state: .stopped)
    let unknown = FlinkJob.fixture(state: nil), running = ObservedJobState.state("RUNNING")
    let pending = { (job: FlinkJob) in
        job.status {
            $0.lastGoodBootstrap = .init(image: "jobs:0", className: "com.example.Previous", jarPath: "/jobs/job.jar")
            $0.upgrade = .init(phase: .pending, bootstrapDigest: SpecDigest.of(job.spec.bootstrap), restorePath: JF.lastSavepoint, startedAt: JF.ago(30))
        }
    }
    let unreachable = { (job: FlinkJob) in JF.observe(job.status { $0.clusterHealth = ._empty_ }.with { $0.status?.timestamp = JF.ago(301) }, reachable: false)
    }
    return [
        .init(JobUnknown.clusterTerminated, JF.observe(unknown, cluster: JF.cluster(state: .terminated))),
        .init(JobUnknown.initialised, JF.observe(unknown.with { $0.metadata.finalizers = nil })),
        .init(JobUnknown.deleted, JF.observe(unknown.deleting())),
        .init(JobStarting.clusterStarting, JF.observe(starting, cluster: JF.cluster(state: .starting))),
        .init(JobStarting.clusterNotUpdated, JF.observe(starting, cluster: JF.cluster(resource: .updating))),
        .init(JobStarting.jobStarted, JF.observe(starting.status { $0.jobId = "job-1" })),
        .init(JobStarting.deleted, JF.observe(starting.deleting())),
        .init(JobStarting.stopped, JF.observe(starting.action("STOP"))),
        .init(JobStarting.clusterNotStarted, JF.observe(starting, cluster: JF.cluster(state: .stopping))),
        .init(JobStarting.startTimeout, JF.observe(FlinkJob.fixture(state: .starting, age: 181), bootstrap: JF.bootstrap())),
        .init(JobStarting.rollBack, JF.observe(pending(FlinkJob.fixture(state: .starting, age: 181)), bootstrap: JF.bootstrap())),
        .init(JobStarting.suspended, JF.observe(starting.status { $0.jobParallelism = 0 })),
        .init(JobStarting.unhealthy, unreachable(starting)),
        .init(JobStarted.deleted, JF.observe(started.deleting(), flink: running)),
        .init(JobStarted.clusterNotStarted, JF.observe(started, cluster: JF.cluster(state: .starting), flink: running)),
        .init(JobStarted.unhealthy, unreachable(started)),
        .init(JobStarted.checkingUpgrade, JF.observe(started.with { $0.spec.bootstrap.image = "jobs:2" }, flink: running)),
        .init(JobStarted.bootstrapChanged, JF.observe(started.with { $0.spec.bootstrap.image = "jobs:2" }.upgradeCheck(.compatible), flink: running)),
        .init(
            JobStarted.upgradeRefused,
            JF.observe(
                started.with { $0.spec.bootstrap.image = "jobs:2" }.upgradeCheck(.checking), flink: running,
                plan: .init(bootstrapDigest: SpecDigest.of(started.with { $0.spec.bootstrap.image = "jobs:2" }.spec.bootstrap), result: .success([])),
                runningVertices: [.init(id: "v1", name: "Counter")]
            )
        ),
        .init(JobStarted.parallelismChanged, JF.observe(started.with { $0.spec.jobParallelism = 4 }, flink: running)),
        .init(JobStarted.rollBack, JF.observe(pending(started), flink: running, health: .init(restarts: 1, completedCheckpoints: 0))),
        .init(JobStarted.jobNotRunning, JF.observe(started, flink: .state("FAILED"))),
        .init(JobStarted.jobLost, JF.observe(started, flink: .notFound)),
        .init(JobStarted.restart, JF.observe(started.action("START"), flink: running)),
        .init(JobStarted.stop, JF.observe(started.action("stop"), flink: running)),
        .init(JobStopping.stoppingJob, JF.observe(stopping, bootstrap: JF.bootstrap())),
        .init(JobStopping.stopped, JF.observe(stopping)),
        .init(JobStopping.restarted, JF.observe(stopping.annotations { $0.shouldRestart = true })),
        .init(JobStopping.deleted, JF.observe(stopping.annotations { $0.deleteResources = true })),
        .init(JobStopping.unhealthy, unreachable(FlinkJob.fixture(state: .stopping))),
        .init(JobStopping.unhealthyDeleted, unreachable(FlinkJob.fixture(state: .stopping).annotations { $0.deleteResources = true })),
        .init(JobStopped.clusterTerminated, JF.observe(stopped, cluster: JF.cluster(state: .terminated))),
        .init(JobStopped.deleted, JF.observe(stopped.deleting())),
        .init(JobStopped.start, JF.observe(stopped.action("START"))),
        .init(JobStopped.bootstrapChanged, JF.observe(stopped.with { $0.spec.bootstrap.className = "com.example.Other" })),
        .init(JobStopped.clusterStarting, JF.observe(stopped, cluster: JF.cluster(state: .starting))),
        .init(JobStopped.restartDelay, JF.observe(FlinkJob.fixture(state: .stopped, age: 61))),
        .init(JobStopped.jobRunning, JF.observe(stopped.status { $0.jobId = "job-1" }, flink: running)),
    ]
}()

/// The rules of `state`.
func jobRules(_ state: LifecycleState) -> [StateTransition] {
    JobStateMachine.rules.first { $0.state == state }?.transitions ?? []
}

@Suite("JobStateMachine: edges")
struct JobStateMachineEdgeTests {
    @Test("each edge is taken for its observation", arguments: jobEdgeCases)
    func edge(_ testCase: JobEdgeCase) throws {
        let decision = JobStateMachine.decide(testCase.observation)
        #expect(decision.transition == testCase.edge)
        #expect((decision.job.status?.supervisorStatus ?? .unknown) == testCase.edge.to)
        let transition = try #require(decision.transition)
        let declared = jobRules(testCase.observation.job.status?.supervisorStatus ?? .unknown)
        #expect(declared.contains(transition))
        let stateEvents = decision.events.filter { $0.reason == testCase.edge.to.rawValue && !$0.isWarning }
        #expect(stateEvents.count == (testCase.edge.from == testCase.edge.to ? 0 : 1))
    }

    @Test("every declared edge is exercised, and only declared edges")
    func coverage() {
        let exercised = Set(jobEdgeCases.map(\.edge))
        #expect(exercised == Set(JobStateMachine.transitions))
        #expect(JobStateMachine.transitions.count == Set(JobStateMachine.transitions).count)
        for rules in JobStateMachine.rules {
            #expect(rules.transitions.allSatisfy { $0.from == rules.state })
        }
    }
}

@Suite("JobStateMachine: rest and conditions")
struct JobStateMachineRestTests {
    static let restingWorlds: [(String, JobObservation)] = [
        ("started and running", JF.observe(.fixture(state: .started), flink: .state("RUNNING"))),
        ("starting, bootstrap running", JF.observe(.fixture(state: .starting), bootstrap: JF.bootstrap())),
        ("stopped, policy Never", JF.observe(.fixture(state: .stopped, spec: JF.spec(policy: .never)))),
        ("stopped, cluster terminated", JF.observe(.fixture(state: .stopped), cluster: JF.cluster(state: .terminated))),
        ("terminated", JF.observe(.fixture(state: .terminated))),
        ("cluster missing", JF.observe(.fixture(state: .started), cluster: nil)),
    ]

    @Test("at rest the decided job equals the observed one and nothing is done", arguments: 0..<6)
    func idempotentAtRest(_ index: Int) {
        var observation = Self.restingWorlds[index].1
        observation.job = JobStateMachine.decide(observation).job
        let decision = JobStateMachine.decide(observation)
        #expect(decision.job == observation.job, "\(Self.restingWorlds[index].0)")
        #expect(decision.actions.isEmpty)
        #expect(decision.events.isEmpty)
    }

    @Test("a running job is Ready, not Progressing nor Degraded, with observedGeneration; Flink is polled")
    func readyConditions() throws {
        let decision = JobStateMachine.decide(JF.observe(.fixture(state: .started), flink: .state("RUNNING")))
        let conditions = decision.job.status?.conditions
        #expect(Conditions.find(.ready, in: conditions)?.status == ._true)
        #expect(Conditions.find(.progressing, in: conditions)?.status == ._false)
        #expect(Conditions.find(.degraded, in: conditions)?.status == ._false)
        #expect(decision.job.status?.observedGeneration == 1)
        #expect(decision.recheckAfter == 5)
        // Only conditions and observedGeneration were added: no status value changed, so no new timestamp.
        #expect(decision.job.status?.timestamp == JF.ago(10))
    }

    @Test("without a cluster the job is Unknown, resource Updated, Degraded, and nothing runs")
    func clusterMissing() {
        let decision = JobStateMachine.decide(JF.observe(.fixture(state: .started), cluster: nil))
        #expect(decision.job.status?.supervisorStatus == .unknown)
        #expect(decision.job.status?.resourceStatus == .updated)
        #expect(decision.actions.isEmpty && decision.transition == nil)
        #expect(Conditions.find(.degraded, in: decision.job.status?.conditions)?.reason == "ClusterNotFound")
    }

    @Test("a bootstrap failure makes the job Degraded with its message")
    func bootstrapFailure() {
        let observation = JF.observe(.fixture(state: .starting), bootstrap: JF.bootstrap(), bootstrapFailure: "class not found")
        let degraded = Conditions.find(.degraded, in: JobStateMachine.decide(observation).job.status?.conditions)
        #expect(degraded?.status == ._true)
        #expect(degraded?.reason == "BootstrapFailed")
        #expect(degraded?.message?.contains("class not found") == true)
    }

    @Test("initialisation fills the status from the spec and adds the finalizer")
    func initialise() {
        let job = FlinkJob.fixture(state: nil).with {
            $0.metadata.finalizers = nil
            $0.spec.savepoint.savepointPath = "file:///initial"
            $0.spec.jobParallelism = 50
        }.annotations { $0.withoutSavepoint = true }
        let decision = JobStateMachine.decide(JF.observe(job))
        let status = decision.job.status
        #expect(decision.job.metadata.hasSupervisorFinalizer)
        #expect(status?.savepointPath == "file:///initial")
        #expect(status?.jobParallelism == 32)
        #expect(status?.clusterName == "demo")
        #expect(status?.digest == SpecDigest.job(job.spec))
        #expect(status?.timestamp == JF.now)
        #expect(decision.job.supervisorAnnotations.withoutSavepoint == false)
    }
}

@Suite("JobStateMachine: savepoints")
struct JobStateMachineSavepointTests {
    static let running = ObservedJobState.state("RUNNING")

    @Test("A request made in this cycle is not judged in the same cycle, however old the status is")
    func freshRequestNotExpired() {
        let job = FlinkJob.fixture(state: .started, age: 600).action("TRIGGER_SAVEPOINT")
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running))
        #expect(decision.job.status?.savepointTriggerId == JF.freshTrigger)
        #expect(!decision.events.contains { $0.reason == "SavepointFailed" })
        #expect(decision.actions == [.triggerSavepoint(jobId: "job-1", triggerId: JF.freshTrigger, targetDirectory: JF.target)])
    }

    @Test("TRIGGER_SAVEPOINT stores the request (write-ahead) and asks Flink under the same trigger id")
    func writeAhead() {
        let decision = JobStateMachine.decide(JF.observe(FlinkJob.fixture(state: .started).action("TRIGGER_SAVEPOINT"), flink: Self.running))
        let status = decision.job.status
        #expect(status?.savepointTriggerId == JF.freshTrigger)
        #expect(status?.savepointJobId == "job-1")
        #expect(status?.savepointRequestTimestamp == JF.now)
        #expect(decision.actions == [.triggerSavepoint(jobId: "job-1", triggerId: JF.freshTrigger, targetDirectory: JF.target)])
        #expect(status?.resourceStatus == .updating)
        #expect(decision.job.supervisorAnnotations.requestedAction == RequestedAction.none)
        #expect(Conditions.find(.progressing, in: status?.conditions)?.reason == "SavepointPending")
    }

    @Test("a request Flink does not know is sent again under the stored trigger id")
    func notFoundResends() {
        let job = FlinkJob.fixture(state: .started).pendingSavepoint("stored-trigger")
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running, savepoint: .notFound))
        #expect(decision.actions == [.triggerSavepoint(jobId: "job-1", triggerId: "stored-trigger", targetDirectory: JF.target)])
        #expect(decision.job.status?.savepointTriggerId == "stored-trigger")
        #expect(decision.job.status?.savepointRequestTimestamp == JF.ago(10))
    }

    @Test("a request unknown to Flink for more than taskTimeout fails, keeping the last savepoint")
    func notFoundExpires() {
        let job = FlinkJob.fixture(state: .started).pendingSavepoint(age: 301)
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running, savepoint: .notFound))
        #expect(decision.actions.isEmpty)
        #expect(decision.job.status?.savepointTriggerId == "")
        #expect(decision.job.status?.savepointPath == JF.lastSavepoint)
        #expect(decision.events.contains { $0.isWarning && $0.reason == "SavepointFailed" })
    }

    @Test("a request whose Flink job is gone too fails at once: a deleted job stops without waiting taskTimeout")
    func notFoundWithJobGone() {
        let job = FlinkJob.fixture(state: .started).pendingSavepoint(age: 10)
        let decision = JobStateMachine.decide(JF.observe(job, flink: .notFound, savepoint: .notFound))
        #expect(!decision.actions.contains { if case .triggerSavepoint = $0 { true } else { false } })
        #expect(decision.job.status?.savepointTriggerId == "")
        #expect(decision.job.status?.savepointPath == JF.lastSavepoint)
        #expect(decision.transition == JobStarted.jobLost)
        let stopping = FlinkJob.fixture(state: .stopping).pendingSavepoint(age: 10)
        let stop = JobStateMachine.decide(JF.observe(stopping, flink: .notFound, savepoint: .notFound))
        #expect(stop.actions.isEmpty, "nothing to cancel: Flink no longer runs the job")
        #expect(stop.job.status?.jobId == "")
        #expect(stop.job.status?.savepointTriggerId == "")
        #expect(stop.events.contains { $0.isWarning && $0.reason == "SavepointFailed" })
    }

    @Test("a stop whose JobManager is gone ends at once: the pending stop-with-savepoint fails, nothing is sent")
    func stopWithJobManagerGone() {
        let stopping = FlinkJob.fixture(state: .stopping).pendingSavepoint(age: 10)
        var observation = JF.observe(stopping, flink: .unknown, savepoint: .unknown)
        observation.jobManagerGone = true
        let decision = JobStateMachine.decide(observation)
        #expect(decision.actions.isEmpty)
        #expect(decision.job.status?.jobId == "")
        #expect(decision.job.status?.savepointTriggerId == "")
        #expect(decision.job.status?.savepointPath == JF.lastSavepoint, "the last good savepoint stays the restore point")
        #expect(decision.events.contains { $0.isWarning && $0.reason == "SavepointFailed" })
        observation.jobManagerGone = false
        let waiting = JobStateMachine.decide(observation)
        #expect(waiting.job.status?.savepointTriggerId != "", "an unreachable JobManager that still exists is waited for")
    }

    @Test("no second request while one is pending: manual trigger rejected, periodic one not started")
    func noDuplicate() {
        let spec = JF.spec(interval: 60)
        let job = FlinkJob.fixture(state: .started, spec: spec, age: 600).pendingSavepoint(age: 120).action("TRIGGER_SAVEPOINT")
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running, savepoint: .inProgress))
        #expect(decision.actions.isEmpty)
        #expect(decision.job.status?.savepointTriggerId == "stored-trigger")
        #expect(decision.events.contains { $0.isWarning && $0.reason == "ActionRejected" })
        #expect(decision.recheckAfter == 5)
    }

    @Test("in progress waits without writing")
    func inProgressWaits() {
        let job = FlinkJob.fixture(state: .started).pendingSavepoint().status { $0.resourceStatus = .updating }
        var observation = JF.observe(job, flink: Self.running, savepoint: .inProgress)
        observation.job = JobStateMachine.decide(observation).job
        let decision = JobStateMachine.decide(observation)
        #expect(decision.job == observation.job)
        #expect(decision.actions.isEmpty)
        #expect(decision.recheckAfter == 5)
    }

    @Test("a completed savepoint is recorded and the request cleared")
    func completed() {
        let job = FlinkJob.fixture(state: .started).pendingSavepoint()
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running, savepoint: .completed(location: "file:///savepoints/sp-1")))
        #expect(decision.job.status?.savepointPath == "file:///savepoints/sp-1")
        #expect(decision.job.status?.savepointTimestamp == JF.now)
        #expect(decision.job.status?.savepointTriggerId == "")
        #expect(decision.job.status?.resourceStatus == .updated)
    }

    @Test("periodic savepoints run in Automatic mode only", arguments: [Components.Schemas.SavepointMode.automatic, .manual])
    func periodic(_ mode: Components.Schemas.SavepointMode) {
        let job = FlinkJob.fixture(state: .started, spec: JF.spec(mode: mode, interval: 60), age: 61)
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running))
        if mode == .automatic {
            #expect(decision.actions == [.triggerSavepoint(jobId: "job-1", triggerId: JF.freshTrigger, targetDirectory: JF.target)])
        } else {
            #expect(decision.actions.isEmpty)
            #expect(decision.job.status?.savepointTriggerId == "")
        }
    }

    @Test("a periodic savepoint not yet due asks to look again when it is")
    func periodicNotDue() {
        let job = FlinkJob.fixture(state: .started, spec: JF.spec(interval: 3), age: 1)
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running))
        #expect(decision.actions.isEmpty)
        #expect(decision.recheckAfter == 2)
    }

    @Test("FORGET_SAVEPOINT clears the path and stamps savepointTimestamp")
    func forget() {
        let decision = JobStateMachine.decide(JF.observe(FlinkJob.fixture(state: .started).action("FORGET_SAVEPOINT"), flink: Self.running))
        #expect(decision.job.status?.savepointPath == "")
        #expect(decision.job.status?.savepointTimestamp == JF.now)
    }
}

@Suite("JobStateMachine: stopping")
struct JobStateMachineStopTests {
    static let running = ObservedJobState.state("RUNNING")
    static let stopping = FlinkJob.fixture(state: .stopping)

    static let plainCancels: [(String, JobObservation)] = [
        ("manual mode", JF.observe(.fixture(state: .stopping, spec: JF.spec(mode: .manual)), flink: running)),
        ("without-savepoint on the job", JF.observe(stopping.annotations { $0.withoutSavepoint = true }, flink: running)),
        ("without-savepoint on the cluster", JF.observe(stopping, cluster: JF.cluster(withoutSavepoint: true), flink: running)),
        ("delete-resources", JF.observe(stopping.annotations { $0.deleteResources = true }, flink: running)),
    ]

    @Test("in Automatic mode a stop is a write-ahead stop-with-savepoint")
    func automaticStop() {
        let decision = JobStateMachine.decide(JF.observe(Self.stopping, flink: Self.running))
        #expect(decision.actions == [.stopWithSavepoint(jobId: "job-1", triggerId: JF.freshTrigger, targetDirectory: JF.target)])
        #expect(decision.job.status?.savepointTriggerId == JF.freshTrigger)
        #expect(decision.job.status?.jobId == "job-1")
        #expect(decision.transition == JobStopping.stoppingJob)
    }

    @Test("Manual, without-savepoint and deletion cancel plainly", arguments: 0..<4)
    func plainCancel(_ index: Int) {
        let decision = JobStateMachine.decide(Self.plainCancels[index].1)
        #expect(decision.actions == [.cancelFlinkJob(jobId: "job-1")], "\(Self.plainCancels[index].0)")
        #expect(decision.job.status?.jobId == "")
        #expect(decision.job.status?.savepointTriggerId == "")
    }

    @Test("a job Flink no longer runs is not cancelled", arguments: [ObservedJobState.notFound, .state("CANCELED")])
    func alreadyGone(_ state: ObservedJobState) {
        let decision = JobStateMachine.decide(JF.observe(Self.stopping, flink: state))
        #expect(decision.actions.isEmpty)
        #expect(decision.job.status?.jobId == "")
    }

    @Test("a completed stop-with-savepoint records the path, then the job stops")
    func completedStop() {
        let job = Self.stopping.pendingSavepoint()
        let observation = JF.observe(job, flink: .state("FINISHED"), savepoint: .completed(location: "file:///savepoints/sp-2"))
        let first = JobStateMachine.decide(observation)
        #expect(first.job.status?.savepointPath == "file:///savepoints/sp-2")
        #expect(first.job.status?.jobId == "")
        #expect(first.actions.isEmpty)
        let second = JobStateMachine.decide(JF.observe(first.job, flink: .unknown))
        #expect(second.transition == JobStopping.stopped)
        #expect(second.job.status?.savepointPath == "file:///savepoints/sp-2")
        #expect(second.job.status?.jobParallelism == 0)
    }

    @Test("a failed stop-with-savepoint of a job that still runs is asked again, the timeout counting from the first try")
    func failedStopRetried() {
        let decision = JobStateMachine.decide(
            JF.observe(Self.stopping.pendingSavepoint(age: 10), flink: Self.running, savepoint: .failed(reason: "tasks not running")))
        #expect(decision.actions == [.stopWithSavepoint(jobId: "job-1", triggerId: JF.freshTrigger, targetDirectory: JF.target)])
        #expect(decision.job.status?.savepointTriggerId == JF.freshTrigger)
        #expect(decision.job.status?.savepointRequestTimestamp == JobFixtures.ago(10))
        #expect(decision.job.status?.jobId == "job-1")
        #expect(decision.events.contains { $0.isWarning && $0.reason == "SavepointFailed" })
    }

    @Test("a refused stop is asked again a polling interval after the last attempt, not at once (reliability.md, finding 4)")
    func failedStopWaits() {
        let justTried = Self.stopping.pendingSavepoint(age: 30).with { $0.status?.timestamp = JobFixtures.ago(1) }
        let waiting = JobStateMachine.decide(JF.observe(justTried, flink: Self.running, savepoint: .failed(reason: "tasks not running")))
        #expect(waiting.actions.isEmpty && waiting.events.isEmpty)
        #expect(waiting.job.status?.savepointTriggerId == justTried.status?.savepointTriggerId)
        #expect(waiting.job.status?.timestamp == JobFixtures.ago(1), "nothing changed: no status write to echo back")
        #expect(waiting.recheckAfter == 4)
        let later = JF.observe(justTried, flink: Self.running, savepoint: .failed(reason: "tasks not running"), at: JF.now.addingTimeInterval(4))
        #expect(JobStateMachine.decide(later).actions.map { if case .stopWithSavepoint = $0 { true } else { false } } == [true])
    }

    @Test("a stop-with-savepoint still failing after taskTimeout cancels plainly and keeps the previous savepoint")
    func failedStop() {
        let decision = JobStateMachine.decide(
            JF.observe(Self.stopping.pendingSavepoint(age: 400), flink: Self.running, savepoint: .failed(reason: "disk full")))
        #expect(decision.actions == [.cancelFlinkJob(jobId: "job-1")])
        #expect(decision.job.status?.savepointPath == JF.lastSavepoint)
        #expect(decision.job.status?.jobId == "")
        #expect(decision.events.contains { $0.isWarning && $0.reason == "SavepointFailed" })
    }

    @Test("after taskTimeout a failed stop-with-savepoint gives up without a cancel call")
    func failedStopTimedOut() {
        let job = FlinkJob.fixture(state: .stopping, age: 400).pendingSavepoint(age: 400)
        let decision = JobStateMachine.decide(JF.observe(job, flink: Self.running, savepoint: .failed(reason: "timeout")))
        #expect(decision.actions.isEmpty)
        #expect(decision.job.status?.jobId == "")
        #expect(decision.job.status?.savepointPath == JF.lastSavepoint)
    }

    @Test("Stopping deletes the bootstrap Job once and waits for it")
    func bootstrapDeleted() {
        let first = JobStateMachine.decide(JF.observe(Self.stopping, bootstrap: JF.bootstrap(), flink: Self.running))
        #expect(first.actions == [.deleteBootstrapJob(name: "bootstrap-demo-job")])
        #expect(first.job.status?.timestamp == JF.now)
        let second = JobStateMachine.decide(JF.observe(Self.stopping, bootstrap: JF.bootstrap(deleting: true), flink: Self.running))
        #expect(second.actions.isEmpty)
    }
}

@Suite("JobStateMachine: restarts, cascades and actions")
struct JobStateMachineLifecycleTests {
    static let running = ObservedJobState.state("RUNNING")

    /// The command line of the bootstrap Job the decision creates (empty when it creates none).
    static func bootstrapArguments(_ decision: JobDecision) -> [String] {
        for case .createBootstrapJob(let batchJob) in decision.actions {
            let container = batchJob.spec["template"]?["spec"]?["containers"]?.arrayValue?.first
            return container?["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        return []
    }

    /// Runs decisions, feeding each stored job into the next observation built by `world`, until `state` is reached.
    static func run(
        _ job: FlinkJob, until state: LifecycleState, limit: Int = 8, world: (FlinkJob) -> JobObservation
    ) -> (job: FlinkJob, decisions: [JobDecision]) {
        var job = job
        var decisions: [JobDecision] = []
        for _ in 0..<limit where (decisions.isEmpty || job.status?.supervisorStatus != state) {
            let decision = JobStateMachine.decide(world(job))
            if let transition = decision.transition {
                #expect(transition.from == (job.status?.supervisorStatus ?? .unknown))
                #expect(jobRules(transition.from).contains(transition), "undeclared edge \(transition)")
            }
            decisions.append(decision)
            job = decision.job
        }
        return (job, decisions)
    }

    @Test(
        "restart policies decide whether a stopped job restarts after restartDelay",
        arguments: [
            (Components.Schemas.RestartPolicy.always, "", true), (.never, "", false), (.never, "FAILED", false),
            (.onlyIfFailed, "FAILED", true), (.onlyIfFailed, "FINISHED", false),
        ]
    )
    func restartPolicy(_ policy: Components.Schemas.RestartPolicy, _ jobStatus: String, _ restarts: Bool) {
        let job = FlinkJob.fixture(state: .stopped, spec: JF.spec(policy: policy), age: 61).status { $0.jobStatus = jobStatus }
        let decision = JobStateMachine.decide(JF.observe(job))
        #expect((decision.transition == JobStopped.restartDelay) == restarts)
        if restarts {
            #expect(decision.job.status?.jobParallelism == 2)
            #expect(decision.job.status?.jobStatus == "")
        } else {
            #expect(decision.recheckAfter == nil)
        }
    }

    @Test("before restartDelay a stopped job waits for the remaining time")
    func restartDelayPending() {
        let decision = JobStateMachine.decide(JF.observe(.fixture(state: .stopped, age: 20)))
        #expect(decision.transition == nil)
        #expect(decision.recheckAfter == 40)
    }

    @Test("a failed job in Started goes Stopped keeping its id, and OnlyIfFailed restarts it after the delay")
    func failedJobRestarts() {
        let job = FlinkJob.fixture(state: .started, spec: JF.spec(policy: .onlyIfFailed))
        let stopped = JobStateMachine.decide(JF.observe(job, flink: .state("FAILED"))).job
        #expect(stopped.status?.jobStatus == "FAILED" && stopped.status?.jobId == "job-1")
        #expect(Conditions.find(.degraded, in: stopped.status?.conditions)?.reason == "JobFailed")
        let later = JobStateMachine.decide(JF.observe(stopped, flink: .state("FAILED"), at: JF.now.addingTimeInterval(61)))
        #expect(later.transition == JobStopped.restartDelay)
    }

    @Test("a lost Flink job restarts unless the policy is Never", arguments: [Components.Schemas.RestartPolicy.always, .onlyIfFailed, .never])
    func lostJob(_ policy: Components.Schemas.RestartPolicy) {
        let decision = JobStateMachine.decide(JF.observe(.fixture(state: .started, spec: JF.spec(policy: policy)), flink: .notFound))
        #expect(decision.transition == JobStarted.jobLost)
        #expect(decision.job.supervisorAnnotations.shouldRestart == (policy != .never))
        #expect(decision.job.status?.jobStatus == "")
    }

    @Test("a scale change restarts the job from a fresh savepoint with the new parallelism, bypassing Never")
    func scaleChange() {
        let job = FlinkJob.fixture(state: .started, spec: JF.spec(parallelism: 4, policy: .never))
        let result = Self.run(job, until: .starting) { job in
            let stopped = job.status?.savepointTriggerId?.isEmpty == false
            return JF.observe(job, flink: stopped ? .state("FINISHED") : Self.running, savepoint: stopped ? .completed(location: "file:///sp-4") : .unknown)
        }
        #expect(result.job.status?.supervisorStatus == .starting)
        #expect(result.job.status?.jobParallelism == 4)
        #expect(result.job.status?.savepointPath == "file:///sp-4")
        #expect(result.decisions.flatMap(\.actions).contains { if case .stopWithSavepoint = $0 { true } else { false } })
        let next = JobStateMachine.decide(JF.observe(result.job))
        #expect(next.actions == [.createBootstrapJob(BootstrapResources.batchJob(for: next.job, cluster: JF.cluster(), settings: JF.settings))])
        #expect(Self.bootstrapArguments(next).contains(["--parallelism", "4"]))
        #expect(Self.bootstrapArguments(next).contains(["--savepoint-path", "file:///sp-4"]))
    }

    @Test("a bootstrap change restarts the job (after a compatible plan) and records the new digest")
    func bootstrapChange() {
        let job = FlinkJob.fixture(state: .started, spec: JF.spec(mode: .manual)).with { $0.spec.bootstrap.image = "jobs:2" }
        let plan = ObservedUpgradePlan(bootstrapDigest: SpecDigest.of(job.spec.bootstrap), result: .success([]))
        let result = Self.run(job, until: .starting) { JF.observe($0, flink: Self.running, plan: plan, runningVertices: []) }
        #expect(result.job.status?.supervisorStatus == .starting)
        #expect(result.job.status?.digest?.bootstrap == SpecDigest.of(job.spec.bootstrap))
        #expect(result.decisions.flatMap(\.actions).contains(.cancelFlinkJob(jobId: "job-1")))
    }

    @Test("parallelism 0 suspends: Started → Stopping → Starting → Stopped without a bootstrap")
    func suspend() {
        let job = FlinkJob.fixture(state: .started, spec: JF.spec(parallelism: 0, mode: .manual))
        let result = Self.run(job, until: .stopped) { JF.observe($0, flink: Self.running) }
        let path = [JobStarted.parallelismChanged, JobStopping.stoppingJob, JobStopping.restarted, JobStarting.suspended]
        #expect(result.decisions.compactMap(\.transition) == path)
        #expect(!result.decisions.flatMap(\.actions).contains { if case .createBootstrapJob = $0 { true } else { false } })
    }

    @Test("Starting creates the bootstrap once its parallelism and savepoint are stored; without-savepoint clears the path first")
    func bootstrapCreation() {
        let job = FlinkJob.fixture(state: .starting).annotations { $0.withoutSavepoint = true }
        let first = JobStateMachine.decide(JF.observe(job))
        #expect(first.job.status?.savepointPath == "" && first.actions.isEmpty)
        let second = JobStateMachine.decide(JF.observe(first.job))
        #expect(second.actions == [.createBootstrapJob(BootstrapResources.batchJob(for: second.job, cluster: JF.cluster(), settings: JF.settings))])
        #expect(!Self.bootstrapArguments(second).contains("--savepoint-path"))
        #expect(Self.bootstrapArguments(second).contains(["--supervisor-url", JF.settings.supervisorURL]))
        #expect(second.job.status?.timestamp == JF.now)
        #expect(second.events.contains { $0.reason == "BootstrapCreated" })
    }

    @Test("status.clusterUid names the cluster the job runs in (the original never wrote it)")
    func clusterUid() {
        let cluster = JobFixtures.cluster().with { $0.metadata.uid = "uid-cluster-2" }
        #expect(
            JobStateMachine.decide(JF.observe(.fixture(state: .started), cluster: cluster, flink: .state("RUNNING"))).job.status?.clusterUid == "uid-cluster-2")
    }

    @Test("without-savepoint does not stick: reset once the job settled, so a later automatic restart restores the new savepoint")
    func withoutSavepointIsConsumed() {
        // START without savepoint, as the manual's kubectl annotate leaves the flag on the resource.
        let started = FlinkJob.fixture(state: .started).annotations { $0.withoutSavepoint = true }
        let pending = started.action("START").annotations { $0.withoutSavepoint = true }
        #expect(JobStateMachine.decide(JF.observe(pending, flink: .state("RUNNING"))).job.supervisorAnnotations.withoutSavepoint)
        // While the job is Starting the flag holds; once Started with no action pending it is reset.
        #expect(
            JobStateMachine.decide(JF.observe(FlinkJob.fixture(state: .starting).annotations { $0.withoutSavepoint = true }))
                .job.supervisorAnnotations.withoutSavepoint)
        let settled = JobStateMachine.decide(JF.observe(started, flink: .state("RUNNING"))).job
        #expect(settled.supervisorAnnotations.withoutSavepoint == false)
        // A savepoint taken since is what a later automatic restart (the Flink job lost) starts from.
        let lost = JobStateMachine.decide(JF.observe(settled.with { $0.spec.restart.restartPolicy = .always }, flink: .notFound))
        #expect(lost.job.status?.supervisorStatus == .stopping && lost.job.supervisorAnnotations.shouldRestart)
        var restarting = lost.job
        for _ in 0..<3 where restarting.status?.supervisorStatus != .starting {  // forgets the lost id, then restarts
            restarting = JobStateMachine.decide(JF.observe(restarting, flink: .notFound)).job
        }
        #expect(restarting.status?.supervisorStatus == .starting)
        let bootstrap = JobStateMachine.decide(JF.observe(restarting))
        #expect(Self.bootstrapArguments(bootstrap).contains(["--savepoint-path", JobFixtures.lastSavepoint]))
        // A cluster's without-savepoint is reset once the cluster and all its jobs settled.
        let cluster = FlinkCluster.fixture(state: .started).with {
            $0.metadata.annotations = [SupervisorAnnotations.withoutSavepointKey: "true"]
        }
        let flag = { (jobs: [FlinkJob]) in
            SupervisorAnnotations(ClusterStateMachine.decide(.running(cluster, jobs: jobs)).cluster.metadata).withoutSavepoint
        }
        #expect(flag([FlinkJob.fixture(state: .started), FlinkJob.fixture(state: .starting)]))
        #expect(flag([FlinkJob.fixture(state: .started)]) == false)
    }

    @Test("deleting the FlinkDeployment: the job is cancelled without a savepoint and terminated, then its finalizer dropped")
    func deploymentDeleted() {
        let job = FlinkJob.fixture(state: .started).deleting()
        let result = Self.run(job, until: .terminated) { JF.observe($0, cluster: JF.cluster(deleting: true), flink: Self.running) }
        let actions = result.decisions.flatMap(\.actions)
        #expect(actions == [.cancelFlinkJob(jobId: "job-1")])
        #expect(result.job.status?.supervisorStatus == .terminated)
        let last = JobStateMachine.decide(JF.observe(result.job, cluster: JF.cluster(deleting: true)))
        #expect(!last.job.metadata.hasSupervisorFinalizer)
    }

    @Test("deleting only the FlinkCluster: the job is savepointed, Stopped, and drops its finalizer once the cluster is Terminated")
    func clusterDeleted() {
        let job = FlinkJob.fixture(state: .started)
        let result = Self.run(job, until: .stopped) { job in
            let pending = job.status?.savepointTriggerId?.isEmpty == false
            return JF.observe(
                job, cluster: JF.cluster(state: .stopping, deleting: true), flink: Self.running,
                savepoint: pending ? .completed(location: "file:///sp-final") : .unknown)
        }
        #expect(result.job.status?.supervisorStatus == .stopped)
        #expect(result.job.status?.savepointPath == "file:///sp-final")
        #expect(result.job.metadata.hasSupervisorFinalizer)
        let terminated = JobStateMachine.decide(JF.observe(result.job, cluster: JF.cluster(state: .terminated, deleting: true)))
        #expect(!terminated.job.metadata.hasSupervisorFinalizer)
        #expect(terminated.job.status?.supervisorStatus == .stopped)
    }

    @Test(
        "actions a state does not accept are reset with a Warning",
        arguments: [
            (LifecycleState.starting, "START"), (.starting, "TRIGGER_SAVEPOINT"), (.stopped, "STOP"), (.stopped, "FORGET_SAVEPOINT"),
        ])
    func rejectedAction(_ state: LifecycleState, _ action: String) {
        let job = FlinkJob.fixture(state: state, spec: JF.spec(policy: .never)).action(action)
        let decision = JobStateMachine.decide(JF.observe(job, bootstrap: state == .starting ? JF.bootstrap() : nil))
        #expect(decision.job.supervisorAnnotations.requestedAction == RequestedAction.none)
        #expect(decision.job.metadata.annotations?[SupervisorAnnotations.actionTimestampKey] != nil)
        #expect(decision.events.contains { $0.isWarning && $0.reason == "ActionRejected" })
        #expect(decision.transition == nil)
    }

    @Test("an invalid action is reset, warned about, and marks the job Degraded")
    func invalidAction() {
        let decision = JobStateMachine.decide(JF.observe(FlinkJob.fixture(state: .started).action("EXPLODE"), flink: Self.running))
        #expect(decision.job.metadata.annotations?[SupervisorAnnotations.requestedActionKey] == "NONE")
        #expect(decision.events.contains { $0.isWarning && $0.reason == "InvalidAction" })
        #expect(Conditions.find(.degraded, in: decision.job.status?.conditions)?.reason == "InvalidAction")
        #expect(decision.transition == nil)
    }

    @Test("an unreachable JobManager first clears the health (starting the clock); only after taskTimeout is it UNHEALTHY")
    func unhealthyClock() {
        let job = FlinkJob.fixture(state: .started, age: 10_000)
        let first = JobStateMachine.decide(JF.observe(job, reachable: false))
        #expect(first.transition == nil)
        #expect(first.job.status?.clusterHealth == ._empty_)
        #expect(first.job.status?.timestamp == JF.now)
        let soon = JobStateMachine.decide(JF.observe(first.job, reachable: false, at: JF.now.addingTimeInterval(100)))
        #expect(soon.transition == nil)
        let late = JobStateMachine.decide(JF.observe(first.job, reachable: false, at: JF.now.addingTimeInterval(301)))
        #expect(late.transition == JobStarted.unhealthy)
        #expect(late.job.status?.clusterHealth == .unhealthy)
    }
}
