import Foundation
import ToolboxAPI

/// Standard status conditions (Ready, Progressing, Degraded) kept the Kubernetes way: a condition's
/// `lastTransitionTime` changes only when its status changes.
public enum ConditionType: String, Sendable, CaseIterable {
    case ready = "Ready"
    case progressing = "Progressing"
    case degraded = "Degraded"
}

/// One condition as a reconcile computes it, before transition times are merged in.
public struct ConditionState: Sendable, Hashable {
    public var type: ConditionType
    public var status: Bool
    public var reason: String
    public var message: String

    /// A condition that is `status` for `reason`.
    public init(_ type: ConditionType, _ status: Bool, reason: String, message: String = "") {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
    }
}

/// Merges computed condition states into the existing conditions.
public enum Conditions {
    /// The new condition list: each computed state keeps the old `lastTransitionTime` when its status did not change.
    public static func merge(
        _ states: [ConditionState], into existing: [Components.Schemas.Condition]?, generation: Int64?, now: Date
    ) -> [Components.Schemas.Condition] {
        let previous = Dictionary((existing ?? []).map { ($0._type, $0) }, uniquingKeysWith: { first, _ in first })
        return states.map { state in
            let status: Components.Schemas.Condition.StatusPayload = state.status ? ._true : ._false
            let old = previous[state.type.rawValue]
            let transition = old?.status == status ? (old?.lastTransitionTime ?? now) : now
            return .init(
                _type: state.type.rawValue, status: status, reason: state.reason, message: state.message,
                lastTransitionTime: transition, observedGeneration: generation
            )
        }
    }

    /// The condition of `type` in `conditions`, if present.
    public static func find(_ type: ConditionType, in conditions: [Components.Schemas.Condition]?) -> Components.Schemas.Condition? {
        conditions?.first { $0._type == type.rawValue }
    }
}
