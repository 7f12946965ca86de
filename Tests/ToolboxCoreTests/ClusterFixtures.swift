import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// Builders of the cluster state machine's test inputs: a settled cluster in any state, its pods, jobs and Flink.
enum ClusterFixtures {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let namespace = "flink-jobs"

    static func spec(taskManagers: Int32 = 2, taskSlots: Int32 = 2) -> Components.Schemas.FlinkClusterSpec {
        .init(
            taskManagers: taskManagers, minTaskManagers: 0, maxTaskManagers: 32, runtime: .init(image: "flink:1.20"),
            jobManager: .init(serviceMode: .clusterIP), taskManager: .init(taskSlots: taskSlots), supervisor: .init(image: "toolbox:1")
        )
    }

    static func pod(_ name: String, ip: String, phase: String = "Running") -> Pod {
        var pod = Pod(metadata: ObjectMeta(name: name, namespace: namespace), spec: [:])
        let json = #"{"phase":"\#(phase)","podIP":"\#(ip)","podIPs":[{"ip":"\#(ip)"}]}"#
        pod.status = try! JSONDecoder().decode(PodStatus.self, from: Data(json.utf8))
        return pod
    }

    static func jobManagerPod(phase: String = "Running") -> Pod { pod("jobmanager-demo-x", ip: "10.0.0.1", phase: phase) }

    /// TaskManager pods `taskmanager-demo-<n>` at `10.0.1.<n>`.
    static func taskManagerPods(_ count: Int) -> [Pod] {
        count == 0 ? [] : (1...count).map { pod("taskmanager-demo-\($0)", ip: "10.0.1.\($0)") }
    }

    static func service() -> KubeService {
        KubeService(metadata: ObjectMeta(name: "jobmanager-demo", namespace: namespace), spec: [:])
    }

    /// Flink with one TaskManager per pod of `pods` (busy when its number is in `busy`) and `jobs`.
    static func flink(pods: [Pod], slotsPerTaskManager: Int = 2, busy: Set<Int> = [], jobs: [String: String] = [:]) -> ObservedFlinkCluster {
        let taskManagers = pods.enumerated().map { index, pod in
            ObservedTaskManager(
                id: "tm-\(index + 1)", host: pod.status?.podIP, slots: slotsPerTaskManager,
                freeSlots: busy.contains(index + 1) ? 0 : slotsPerTaskManager)
        }
        return ObservedFlinkCluster(slotsTotal: pods.count * slotsPerTaskManager, jobs: jobs, taskManagers: taskManagers)
    }

    static func job(
        _ name: String, state: LifecycleState?, parallelism: Int32 = 2, jobId: String? = nil,
        resourceStatus: Components.Schemas.ResourceStatus = .updated, finalizer: Bool = true, deleting: Bool = false
    ) -> FlinkJob {
        var metadata = ObjectMeta(name: "demo-\(name)", namespace: namespace)
        if deleting { metadata.deletionTimestamp = "2027-01-15T08:00:00Z" }
        if finalizer { metadata.setSupervisorFinalizer(true) }
        var job = FlinkJob(metadata: metadata, spec: Fixtures.jobSpec(parallelism: parallelism))
        job.status = .init(resourceStatus: resourceStatus, supervisorStatus: state, jobParallelism: parallelism, jobId: jobId)
        return job
    }

    static func annotation(_ decision: ClusterDecision, _ key: String) -> String? {
        decision.cluster.metadata.annotations?[key]
    }
}

