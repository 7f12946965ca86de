import Foundation
import KubeModels
import Testing
import ToolboxAPI
import ToolboxCore

/// One row of the decision table: an observation, the edge it must take (nil: stays) and the actions it must plan.
struct ClusterCase: Sendable, CustomTestStringConvertible {
    let name: String
    let observation: ClusterObservation
    let edge: StateTransition?
    let actions: [ClusterAction]
    let check: @Sendable (ClusterDecision) -> Void
    var testDescription: String { name }

    init(
        _ name: String, _ observation: ClusterObservation, _ edge: StateTransition?, _ actions: [ClusterAction] = [],
        check: @escaping @Sendable (ClusterDecision) -> Void = { _ in }
    ) {
        self.name = name
        self.observation = observation
        self.edge = edge
        self.actions = actions
        self.check = check
    }
}

private typealias F = ClusterFixtures
private typealias Key = SupervisorAnnotations

@Suite("Cluster state machine")
struct ClusterStateMachineTests {
    static let cases =
        ClusterCases.unknown + ClusterCases.starting + ClusterCases.started + ClusterCases.rescale
        + ClusterCases.stopping + ClusterCases.stopped + ClusterCases.terminated

    @Test("decides the next state, status and actions", arguments: cases)
    func decides(_ row: ClusterCase) {
        let decision = ClusterStateMachine.decide(row.observation)
        let from = row.observation.cluster.status?.supervisorStatus ?? .unknown
        #expect(decision.transition == row.edge)
        #expect((decision.cluster.status?.supervisorStatus ?? .unknown) == (row.edge?.to ?? from))
        #expect(decision.actions.count == row.actions.count)
        #expect(Set(decision.actions) == Set(row.actions))
        #expect(decision.cluster.spec == row.observation.cluster.spec)
        if let edge = row.edge {
            #expect(decision.events.contains { $0.reason == edge.to.rawValue && $0.message.contains(edge.label) })
        }
        row.check(decision)
    }

    @Test("every declared edge is taken by a row, and every row takes an edge its state declares")
    func edgesAreCovered() {
        var taken: Set<StateTransition> = []
        for row in Self.cases {
            let from = row.observation.cluster.status?.supervisorStatus ?? .unknown
            guard let edge = ClusterStateMachine.decide(row.observation).transition else { continue }
            let rules = ClusterStateMachine.rules.first { $0.state == from }
            #expect(rules?.transitions.contains(edge) == true, "\(row.name): \(edge) is not declared by \(from)")
            taken.insert(edge)
        }
        for edge in ClusterStateMachine.transitions {
            #expect(taken.contains(edge), "no row takes \(edge.from) -> \(edge.to) (\(edge.label))")
        }
        for rules in ClusterStateMachine.rules {
            #expect(rules.transitions.allSatisfy { $0.from == rules.state })
        }
    }

    static let atRest: [ClusterObservation] = [
        .running(.fixture(state: .started)),
        .running(
            .fixture(state: .started, spec: F.spec(taskManagers: 1)), jobs: [F.job("a", state: .started, jobId: "j1")],
            taskManagers: 1, flink: F.flink(pods: F.taskManagerPods(1), jobs: ["j1": "RUNNING"])),
        .bare(.fixture(state: .stopped)),
        .bare(.fixture(state: .terminated), jobs: [F.job("a", state: .terminated)]),
        .bare(.fixture(state: .terminated).unsupervised().deleting()),
    ]

    @Test("idempotent at rest: deciding again on the stored result changes nothing", arguments: atRest)
    func idempotentAtRest(_ observation: ClusterObservation) {
        let first = ClusterStateMachine.decide(observation)
        #expect(first.actions.isEmpty)
        #expect(first.transition == nil)
        #expect(first.cluster.status?.timestamp == observation.cluster.status?.timestamp)
        let second = ClusterStateMachine.decide(observation.with { $0.cluster = first.cluster })
        #expect(second.cluster == first.cluster)
        #expect(second.actions.isEmpty)
        #expect(second.events.isEmpty)
        let state = observation.cluster.status?.supervisorStatus
        #expect(second.recheckAfter == (state == .started ? 5 : nil))
    }

