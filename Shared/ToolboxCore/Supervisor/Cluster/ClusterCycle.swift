import Foundation
import KubeModels
import ToolboxAPI

/// What the cluster state machine plugs into `DecisionCycle`.
enum ClusterMachine: CycleKind {
    typealias Kind = FlinkClusterKind
    typealias Observation = ClusterObservation
    typealias Action = ClusterAction

    static func resource(of observation: ClusterObservation) -> FlinkCluster { observation.cluster }
    static func now(of observation: ClusterObservation) -> Date { observation.now }
    static func message(for edge: StateTransition, name: String) -> String {
        "FlinkCluster \(name): \(edge.from.rawValue) -> \(edge.to.rawValue) (\(edge.label))"
    }
    /// A cluster looks again after a poll interval when it moves.
    static func recheckAfterMove(_ observation: ClusterObservation) -> TimeInterval? { observation.pollingInterval }
    static var shortestRecheck: TimeInterval { 0 }
    static func prepare(_ status: inout FlinkClusterKind.Status, of cluster: FlinkCluster) {}
}

/// The working copy of one cluster decision (`DecisionCycle`): the cluster being decided, its status and
/// annotations, and what the cycle collects.
typealias ClusterCycle = DecisionCycle<ClusterMachine>

extension DecisionCycle where Machine == ClusterMachine {
    /// The cluster being decided (metadata; the status is decided in `status`).
    var cluster: FlinkCluster {
        get { resource }
        set { resource = newValue }
    }
    /// The cluster's spec.
    var spec: Components.Schemas.FlinkClusterSpec { cluster.spec }
    /// The cluster's state at the start of the cycle (blank counts as Unknown).
    var state: LifecycleState { before.supervisorStatus ?? .unknown }

    /// Asks to look again after `seconds` (the polling interval by default), keeping the earliest request.
    mutating func wait(_ seconds: TimeInterval? = nil) {
        recheck(seconds ?? observation.pollingInterval)
    }

    /// Adds a side effect and its event; creating or deleting pods or the Service bumps the timestamp.
    mutating func perform(_ action: ClusterAction) {
        actions.append(action)
        let (reason, message) = Self.describe(action)
        events.append(SupervisorEvent(reason: reason, message: "FlinkCluster \(name): \(message)"))
        switch action {
        case .cancelFlinkJobs, .scaleTaskManagers: break
        default: touchedObjects = true
        }
    }

    /// Consumes a pending action. Returns it when `accepted` contains it; otherwise records a Warning
    /// (`InvalidAction` for a value that is no action, `ActionRejected` for one this state does not take).
    mutating func takeAction(accepting accepted: Set<RequestedAction>) -> RequestedAction? {
        guard annotations.hasPendingAction else { return nil }
        let requested = annotations.requestedAction
        let invalid = annotations.invalidAction
        annotations.consumeAction(now: now)
        if let invalid {
            invalidAction = invalid
            warn("InvalidAction", "FlinkCluster \(name): requested-action \"\(invalid)\" is not an action; reset to NONE")
            return nil
        }
        consumedValidAction = true
        guard accepted.contains(requested) else {
            warn("ActionRejected", "FlinkCluster \(name): action \(requested.rawValue) is not allowed in state \(state.rawValue)")
            return nil
        }
        return requested
    }

    /// The decision: the cluster as `finish` stores it (conditions as `ClusterConditions` computes them), plus
    /// everything collected.
    func decision() -> ClusterDecision {
        let cluster = finish { ClusterConditions.states(for: $0, cycle: self) }
        return ClusterDecision(cluster: cluster, actions: actions, transition: transition, events: events, recheckAfter: recheckAfter)
    }

    private static func describe(_ action: ClusterAction) -> (String, String) {
        switch action {
        case .createJobManagerPod: ("JobManagerPodCreated", "creating the JobManager pod")
        case .createService: ("ServiceCreated", "creating the JobManager Service")
        case .createTaskManagerPods(let pods): ("TaskManagerPodsCreated", "creating \(pods.count) TaskManager pod(s)")
        case .deleteTaskManagerPods(let names): ("TaskManagerPodsDeleted", "deleting TaskManager pod(s) \(names.joined(separator: ", "))")
        case .deleteJobManagerPods(let names): ("JobManagerPodsDeleted", "deleting JobManager pod(s) \(names.joined(separator: ", "))")
        case .deleteService: ("ServiceDeleted", "deleting the JobManager Service")
        case .cancelFlinkJobs(let ids): ("FlinkJobsCancelled", "cancelling Flink job(s) \(ids.joined(separator: ", "))")
        case .scaleTaskManagers(let count): ("Rescaled", "scaling to \(count) TaskManager(s)")
        }
    }
}