extension SpecResource where Kind == FlinkClusterKind {
    /// A cluster the supervisor has settled in `state` (no status at all for `nil`), ten seconds after its last
    /// status change, with digests that match `spec`.
    static func fixture(state: LifecycleState?, spec: Components.Schemas.FlinkClusterSpec = ClusterFixtures.spec()) -> FlinkCluster {
        var metadata = ObjectMeta(name: "demo", namespace: ClusterFixtures.namespace, finalizers: [ResourceNames.operatorFinalizer])
        metadata.generation = 3
        metadata.uid = "uid-demo"
        metadata.setSupervisorFinalizer(true)
        var cluster = FlinkCluster(metadata: metadata, spec: spec)
        guard let state else { return cluster }
        cluster.metadata = SupervisorAnnotations(actionTimestamp: 1).applied(to: cluster.metadata)
        let running = state == .started
        let replicas: Int32 = running ? Int32(Rescale.declaredTaskManagers(spec)) : 0
        cluster.status = .init(
            resourceStatus: [.starting, .stopping].contains(state) ? .updating : .updated, supervisorStatus: state,
            labelSelector: ResourceNames.labelSelector(cluster: "demo"), clusterHealth: running ? .healthy : ._empty_,
            serviceMode: "ClusterIP", taskManagers: Int32(Rescale.declaredTaskManagers(spec)), taskSlots: spec.taskManager.taskSlots,
            taskManagerReplicas: replicas, totalTaskSlots: replicas * spec.taskManager.taskSlots,
            timestamp: ClusterFixtures.now.addingTimeInterval(-10), digest: SpecDigest.cluster(spec)
        )
        return cluster
    }

    /// Marked for deletion.
    func deleting() -> FlinkCluster { with { $0.metadata.deletionTimestamp = "2027-01-15T08:00:00Z" } }
    /// Without the supervisor finalizer.
    func unsupervised() -> FlinkCluster { with { $0.metadata.setSupervisorFinalizer(false) } }
    /// With `requested-action` set to `action` (raw, so invalid values can be tested).
    func requesting(_ action: String) -> FlinkCluster {
        with { $0.metadata.annotations?[SupervisorAnnotations.requestedActionKey] = action }
    }
    /// With the internal flags set.
    func flagged(shouldRestart: Bool = false, deleteResources: Bool = false) -> FlinkCluster {
        with {
            var annotations = SupervisorAnnotations($0.metadata)
            annotations.shouldRestart = shouldRestart
            annotations.deleteResources = deleteResources
            $0.metadata = annotations.applied(to: $0.metadata)
        }
    }
    /// A copy changed by `change`.
    func with(_ change: (inout FlinkCluster) -> Void) -> FlinkCluster {
        var copy = self
        change(&copy)
        return copy
    }
}

extension ClusterObservation {
    /// `cluster` with its JobManager pod, Service, `taskManagers` pods and a reachable Flink.
    static func running(_ cluster: FlinkCluster, jobs: [FlinkJob] = [], taskManagers: Int = 2, flink: ObservedFlinkCluster? = nil) -> Self {
        let pods = ClusterFixtures.taskManagerPods(taskManagers)
        return .init(
            cluster: cluster, jobs: jobs, jobManagerPods: [ClusterFixtures.jobManagerPod()], taskManagerPods: pods,
            service: ClusterFixtures.service(), flink: flink ?? ClusterFixtures.flink(pods: pods), now: ClusterFixtures.now)
    }

    /// `cluster` with nothing created for it.
    static func bare(_ cluster: FlinkCluster, jobs: [FlinkJob] = []) -> Self {
        .init(cluster: cluster, jobs: jobs, now: ClusterFixtures.now)
    }

    /// A copy changed by `change`.
    func with(_ change: (inout ClusterObservation) -> Void) -> Self {
        var copy = self
        change(&copy)
        return copy
    }
}

private typealias F = ClusterFixtures
private typealias Key = SupervisorAnnotations
private let now = ClusterFixtures.now

