import Foundation
import KubeModels

/// One TaskManager as Flink reports it: enough to find its pod and to know whether it is idle.
public struct ObservedTaskManager: Sendable, Hashable {
    /// Flink's TaskManager id.
    public var id: String
    /// The IP address parsed from the TaskManager's RPC path (matched against pod IPs).
    public var host: String?
    /// Slots the TaskManager offers.
    public var slots: Int
    /// Slots not in use.
    public var freeSlots: Int

    /// A TaskManager with `slots` of which `freeSlots` are free.
    public init(id: String, host: String?, slots: Int, freeSlots: Int) {
        self.id = id
        self.host = host
        self.slots = slots
        self.freeSlots = freeSlots
    }

    /// Idle: no slot in use. Only idle TaskManagers are removed.
    public var isIdle: Bool { slots == freeSlots }
}

/// What the cluster's Flink JobManager answered this cycle. `nil` in an observation means it was not reachable.
public struct ObservedFlinkCluster: Sendable, Hashable {
    /// Total slots Flink reports (`/overview` slots-total).
    public var slotsTotal: Int
    /// Every job Flink knows: id → upper-case state (RUNNING, FINISHED, ...).
    public var jobs: [String: String]
    /// The registered TaskManagers.
    public var taskManagers: [ObservedTaskManager]
    /// Ids of jobs whose tasks Flink is still placing: created, initializing, restarting, or running with a task not
    /// yet running. Such a job may take a slot of a TaskManager that looks idle now.
    public var placingJobIds: Set<String>
    /// Flink's version (`/overview` flink-version), when it says.
    public var flinkVersion: String?

    /// An answer from a reachable JobManager.
    public init(
        slotsTotal: Int, jobs: [String: String] = [:], taskManagers: [ObservedTaskManager] = [], placingJobIds: Set<String> = [],
        flinkVersion: String? = nil
    ) {
        self.slotsTotal = slotsTotal
        self.jobs = jobs
        self.taskManagers = taskManagers
        self.placingJobIds = placingJobIds
        self.flinkVersion = flinkVersion
    }

    /// Whether Flink keeps savepoint requests under the caller's trigger id (`triggerId` in the request, Flink 1.15
    /// and later); older versions choose the id themselves. A missing or unreadable version counts as a current one.
    public var takesClientTriggerIds: Bool {
        guard let version = flinkVersion else { return true }
        let parts = version.split(separator: ".").prefix(2).map { Int($0.prefix { $0.isNumber }) }
        guard parts.count == 2, let major = parts[0], let minor = parts[1] else { return true }
        return (major, minor) >= (1, 15)
    }

    /// Whether a job in Flink state `state` with `tasks` (counts by task state, as `/jobs/overview` gives them) may
    /// still ask for slots. Only a RUNNING job whose every task runs or finished, a job being cancelled, and an ended
    /// job are settled.
    public static func isPlacing(state: String, tasks: [String: Int]) -> Bool {
        switch state.uppercased() {
        case "RUNNING":
            let settled = (tasks["running"] ?? 0) + (tasks["finished"] ?? 0)
            return settled < (tasks["total"] ?? 0)
        case "CANCELLING", "CANCELED", "FINISHED", "FAILED", "SUSPENDED": return false
        default: return true
        }
    }

    /// Flink job states after which a job does not run again.
    public static let terminalStates: Set<String> = ["FINISHED", "FAILED", "CANCELED"]

    /// Ids of jobs that are not in a terminal state.
    public var activeJobIds: [String] { jobs.filter { !Self.terminalStates.contains($0.value) }.keys.sorted() }
}

