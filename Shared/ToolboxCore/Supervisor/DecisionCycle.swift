import Foundation
import KubeModels
import ToolboxAPI

/// The status fields every supervisor-decided status shares.
protocol CycleStatus: Equatable {
    /// An empty status (an object that has none yet).
    static var empty: Self { get }
    /// The lifecycle state.
    var supervisorStatus: LifecycleState? { get set }
    /// When a status value last changed.
    var timestamp: Date? { get set }
    /// The standard conditions.
    var conditions: [Components.Schemas.Condition]? { get set }
    /// The generation the status was decided for.
    var observedGeneration: Int64? { get set }
}

extension Components.Schemas.FlinkClusterStatus: CycleStatus {
    static var empty: Self { .init() }
}

extension Components.Schemas.FlinkJobStatus: CycleStatus {
    static var empty: Self { .init() }
}

/// What one state machine plugs into the shared `DecisionCycle`: the resource it decides, what it observes, the side
/// effects it plans, and the few ways its cycles differ.
protocol CycleKind {
    /// The custom resource kind being decided (FlinkCluster, FlinkJob).
    associatedtype Kind: ResourceKind where Kind.Status: CycleStatus
    /// What a cycle observes.
    associatedtype Observation
    /// A side effect the cycle plans.
    associatedtype Action

    /// The object as observed.
    static func resource(of observation: Observation) -> SpecResource<Kind>
    /// The current time of `observation`.
    static func now(of observation: Observation) -> Date
    /// The message of the Normal event recorded for `edge` of the object called `name`.
    static func message(for edge: StateTransition, name: String) -> String
    /// How soon after a move to look again (`nil`: as the new state's rules ask).
    static func recheckAfterMove(_ observation: Observation) -> TimeInterval?
    /// The shortest delay a recheck may ask for.
    static var shortestRecheck: TimeInterval { get }
    /// What every pass copies into the status before the rules run (e.g. from the spec).
    static func prepare(_ status: inout Kind.Status, of resource: SpecResource<Kind>)
}

/// One pass of a state machine: the object being decided, its status and annotations as observed (`before`) and as
/// decided, and what the pass collects (actions, events, the edge taken, when to look again).
///
/// State rules change `status` and `annotations` freely; `finish(conditions:)` stamps `status.timestamp` only when a
/// status value really changed (or a pod, Service or bootstrap Job was created or deleted), so a pass that changes
/// nothing stores nothing. `ClusterCycle` and `JobCycle` are this shape for FlinkClusters and FlinkJobs.
struct DecisionCycle<Machine: CycleKind> {
    /// The decided status type.
    typealias Status = Machine.Kind.Status

    /// What was observed.
    let observation: Machine.Observation
    /// The status as observed (an empty one when absent).
    let before: Status
    /// The annotations as observed.
    let beforeAnnotations: SupervisorAnnotations
    /// The object being decided (metadata besides annotations, e.g. finalizers; `status` is decided in `status`).
    var resource: SpecResource<Machine.Kind>
    /// The status being decided.
    var status: Status
    /// The supervisor annotations being decided.
    var annotations: SupervisorAnnotations
    /// Write every supervisor annotation even if the parsed values did not change (initialisation).
    var writeAnnotations = false
    /// Side effects decided so far.
    var actions: [Machine.Action] = []
    /// Events decided so far.
    var events: [SupervisorEvent] = []
    /// The edge taken, if any.
    var transition: StateTransition?
    /// When to look again (the smallest of the requested delays).
    var recheckAfter: TimeInterval?
    /// A pod, Service or bootstrap Job was created or deleted (bumps the timestamp like a status change).
    var touchedObjects = false
    /// The invalid `requested-action` value consumed this pass, if any.
    var invalidAction: String?
    /// Whether a valid action was consumed this pass.
    var consumedValidAction = false

    /// A pass over `observation`.
    init(_ observation: Machine.Observation) {
        self.observation = observation
        resource = Machine.resource(of: observation)
        before = resource.status ?? .empty
        status = before
        Machine.prepare(&status, of: resource)
        annotations = SupervisorAnnotations(resource.metadata)
        beforeAnnotations = annotations
    }

    /// The current time.
    var now: Date { Machine.now(of: observation) }
    /// The object's name.
    var name: String { resource.metadata.name ?? "" }

    /// Sets a status field (a shorthand the cluster rules use).
    mutating func set<Value>(_ field: WritableKeyPath<Status, Value>, _ value: Value) {
        status[keyPath: field] = value
    }

    /// Takes `edge`: the new state is stored and, when it differs, a Normal event names it.
    mutating func move(_ edge: StateTransition) {
        transition = edge
        recheck(Machine.recheckAfterMove(observation))
        guard edge.to != edge.from else { return }
        status.supervisorStatus = edge.to
        events.append(.init(reason: edge.to.rawValue, message: Machine.message(for: edge, name: name)))
    }

    /// Asks to look again after at most `seconds` (ignored when nil), keeping the earliest request.
    mutating func recheck(_ seconds: TimeInterval?) {
        guard let seconds else { return }
        let delay = max(seconds, Machine.shortestRecheck)
        recheckAfter = min(recheckAfter ?? delay, delay)
    }

    /// Records a Warning event.
    mutating func warn(_ reason: String, _ message: String) {
        events.append(.init(reason: reason, message: message, isWarning: true))
    }

    /// The object to store: status stamped if a value changed, observedGeneration and the `conditions` computed
    /// from the decided status merged in, annotations written back only if they changed (or must be written).
    func finish(conditions: (Status) -> [ConditionState]) -> SpecResource<Machine.Kind> {
        var status = self.status
        if Self.values(status) != Self.values(before) || touchedObjects { status.timestamp = now }
        let generation = resource.metadata.generation
        status.observedGeneration = generation
        status.conditions = Conditions.merge(conditions(status), into: before.conditions, generation: generation, now: now)
        var resource = self.resource
        resource.status = status
        if writeAnnotations || annotations != beforeAnnotations { resource.metadata = annotations.applied(to: resource.metadata) }
        return resource
    }

    /// The status without the fields that do not count as a change (timestamp, conditions, observedGeneration).
    private static func values(_ status: Status) -> Status {
        var status = status
        status.timestamp = nil
        status.conditions = nil
        status.observedGeneration = nil
        return status
    }
}