/// The decision table, one list per state; together the rows take every declared edge.
enum ClusterCases {
    static let unknown: [ClusterCase] = [
        ClusterCase("Unknown: initialised", .bare(.fixture(state: nil)), ClusterUnknown.initialised) { decision in
            let status = decision.cluster.status
            #expect(status?.digest == SpecDigest.cluster(F.spec()))
            #expect(status?.labelSelector == "clusterName=demo,owner=flink-operator,component=flink")
            #expect(status?.taskManagers == 2 && status?.taskSlots == 2 && status?.totalTaskSlots == 0)
            #expect(status?.serviceMode == "ClusterIP" && status?.resourceStatus == .updating && status?.timestamp == now)
            #expect(F.annotation(decision, Key.shouldRestartKey) == "false")
            #expect(F.annotation(decision, Key.deleteResourcesKey) == "false")
            #expect(F.annotation(decision, Key.requestedActionKey) == "NONE")
        },
        ClusterCase("Unknown: deleted before it was supervised", .bare(.fixture(state: nil).unsupervised().deleting()), ClusterUnknown.deleted) {
            #expect($0.cluster.status?.resourceStatus == .updated)
        },
        ClusterCase("Unknown: the finalizer comes first", .bare(.fixture(state: nil).unsupervised()), nil) {
            #expect($0.cluster.metadata.hasSupervisorFinalizer)
            #expect($0.cluster.status?.digest == nil)
        },
    ]

    static let starting: [ClusterCase] = [
        ClusterCase("Starting: JobManager started", .running(.fixture(state: .starting), taskManagers: 0), ClusterStarting.started) {
            #expect($0.cluster.status?.resourceStatus == .updating)
        },
        ClusterCase("Starting: deleted", .bare(.fixture(state: .starting).deleting()), ClusterStarting.deleted) {
            #expect(F.annotation($0, Key.deleteResourcesKey) == "true")
            #expect(F.annotation($0, Key.shouldRestartKey) == "false")
        },
        ClusterCase("Starting: modified", .bare(.fixture(state: .starting).with { $0.spec.runtime.image = "flink:2.0" }), ClusterStarting.modified) {
            #expect(F.annotation($0, Key.shouldRestartKey) == "true")
        },
        ClusterCase("Starting: STOP", .bare(.fixture(state: .starting).requesting("STOP")), ClusterStarting.stopped) {
            #expect(F.annotation($0, Key.shouldRestartKey) == "false")
            #expect(F.annotation($0, Key.requestedActionKey) == "NONE")
        },
        ClusterCase(
            "Starting: START is rejected and the cycle goes on", .running(.fixture(state: .starting).requesting("start"), taskManagers: 0),
            ClusterStarting.started
        ) { decision in
            #expect(decision.events.contains { $0.isWarning && $0.reason == "ActionRejected" && $0.message.contains("START") })
            #expect(F.annotation(decision, Key.requestedActionKey) == "NONE")
        },
        ClusterCase(
            "Starting: creates the JobManager pod", .bare(.fixture(state: .starting)), nil,
            [.createJobManagerPod(JobManagerResources.pod(for: .fixture(state: .starting)))]
        ) {
            #expect($0.cluster.status?.timestamp == now && $0.recheckAfter == 5)
        },
        ClusterCase(
            "Starting: creates the Service", .bare(.fixture(state: .starting)).with { $0.jobManagerPods = [F.jobManagerPod()] },
            nil, [.createService(JobManagerResources.service(for: .fixture(state: .starting)))]),
        ClusterCase(
            "Starting: a failed JobManager pod does not count",
            .running(.fixture(state: .starting)).with {
                $0.jobManagerPods = [F.jobManagerPod(phase: "Failed")]
            }, nil,
            [.createJobManagerPod(JobManagerResources.pod(for: .fixture(state: .starting)))]),
        ClusterCase("Starting: waits for Flink", .running(.fixture(state: .starting), taskManagers: 0).with { $0.flink = nil }, nil) {
            #expect($0.recheckAfter == 5)
            #expect($0.cluster.status?.timestamp == now.addingTimeInterval(-10))
        },
        ClusterCase(
            "Starting: cancels jobs left from before",
            .running(
                .fixture(state: .starting), taskManagers: 0,
                flink: F.flink(pods: [], jobs: ["j1": "RUNNING", "j2": "FINISHED"])), nil, [.cancelFlinkJobs(["j1"])]),
    ]

