import Foundation
import KubeModels
import ToolboxAPI

/// The standard conditions of a FlinkCluster (Ready, Progressing, Degraded), computed from the decided status.
public enum ClusterConditions {
    /// Reason of the Degraded condition while an invalid action is reported.
    public static let invalidActionReason = "InvalidAction"

    /// The three conditions of `status`. `invalidAction` is a `requested-action` value that is not an action;
    /// `invalidActionMessage` overrides the message written for it.
    public static func states(
        for status: Components.Schemas.FlinkClusterStatus, invalidAction: String? = nil, invalidActionMessage: String? = nil
    ) -> [ConditionState] {
        let state = status.supervisorStatus ?? .unknown
        let updated = status.resourceStatus == .updated
        let healthy = status.clusterHealth == .healthy
        let ready: ConditionState =
            state == .started && updated && healthy
            ? .init(.ready, true, reason: "Running", message: "the cluster runs and matches its spec")
            : .init(.ready, false, reason: state == .started ? (healthy ? "Updating" : "NotHealthy") : state.rawValue)
        let moving = state == .starting || state == .stopping
        let progressing: ConditionState =
            moving || status.resourceStatus == .updating
            ? .init(.progressing, true, reason: moving ? state.rawValue : "Updating")
            : .init(.progressing, false, reason: "Stable")
        let degraded: ConditionState
        if let invalidAction {
            let message = invalidActionMessage ?? "requested-action \"\(invalidAction)\" is not an action; it was reset to NONE"
            degraded = .init(.degraded, true, reason: invalidActionReason, message: message)
        } else if status.clusterHealth == .unhealthy {
            degraded = .init(.degraded, true, reason: "Unhealthy", message: "the JobManager REST API did not answer within the task timeout")
        } else {
            degraded = .init(.degraded, false, reason: "AsExpected")
        }
        return [ready, progressing, degraded]
    }

    /// The conditions of the cycle's decided `status`. An InvalidAction report stays until the state changes or a
    /// valid action is consumed.
    static func states(for status: Components.Schemas.FlinkClusterStatus, cycle: ClusterCycle) -> [ConditionState] {
        let previous = Conditions.find(.degraded, in: status.conditions)
        var invalid = cycle.invalidAction
        var message: String?
        if invalid == nil, cycle.transition == nil, !cycle.consumedValidAction, previous?.status == ._true,
            previous?.reason == invalidActionReason
        {
            invalid = ""
            message = previous?.message
        }
        return states(for: status, invalidAction: invalid, invalidActionMessage: message)
    }
}
