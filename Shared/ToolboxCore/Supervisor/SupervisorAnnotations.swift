import Foundation
import KubeModels

/// A user's request on a FlinkCluster or FlinkJob, carried by the `requested-action` annotation (section 7).
public enum RequestedAction: String, Sendable, CaseIterable {
    case start = "START"
    case stop = "STOP"
    case triggerSavepoint = "TRIGGER_SAVEPOINT"
    case forgetSavepoint = "FORGET_SAVEPOINT"
    case none = "NONE"
}

/// The supervisor's annotations (prefix `operator.nextbreakpoint.com/`), parsed from and written back to metadata.
///
/// An unrecognised `requested-action` value is kept as `invalidAction` so the state machine can reset it and
/// report it (the original threw and broke the cycle).
public struct SupervisorAnnotations: Sendable, Hashable {
    /// Annotation key prefix.
    public static let prefix = "operator.nextbreakpoint.com/"
    /// Key of the requested action.
    public static let requestedActionKey = prefix + "requested-action"
    /// Key of the time (epoch milliseconds) the action was last set or consumed.
    public static let actionTimestampKey = prefix + "action-timestamp"
    /// Key of the without-savepoint flag.
    public static let withoutSavepointKey = prefix + "without-savepoint"
    /// Key of the delete-resources flag.
    public static let deleteResourcesKey = prefix + "delete-resources"
    /// Key of the should-restart flag.
    public static let shouldRestartKey = prefix + "should-restart"

    /// The pending action (`.none` when absent).
    public var requestedAction: RequestedAction
    /// A value of `requested-action` that is not an action name, if any.
    public var invalidAction: String?
    /// Epoch milliseconds of the last action change.
    public var actionTimestamp: Int64?
    /// Stop or start without a savepoint.
    public var withoutSavepoint: Bool
    /// The resource is being deleted: tear everything down.
    public var deleteResources: Bool
    /// Start again after stopping.
    public var shouldRestart: Bool

    /// Annotations with the given values.
    public init(
        requestedAction: RequestedAction = .none, invalidAction: String? = nil, actionTimestamp: Int64? = nil,
        withoutSavepoint: Bool = false, deleteResources: Bool = false, shouldRestart: Bool = false
    ) {
        self.requestedAction = requestedAction
        self.invalidAction = invalidAction
        self.actionTimestamp = actionTimestamp
        self.withoutSavepoint = withoutSavepoint
        self.deleteResources = deleteResources
        self.shouldRestart = shouldRestart
    }

    /// Parses the supervisor's annotations out of `metadata` (missing flags are false).
    public init(_ metadata: ObjectMeta) {
        let annotations = metadata.annotations ?? [:]
        let raw = annotations[Self.requestedActionKey]?.uppercased() ?? RequestedAction.none.rawValue
        if let action = RequestedAction(rawValue: raw) {
            requestedAction = action
            invalidAction = nil
        } else {
            requestedAction = .none
            invalidAction = annotations[Self.requestedActionKey]
        }
        actionTimestamp = annotations[Self.actionTimestampKey].flatMap { Int64($0) }
        withoutSavepoint = annotations[Self.withoutSavepointKey] == "true"
        deleteResources = annotations[Self.deleteResourcesKey] == "true"
        shouldRestart = annotations[Self.shouldRestartKey] == "true"
    }

    /// Whether an action (valid or not) waits to be consumed.
    public var hasPendingAction: Bool { requestedAction != .none || invalidAction != nil }

    /// Consumes the pending action: `NONE`, stamped with `now`.
    public mutating func consumeAction(now: Date) {
        requestedAction = .none
        invalidAction = nil
        actionTimestamp = Int64((now.timeIntervalSince1970 * 1000).rounded())
    }

    /// `metadata` with these annotations written in (other annotations are kept).
    public func applied(to metadata: ObjectMeta) -> ObjectMeta {
        var metadata = metadata
        var annotations = metadata.annotations ?? [:]
        annotations[Self.requestedActionKey] = invalidAction ?? requestedAction.rawValue
        if let actionTimestamp { annotations[Self.actionTimestampKey] = String(actionTimestamp) }
        annotations[Self.withoutSavepointKey] = String(withoutSavepoint)
        annotations[Self.deleteResourcesKey] = String(deleteResources)
        annotations[Self.shouldRestartKey] = String(shouldRestart)
        metadata.annotations = annotations
        return metadata
    }
}

extension ObjectMeta {
    /// Whether the supervisor finalizer is present.
    public var hasSupervisorFinalizer: Bool { hasFinalizer(ResourceNames.supervisorFinalizer) }

    /// Adds or removes the supervisor finalizer.
    public mutating func setSupervisorFinalizer(_ present: Bool) {
        var list = finalizers ?? []
        list.removeAll { $0 == ResourceNames.supervisorFinalizer }
        if present { list.append(ResourceNames.supervisorFinalizer) }
        finalizers = list
    }
}
