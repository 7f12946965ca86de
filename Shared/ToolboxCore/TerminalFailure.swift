import Foundation
import ToolboxAPI

/// A status with the standard conditions (FlinkDeployment, FlinkCluster and FlinkJob statuses).
public protocol ConditionedStatus: Codable, Sendable {
    /// The standard conditions.
    var conditions: [Components.Schemas.Condition]? { get set }
}

extension Components.Schemas.FlinkDeploymentStatus: ConditionedStatus {}
extension Components.Schemas.FlinkClusterStatus: ConditionedStatus {}
extension Components.Schemas.FlinkJobStatus: ConditionedStatus {}

/// How a failure that retrying cannot fix (a 403, a 422, a rejected request) shows on the object it stopped: a
/// `Degraded` condition with the reason and `Ready` false, the other conditions kept. The next successful reconcile
/// computes the conditions again, which clears it.
public enum TerminalFailure {
    /// `status` with the failure recorded, or `nil` when it already says exactly that (nothing to write).
    public static func degraded<Status: ConditionedStatus>(
        _ status: Status, reason: String, message: String, generation: Int64?, now: Date
    ) -> Status? {
        var status = status
        let existing = status.conditions ?? []
        var states = existing.compactMap { condition -> ConditionState? in
            guard let type = ConditionType(rawValue: condition._type), type != .degraded, type != .ready else { return nil }
            return ConditionState(type, condition.status == ._true, reason: condition.reason ?? "", message: condition.message ?? "")
        }
        states.append(ConditionState(.ready, false, reason: reason, message: message))
        states.append(ConditionState(.degraded, true, reason: reason, message: message))
        let merged = Conditions.merge(states, into: existing, generation: generation, now: now)
        guard !sameMeaning(merged, existing) else { return nil }
        status.conditions = merged
        return status
    }

    private static func sameMeaning(_ left: [Components.Schemas.Condition], _ right: [Components.Schemas.Condition]) -> Bool {
        func key(_ list: [Components.Schemas.Condition]) -> Set<String> {
            Set(list.map { "\($0._type)|\($0.status)|\($0.reason ?? "")|\($0.message ?? "")|\($0.observedGeneration ?? -1)" })
        }
        return key(left) == key(right)
    }
}