    static let started: [ClusterCase] = [
        ClusterCase("Started: deleted", .running(.fixture(state: .started).deleting()), ClusterStarted.deleted) {
            #expect(F.annotation($0, Key.deleteResourcesKey) == "true")
        },
        ClusterCase("Started: the Service is gone", .running(.fixture(state: .started)).with { $0.service = nil }, ClusterStarted.diverged) {
            #expect(F.annotation($0, Key.shouldRestartKey) == "true")
        },
        ClusterCase(
            "Started: the JobManager pod died",
            .running(.fixture(state: .started)).with {
                $0.jobManagerPods = [F.jobManagerPod(phase: "Failed")]
            }, ClusterStarted.diverged),
        ClusterCase(
            "Started: two JobManager pods",
            .running(.fixture(state: .started)).with {
                $0.jobManagerPods.append(F.pod("jobmanager-demo-y", ip: "10.0.0.2"))
            }, ClusterStarted.diverged),
        ClusterCase(
            "Started: modified", .running(.fixture(state: .started).with { $0.spec.jobManager.serviceMode = .nodePort }),
            ClusterStarted.modified
        ) { #expect(F.annotation($0, Key.shouldRestartKey) == "true") },
        ClusterCase("Started: START restarts", .running(.fixture(state: .started).requesting("START")), ClusterStarted.restartRequested) {
            #expect(F.annotation($0, Key.shouldRestartKey) == "true")
        },
        ClusterCase("Started: STOP", .running(.fixture(state: .started).requesting("STOP")), ClusterStarted.stopped) {
            #expect(F.annotation($0, Key.shouldRestartKey) == "false")
        },
        ClusterCase(
            "Started: the first unanswered poll after a quiet hour starts the window, it does not restart the cluster",
            .running(.fixture(state: .started).with { $0.status?.timestamp = now.addingTimeInterval(-3600) }).with { $0.flink = nil }, nil
        ) { decision in
            #expect(decision.cluster.status?.clusterHealth == ._empty_)
            #expect(decision.cluster.status?.timestamp == now)
            #expect(decision.recheckAfter == 5)
        },
        ClusterCase(
            "Started: unhealthy after the task timeout",
            .running(
                .fixture(state: .started).with {
                    $0.status?.clusterHealth = ._empty_
                    $0.status?.timestamp = now.addingTimeInterval(-301)
                }
            ).with { $0.flink = nil }, ClusterStarted.unhealthy
        ) { decision in
            #expect(decision.cluster.status?.clusterHealth == .unhealthy)
            #expect(F.annotation(decision, Key.shouldRestartKey) == "true")
            #expect(Conditions.find(.degraded, in: decision.cluster.status?.conditions)?.reason == "Unhealthy")
        },
        ClusterCase(
            "Started: unreachable within the task timeout waits",
            .running(
                .fixture(state: .started).with {
                    $0.status?.clusterHealth = ._empty_
                    $0.status?.timestamp = now.addingTimeInterval(-298)
                }
            ).with { $0.flink = nil }, nil
        ) { decision in
            #expect(decision.recheckAfter == 2)
            #expect(decision.cluster.status?.clusterHealth == ._empty_)
        },
        ClusterCase("Started: at rest polls Flink", .running(.fixture(state: .started)), nil) { #expect($0.recheckAfter == 5) },
    ]

    static let stopping: [ClusterCase] = [
        ClusterCase("Stopping: waits for the jobs", .running(.fixture(state: .stopping), jobs: [F.job("a", state: .started)]), nil) {
            #expect($0.recheckAfter == 5)
        },
        ClusterCase(
            "Stopping: deletes the pods first", .running(.fixture(state: .stopping), jobs: [F.job("a", state: .stopped)]), nil,
            [.deleteTaskManagerPods(["taskmanager-demo-1", "taskmanager-demo-2"]), .deleteJobManagerPods(["jobmanager-demo-x"])]
        ) {
            #expect($0.cluster.status?.timestamp == now)
        },
        ClusterCase(
            "Stopping: then the Service", .bare(.fixture(state: .stopping)).with { $0.service = F.service() }, nil,
            [.deleteService(name: "jobmanager-demo")]),
        ClusterCase("Stopping: stopped", .bare(.fixture(state: .stopping), jobs: [F.job("a", state: .terminated)]), ClusterStopping.stopped),
        ClusterCase(
            "Stopping: an unsupervised job being deleted does not block",
            .bare(
                .fixture(state: .stopping),
                jobs: [
                    F.job("a", state: nil, finalizer: false, deleting: true)
                ]), ClusterStopping.stopped),
        ClusterCase("Stopping: a job without status blocks", .bare(.fixture(state: .stopping), jobs: [F.job("a", state: nil)]), nil),
        ClusterCase(
            "Stopping: STOP is rejected after the teardown", .bare(.fixture(state: .stopping).requesting("STOP")),
            ClusterStopping.stopped
        ) { #expect($0.events.contains { $0.reason == "ActionRejected" }) },
        ClusterCase(
            "Stopping: restarted, digests recomputed",
            .bare(
                .fixture(state: .stopping).flagged(shouldRestart: true).with {
                    $0.spec.taskManager.taskSlots = 4
                }), ClusterStopping.restarted
        ) { decision in
            #expect(decision.cluster.status?.digest == SpecDigest.cluster(decision.cluster.spec))
            #expect(decision.cluster.status?.taskSlots == 4)
            #expect(F.annotation(decision, Key.shouldRestartKey) == "false")
        },
        ClusterCase("Stopping: START restarts", .bare(.fixture(state: .stopping).requesting("START")), ClusterStopping.restarted),
        ClusterCase("Stopping: deleted", .bare(.fixture(state: .stopping).flagged(deleteResources: true)), ClusterStopping.deleted) {
            #expect($0.cluster.status?.resourceStatus == .updated)
        },
    ]

    static let stopped: [ClusterCase] = [
        ClusterCase("Stopped: deleted", .bare(.fixture(state: .stopped).deleting()), ClusterStopped.deleted),
        ClusterCase("Stopped: START", .bare(.fixture(state: .stopped).requesting("START")), ClusterStopped.started) {
            #expect(F.annotation($0, Key.shouldRestartKey) == "true")
        },
        ClusterCase("Stopped: STOP is rejected", .bare(.fixture(state: .stopped).requesting("STOP")), nil) {
            #expect($0.events.map(\.reason) == ["ActionRejected"])
        },
        ClusterCase(
            "Stopped: keeps tearing down", .bare(.fixture(state: .stopped)).with { $0.taskManagerPods = F.taskManagerPods(1) },
            nil, [.deleteTaskManagerPods(["taskmanager-demo-1"])]
        ) { #expect($0.cluster.status?.resourceStatus == .updating) },
        ClusterCase("Stopped: at rest", .bare(.fixture(state: .stopped)), nil) { #expect($0.recheckAfter == nil) },
    ]

    static let terminated: [ClusterCase] = [
        ClusterCase(
            "Terminated: keeps the finalizer while a job has its own",
            .bare(
                .fixture(state: .terminated),
                jobs: [F.job("a", state: .terminated)]), nil
        ) { #expect($0.cluster.metadata.hasSupervisorFinalizer) },
        ClusterCase(
            "Terminated: removes the finalizer", .bare(.fixture(state: .terminated), jobs: [F.job("a", state: .terminated, finalizer: false)]),
            nil
        ) { #expect(!$0.cluster.metadata.hasSupervisorFinalizer) },
    ]
}
