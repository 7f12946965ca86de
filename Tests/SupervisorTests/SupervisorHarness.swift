import Foundation
import KubeClient
import KubeModels
import Logging
import ServiceKit
import SupervisorKit
import Synchronization
import ToolboxAPI
import ToolboxCore

/// A supervisor of cluster `demo` wired to a FakeKube and a FakeFlink that share one journal, with a clock the test
/// moves. `restart()` makes a new controller on the same stores and fakes (a supervisor process that crashed).
final class SupervisorHarness: Sendable {
    static let namespace = "flink-jobs"
    static let settings = BootstrapSettings(supervisorURL: "http://supervisor-demo.flink-jobs:4445")

    let journal = Journal()
    let kube: FakeKube
    let flink: FakeFlink
    let cache = SupervisorCache(namespace: namespace, clusterName: "demo")
    let clock = TestClock()
    let timing: SupervisorTiming
    private let current: Mutex<SupervisorController?> = Mutex(nil)

    init(taskTimeout: TimeInterval = 300) {
        kube = FakeKube(journal: journal)
        flink = FakeFlink(journal: journal)
        timing = SupervisorTiming(taskTimeout: taskTimeout, pollingInterval: 5)
        kube.feed(cache.clusters)
        kube.feed(cache.jobs)
        kube.feed(cache.pods)
        kube.feed(cache.services)
        kube.feed(cache.batchJobs)
        restart()
    }

    /// The controller of the current "process".
    var controller: SupervisorController { current.withLock { $0! } }

    /// A new controller on the same cache and fakes.
    func restart() {
        var logger = Logger(label: "supervisor-test")
        logger.logLevel = .error
        let controller = SupervisorController(
            cache: cache, client: kube, flink: flink, bootstrapSettings: Self.settings,
            metrics: SupervisorMetrics(registry: MetricsRegistry(component: "supervisor", version: "test"), cluster: "demo"),
            timing: timing, logger: logger, now: { [clock] in clock.now }
        )
        current.withLock { $0 = controller }
    }

    /// Moves the clock on.
    func advance(_ seconds: TimeInterval) { clock.advance(seconds) }

    /// One pass; returns the journal lines it added.
    @discardableResult
    func pass() async throws -> [String] {
        let mark = journal.count
        _ = try await controller.reconcile()
        return journal.lines(since: mark)
    }

    /// Passes (the clock moving a poll interval each) until one adds nothing to the journal; returns every line.
    @discardableResult
    func settle(limit: Int = 20) async throws -> [String] {
        var lines: [String] = []
        for _ in 0..<limit {
            let added = try await pass()
            if added.isEmpty { return lines }
            lines += added
            advance(5)
        }
        throw SettleError(lines: lines)
    }

    struct SettleError: Error { var lines: [String] }

    /// The new FlinkCluster `demo` (one TaskManager of one slot) as a user creates it.
    static func cluster() -> FlinkCluster {
        let spec = Components.Schemas.FlinkClusterSpec(
            taskManagers: 1, minTaskManagers: 0, maxTaskManagers: 4, runtime: .init(image: "flink:2.3.0"),
            jobManager: .init(serviceMode: .clusterIP), taskManager: .init(taskSlots: 1), supervisor: .init(image: "toolbox:1")
        )
        return FlinkCluster(metadata: ObjectMeta(name: "demo", namespace: namespace), spec: spec)
    }

    /// The new FlinkJob `demo-job` (parallelism 1, automatic savepoints without a period).
    static func job() -> FlinkJob {
        let spec = Components.Schemas.FlinkJobSpec(
            jobParallelism: 1, minJobParallelism: 0, maxJobParallelism: 4,
            bootstrap: .init(image: "jobs:1", className: "com.example.Job", jarPath: "/jobs/job.jar"),
            savepoint: .init(savepointMode: .automatic, savepointInterval: 0, savepointTargetPath: "file:///savepoints"),
            restart: .init(restartPolicy: .always)
        )
        return FlinkJob(metadata: ObjectMeta(name: "demo-job", namespace: namespace, labels: ["clusterName": "demo", "jobName": "job"]), spec: spec)
    }

    /// A cluster Started with its pods and Service, and `demo-job` Started running Flink job `job-1` (its bootstrap
    /// reported the id); the journal is emptied of how it got there.
    func runningJob(_ job: FlinkJob = job()) async throws {
        try kube.apply(Self.cluster())
        try await settle()
        try kube.apply(job)
        try await settle()
        flink.state.withLock { $0.jobs["job-1"] = "RUNNING" }
        let report = Components.Schemas.BootstrapReport(outcome: .started, flinkJobId: "job-1", attempt: 1)
        _ = try await controller.accept(report, jobName: "job")
        try await settle()
    }

    /// Sets `requested-action` on the stored FlinkJob, as `flinkctl` would.
    func request(_ action: String) throws {
        guard var job = storedJob else { return }
        job.metadata.annotations = (job.metadata.annotations ?? [:]).merging([SupervisorAnnotations.requestedActionKey: action]) { _, new in new }
        try kube.apply(job)
    }

    /// Marks the stored object deleted, as the API server does when someone deletes an object with finalizers.
    func markDeleted<Object: KubeResource>(_ object: Object?) throws {
        guard var object else { return }
        object.metadata.deletionTimestamp = "2030-01-01T00:00:00Z"
        try kube.apply(object)
    }

    /// The stored FlinkJob `demo-job`.
    var storedJob: FlinkJob? { kube.stored(FlinkJob.self, "demo-job") }
    /// The stored FlinkCluster `demo`.
    var storedCluster: FlinkCluster? { kube.stored(FlinkCluster.self, "demo") }
}

/// A clock that moves only when the test says so.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_900_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}
