import Foundation
import KubeModels

/// Stopped: nothing runs; leftovers are torn down (section 6.1). Accepts the action START.
public enum ClusterStopped: StateRules {
    /// Stopped.
    public static let state: LifecycleState = .stopped
    /// The cluster is being deleted → Stopping, then Terminated.
    public static let deleted = StateTransition(.stopped, .stopping, "deleted")
    /// Action START → Stopping with should-restart, then Starting.
    public static let started = StateTransition(.stopped, .stopping, "started")
    /// Every edge leaving Stopped.
    public static var transitions: [StateTransition] { [deleted, started] }

    static func decide(_ cycle: inout ClusterCycle) {
        if cycle.stopIfDeleted(deleted) { return }
        if cycle.takeAction(accepting: [.start]) == .start { return cycle.stop(started, restart: true) }
        let clean = cycle.tearDown()
        cycle.set(\.resourceStatus, clean ? .updated : .updating)
        if !clean { cycle.wait() }
    }
}
