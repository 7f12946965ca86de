import Foundation
import KubeModels
import ToolboxAPI

/// The working copy of one cluster decision: the cluster being decided, the parsed annotations, and what the
/// cycle collects (actions, events, the edge taken, when to look again).
///
/// Status setters change `status.timestamp` only when a value really changes, so a cycle with nothing to do
/// leaves the cluster exactly as observed.
struct ClusterCycle {
    typealias Status = Components.Schemas.FlinkClusterStatus

    let observation: ClusterObservation
    var cluster: FlinkCluster
    var annotations: SupervisorAnnotations
    /// Write every supervisor annotation even if the parsed values did not change (initialisation).
    var writeAnnotations = false
    var actions: [ClusterAction] = []
    var events: [SupervisorEvent] = []
    var transition: StateTransition?
    var recheckAfter: TimeInterval?
    /// The invalid `requested-action` value consumed this cycle, if any.
    var invalidAction: String?
    /// Whether a valid action was consumed this cycle.
    var consumedValidAction = false

    init(_ observation: ClusterObservation) {
        self.observation = observation
        cluster = observation.cluster
        annotations = SupervisorAnnotations(observation.cluster.metadata)
    }

    var now: Date { observation.now }
    var spec: Components.Schemas.FlinkClusterSpec { cluster.spec }
    var status: Status { cluster.status ?? Status() }
    var state: LifecycleState { cluster.status?.supervisorStatus ?? .unknown }
    var name: String { cluster.metadata.name ?? "" }

    /// Sets a status field; bumps `status.timestamp` when the value changes.
    mutating func set<Value: Equatable>(_ field: WritableKeyPath<Status, Value>, _ value: Value) {
        var status = self.status
        guard status[keyPath: field] != value else { return }
        status[keyPath: field] = value
        status.timestamp = now
        cluster.status = status
    }

    /// Bumps `status.timestamp` (pods or the Service are created or deleted).
    mutating func touch() {
        var status = self.status
        status.timestamp = now
        cluster.status = status
    }

    /// Takes `edge`: the new state, the transition and a Normal event; the next state runs after a poll interval.
    mutating func move(_ edge: StateTransition) {
        set(\.supervisorStatus, edge.to)
        transition = edge
        wait()
        let message = "FlinkCluster \(name): \(edge.from.rawValue) -> \(edge.to.rawValue) (\(edge.label))"
        events.append(SupervisorEvent(reason: edge.to.rawValue, message: message))
    }

    /// Asks to look again after `seconds` (the polling interval by default), keeping the earliest request.
    mutating func wait(_ seconds: TimeInterval? = nil) {
        let delay = max(0, seconds ?? observation.pollingInterval)
        recheckAfter = min(recheckAfter ?? delay, delay)
    }

    /// Adds a side effect and its event; creating or deleting pods or the Service bumps the timestamp.
    mutating func perform(_ action: ClusterAction) {
        actions.append(action)
        let (reason, message) = Self.describe(action)
        events.append(SupervisorEvent(reason: reason, message: "FlinkCluster \(name): \(message)"))
        switch action {
        case .cancelFlinkJobs, .scaleTaskManagers: break
        default: touch()
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
            let message = "FlinkCluster \(name): requested-action \"\(invalid)\" is not an action; reset to NONE"
            events.append(SupervisorEvent(reason: "InvalidAction", message: message, isWarning: true))
            return nil
        }
        consumedValidAction = true
        guard accepted.contains(requested) else {
            let message = "FlinkCluster \(name): action \(requested.rawValue) is not allowed in state \(state.rawValue)"
            events.append(SupervisorEvent(reason: "ActionRejected", message: message, isWarning: true))
            return nil
        }
        return requested
    }

    /// The stored cluster plus everything collected, with conditions and observedGeneration brought up to date.
    mutating func decision() -> ClusterDecision {
        if writeAnnotations || annotations != SupervisorAnnotations(observation.cluster.metadata) {
            cluster.metadata = annotations.applied(to: cluster.metadata)
        }
        ClusterConditions.apply(to: &self)
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