/// Everything the cluster state machine may look at in one cycle. Built by the supervisor from its cache and one
/// round of Flink calls; no clock or I/O inside the decision.
public struct ClusterObservation: Sendable {
    /// The FlinkCluster as stored.
    public var cluster: FlinkCluster
    /// The cluster's FlinkJobs.
    public var jobs: [FlinkJob]
    /// JobManager pods of the cluster (normally one).
    public var jobManagerPods: [Pod]
    /// TaskManager pods of the cluster.
    public var taskManagerPods: [Pod]
    /// The JobManager Service, if it exists.
    public var service: KubeService?
    /// Flink's answer, or `nil` when the JobManager REST API could not be reached.
    public var flink: ObservedFlinkCluster?
    /// The current time.
    public var now: Date
    /// Seconds after which an unreachable JobManager makes the cluster unhealthy (`--task-timeout`).
    public var taskTimeout: TimeInterval
    /// Seconds between Flink polls while something depends on Flink (`--polling-interval`).
    public var pollingInterval: TimeInterval

    /// An observation of `cluster` at `now`.
    public init(
        cluster: FlinkCluster, jobs: [FlinkJob] = [], jobManagerPods: [Pod] = [], taskManagerPods: [Pod] = [],
        service: KubeService? = nil, flink: ObservedFlinkCluster? = nil, now: Date,
        taskTimeout: TimeInterval = 300, pollingInterval: TimeInterval = 5
    ) {
        self.cluster = cluster
        self.jobs = jobs
        self.jobManagerPods = jobManagerPods
        self.taskManagerPods = taskManagerPods
        self.service = service
        self.flink = flink
        self.now = now
        self.taskTimeout = taskTimeout
        self.pollingInterval = pollingInterval
    }
}

/// A side effect the cluster state machine asks the supervisor to carry out, after the decided status is stored.
public enum ClusterAction: Sendable, Hashable {
    /// Create this JobManager pod (built from the cluster's spec by the decision).
    case createJobManagerPod(Pod)
    /// Create this JobManager Service.
    case createService(KubeService)
    /// Create these TaskManager pods (identical, each with a `generateName`).
    case createTaskManagerPods([Pod])
    /// Delete these TaskManager pods (by name).
    case deleteTaskManagerPods([String])
    /// Delete these JobManager pods (by name).
    case deleteJobManagerPods([String])
    /// Delete the JobManager Service (by name).
    case deleteService(name: String)
    /// Cancel these Flink jobs (by Flink id).
    case cancelFlinkJobs([String])
    /// Set the cluster's scale subresource (`spec.taskManagers`) to this count.
    case scaleTaskManagers(Int)
}

/// A Kubernetes Event the supervisor should record about the cluster or a job.
public struct SupervisorEvent: Sendable, Hashable {
    /// Normal or Warning.
    public var isWarning: Bool
    /// CamelCase reason (e.g. `Starting`, `ActionRejected`).
    public var reason: String
    /// What happened, for people.
    public var message: String

    /// An event with `reason` and `message`.
    public init(reason: String, message: String, isWarning: Bool = false) {
        self.reason = reason
        self.message = message
        self.isWarning = isWarning
    }
}

/// What the cluster state machine decided: the cluster as it should be stored (metadata annotations, finalizers
/// and status; the spec is never changed here), the side effects, and when to look again.
public struct ClusterDecision: Sendable {
    /// The cluster to store. The supervisor writes annotations, finalizers and status only where they differ
    /// from the observed object, and writes them before it runs any action (status is the write-ahead log).
    public var cluster: FlinkCluster
    /// Side effects to run after the write, in order.
    public var actions: [ClusterAction]
    /// The edge taken this cycle, if the state changed.
    public var transition: StateTransition?
    /// Events to record.
    public var events: [SupervisorEvent]
    /// Look again after this many seconds even if nothing changes (timers, Flink polling); `nil` waits for events.
    public var recheckAfter: TimeInterval?

    /// A decision that stores `cluster` and does nothing else yet.
    public init(
        cluster: FlinkCluster, actions: [ClusterAction] = [], transition: StateTransition? = nil,
        events: [SupervisorEvent] = [], recheckAfter: TimeInterval? = nil
    ) {
        self.cluster = cluster
        self.actions = actions
        self.transition = transition
        self.events = events
        self.recheckAfter = recheckAfter
    }
}