    @Test("an invalid action is reset, reported as a Warning and keeps Degraded until the state changes")
    func invalidAction() throws {
        let observation = ClusterObservation.running(.fixture(state: .started).requesting("DANCE"))
        let decision = ClusterStateMachine.decide(observation)
        #expect(F.annotation(decision, Key.requestedActionKey) == "NONE")
        #expect(decision.events.contains { $0.isWarning && $0.reason == "InvalidAction" && $0.message.contains("DANCE") })
        let degraded = try #require(Conditions.find(.degraded, in: decision.cluster.status?.conditions))
        #expect(degraded.status == ._true && degraded.reason == "InvalidAction")
        #expect(decision.cluster.status?.timestamp == observation.cluster.status?.timestamp)
        let again = ClusterStateMachine.decide(observation.with { $0.cluster = decision.cluster })
        #expect(again.cluster == decision.cluster)
        let stopped = ClusterStateMachine.decide(observation.with { $0.cluster = decision.cluster.requesting("STOP") })
        #expect(Conditions.find(.degraded, in: stopped.cluster.status?.conditions)?.status == ._false)
    }

    @Test("conditions: Ready when Started, Updated and healthy; observedGeneration follows metadata.generation")
    func conditions() {
        let decision = ClusterStateMachine.decide(.running(.fixture(state: .started)))
        let conditions = decision.cluster.status?.conditions
        #expect(Conditions.find(.ready, in: conditions)?.status == ._true)
        #expect(Conditions.find(.progressing, in: conditions)?.status == ._false)
        #expect(Conditions.find(.degraded, in: conditions)?.status == ._false)
        #expect(decision.cluster.status?.observedGeneration == 3)
        let starting = ClusterStateMachine.decide(.bare(.fixture(state: .starting)))
        #expect(Conditions.find(.ready, in: starting.cluster.status?.conditions)?.status == ._false)
        #expect(Conditions.find(.progressing, in: starting.cluster.status?.conditions)?.status == ._true)
    }

    @Test("deletion cascades: Started → Stopping → teardown → Terminated → finalizer removed after the jobs'")
    func deletionCascade() {
        var cluster = FlinkCluster.fixture(state: .started).deleting()
        var jobs = [F.job("a", state: .started)]
        var observation = ClusterObservation.running(cluster, jobs: jobs)
        var decision = ClusterStateMachine.decide(observation)
        #expect(decision.transition == ClusterStarted.deleted)
        cluster = decision.cluster
        observation.cluster = cluster
        #expect(ClusterStateMachine.decide(observation).actions.isEmpty)  // waits for the job
        jobs = [F.job("a", state: .terminated)]
        observation.jobs = jobs
        decision = ClusterStateMachine.decide(observation)
        #expect(decision.actions.contains(.deleteJobManagerPods(["jobmanager-demo-x"])))
        #expect(decision.actions.contains(.deleteTaskManagerPods(["taskmanager-demo-1", "taskmanager-demo-2"])))
        observation = .bare(decision.cluster, jobs: jobs).with { $0.service = F.service() }
        decision = ClusterStateMachine.decide(observation)
        #expect(decision.actions == [.deleteService(name: "jobmanager-demo")])
        decision = ClusterStateMachine.decide(.bare(decision.cluster, jobs: jobs))
        #expect(decision.transition == ClusterStopping.deleted)
        decision = ClusterStateMachine.decide(.bare(decision.cluster, jobs: jobs))
        #expect(decision.cluster.metadata.hasSupervisorFinalizer)
        decision = ClusterStateMachine.decide(.bare(decision.cluster, jobs: [F.job("a", state: .terminated, finalizer: false)]))
        #expect(!decision.cluster.metadata.hasSupervisorFinalizer)
        #expect(decision.cluster.metadata.hasFinalizer(ResourceNames.operatorFinalizer))
    }
}

extension ClusterCases {
    private static let now = ClusterFixtures.now

    private static func scaledDown(rescaledAgo seconds: TimeInterval, busy: Set<Int>) -> ClusterObservation {
        let cluster = FlinkCluster.fixture(state: .started, spec: F.spec(taskManagers: 1)).with {
            $0.status?.rescaleTimestamp = now.addingTimeInterval(-seconds)
        }
        let pods = F.taskManagerPods(2)
        return .running(cluster, taskManagers: 2, flink: F.flink(pods: pods, busy: busy))
    }

    /// Rows about TaskManager counts and unmanaged Flink jobs in Started (section 8).
    static let rescale: [ClusterCase] = [
        ClusterCase(
            "Started: jobs need more TaskManagers", .running(.fixture(state: .started), jobs: [F.job("a", state: .started, parallelism: 6)]),
            nil, [.scaleTaskManagers(3)]
        ) { decision in
            #expect(decision.cluster.status?.rescaleTimestamp == now)
            #expect(decision.cluster.status?.resourceStatus == .updating)
        },
        ClusterCase(
            "Started: 1 slot with 4 slots per TaskManager needs 1 TaskManager (rounded up)",
            .running(
                .fixture(state: .started, spec: F.spec(taskManagers: 0, taskSlots: 4)),
                jobs: [F.job("a", state: .starting, parallelism: 1)], taskManagers: 0), nil, [.scaleTaskManagers(1)]),
        ClusterCase(
            "Started: rescale policy None ignores the jobs",
            .running(
                .fixture(state: .started).with {
                    $0.spec.supervisor.rescalePolicy = Components.Schemas.RescalePolicy.none
                    $0.status?.digest = SpecDigest.cluster($0.spec)
                }, jobs: [F.job("a", state: .started, parallelism: 6)]), nil),
        ClusterCase(
            "Started: creates missing TaskManager pods", .running(.fixture(state: .started, spec: F.spec(taskManagers: 3))), nil,
            [.createTaskManagerPods([TaskManagerResources.pod(for: .fixture(state: .started, spec: F.spec(taskManagers: 3)))])]
        ) { #expect($0.cluster.status?.resourceStatus == .updating) },
        ClusterCase(
            "Started: replaces a dead TaskManager pod",
            .running(.fixture(state: .started)).with {
                $0.taskManagerPods[1] = F.pod("taskmanager-demo-2", ip: "10.0.1.2", phase: "Failed")
            }, nil,
            [.deleteTaskManagerPods(["taskmanager-demo-2"]), .createTaskManagerPods([TaskManagerResources.pod(for: .fixture(state: .started))])]
        ) {
            #expect($0.cluster.status?.taskManagerReplicas == 1)
        },
        ClusterCase("Started: surplus TaskManagers wait for the rescale delay", scaledDown(rescaledAgo: 58, busy: []), nil) {
            #expect($0.recheckAfter == 2)
            #expect($0.cluster.status?.resourceStatus == .updating)
        },
        ClusterCase(
            "Started: after the rescale delay only idle TaskManagers go", scaledDown(rescaledAgo: 61, busy: [1]), nil,
            [.deleteTaskManagerPods(["taskmanager-demo-2"])]),
        ClusterCase("Started: busy TaskManagers are never deleted", scaledDown(rescaledAgo: 61, busy: [1, 2]), nil) {
            #expect($0.recheckAfter == 5)
        },
        ClusterCase(
            "Started: an idle TaskManager stays while Flink places a job's tasks",
            scaledDown(rescaledAgo: 61, busy: [1]).with { $0.flink?.placingJobIds = ["j2"] }, nil
        ) { #expect($0.recheckAfter == 5) },
        ClusterCase(
            "Started: a job Starting does not hold the surplus up (it waits for the cluster to be Updated)",
            scaledDown(rescaledAgo: 61, busy: []).with { $0.jobs = [F.job("a", state: .starting, parallelism: 1)] }, nil,
            [.deleteTaskManagerPods(["taskmanager-demo-1"])]),
        ClusterCase(
            "Started: Flink reports fewer slots than the jobs need",
            .running(
                .fixture(state: .started),
                jobs: [F.job("a", state: .started, parallelism: 4)]
            ).with { $0.flink?.slotsTotal = 2 }, nil
        ) { decision in
            #expect(decision.cluster.status?.resourceStatus == .updating)
            #expect(Conditions.find(.ready, in: decision.cluster.status?.conditions)?.status == ._false)
        },
        ClusterCase("Started: cancels unmanaged jobs once every job is ready", unmanaged(jobs: []), nil, [.cancelFlinkJobs(["x"])]),
        ClusterCase("Started: leaves unmanaged jobs while a job starts", unmanaged(jobs: [F.job("b", state: .starting, parallelism: 0)]), nil),
        ClusterCase(
            "Started: leaves unmanaged jobs while a job updates",
            unmanaged(jobs: [F.job("b", state: .started, parallelism: 0, resourceStatus: .updating)]), nil),
    ]

    private static func unmanaged(jobs: [FlinkJob]) -> ClusterObservation {
        let pods = F.taskManagerPods(1)
        let flink = F.flink(pods: pods, jobs: ["j1": "RUNNING", "x": "RUNNING", "y": "FINISHED"])
        let managed = F.job("a", state: .started, parallelism: 2, jobId: "j1")
        return .running(.fixture(state: .started, spec: F.spec(taskManagers: 1)), jobs: [managed] + jobs, taskManagers: 1, flink: flink)
    }
}

@Suite("Rescale arithmetic")
struct RescaleTests {
    @Test(
        "TaskManagers for slots round up and are clamped",
        arguments: [
            (1, 4, 1), (0, 4, 0), (4, 4, 1), (5, 4, 2), (5, 2, 3), (3, 0, 3), (100, 1, 32),
        ])
    func requiredTaskManagers(slots: Int, taskSlots: Int, expected: Int) {
        #expect(Rescale.requiredTaskManagers(slots: slots, taskSlots: taskSlots, spec: F.spec()) == expected)
    }

    @Test("clamps follow min and max, with the defaults 0 and 32")
    func clamps() {
        var spec = F.spec()
        spec.minTaskManagers = 1
        spec.maxTaskManagers = 3
        #expect(Rescale.requiredTaskManagers(slots: 0, taskSlots: 2, spec: spec) == 1)
        #expect(Rescale.clampTaskManagers(9, spec: spec) == 3)
        var job = Fixtures.jobSpec()
        #expect(Rescale.clampParallelism(50, spec: job) == 32)
        job.minJobParallelism = nil
        job.maxJobParallelism = nil
        #expect(Rescale.clampParallelism(-1, spec: job) == 0)
        #expect(Rescale.clampParallelism(40, spec: job) == 32)
    }

    @Test("required slots count Starting, Started and Stopping jobs only")
    func requiredSlots() {
        let jobs = [
            F.job("a", state: .starting, parallelism: 2), F.job("b", state: .started, parallelism: 3),
            F.job("c", state: .stopping, parallelism: 1), F.job("d", state: .stopped, parallelism: 5), F.job("e", state: nil, parallelism: 7),
        ]
        #expect(Rescale.requiredSlots(jobs) == 6)
    }

    @Test("a job is placing its tasks until Flink runs every one of them")
    func placing() {
        #expect(ObservedFlinkCluster.isPlacing(state: "RUNNING", tasks: ["running": 1, "scheduled": 1, "total": 2]))
        #expect(ObservedFlinkCluster.isPlacing(state: "RUNNING", tasks: ["running": 1, "deploying": 1, "total": 2]))
        #expect(!ObservedFlinkCluster.isPlacing(state: "RUNNING", tasks: ["running": 1, "finished": 1, "total": 2]))
        #expect(ObservedFlinkCluster.isPlacing(state: "RESTARTING", tasks: ["running": 2, "total": 2]))
        #expect(ObservedFlinkCluster.isPlacing(state: "CREATED", tasks: [:]))
        #expect(ObservedFlinkCluster.isPlacing(state: "INITIALIZING", tasks: [:]))
        #expect(!ObservedFlinkCluster.isPlacing(state: "CANCELLING", tasks: ["canceling": 2, "total": 2]))
        #expect(!ObservedFlinkCluster.isPlacing(state: "FINISHED", tasks: ["finished": 2, "total": 2]))
    }

    @Test("Flink 1.15 and later keep the caller's savepoint trigger ids; older ones, by /overview's version, do not")
    func clientTriggerIds() {
        func takes(_ version: String?) -> Bool { ObservedFlinkCluster(slotsTotal: 1, flinkVersion: version).takesClientTriggerIds }
        #expect(takes("1.15.4") && takes("1.20.5") && takes("2.3.0") && takes("1.16-SNAPSHOT"))
        #expect(!takes("1.14.6") && !takes("1.12.5") && !takes("1.11.4"))
        #expect(takes(nil) && takes("unknown"), "an unreadable version counts as a current one")
    }

    @Test("idle TaskManagers are matched to pods by IP; busy and unmatched ones are left")
    func idlePods() {
        let pods = F.taskManagerPods(3)
        let taskManagers = [
            ObservedTaskManager(id: "1", host: "10.0.1.1", slots: 2, freeSlots: 1),
            ObservedTaskManager(id: "2", host: "10.0.1.2", slots: 2, freeSlots: 2),
            ObservedTaskManager(id: "3", host: "10.0.1.3", slots: 2, freeSlots: 2),
            ObservedTaskManager(id: "4", host: "10.9.9.9", slots: 2, freeSlots: 2),
        ]
        #expect(Rescale.idleTaskManagerPods(pods, taskManagers: taskManagers, count: 5) == ["taskmanager-demo-2", "taskmanager-demo-3"])
        #expect(Rescale.idleTaskManagerPods(pods, taskManagers: taskManagers, count: 1) == ["taskmanager-demo-2"])
        #expect(Rescale.idleTaskManagerPods(pods, taskManagers: taskManagers, count: 0).isEmpty)
    }
}
