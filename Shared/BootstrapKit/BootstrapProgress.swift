import Synchronization
import ToolboxAPI

/// What the bootstrap has done so far; written by the bootstrap's steps, read by its progress API.
public final class BootstrapProgress: Sendable {
    private let state: Mutex<Components.Schemas.BootstrapProgress>

    /// A bootstrap of `jobName` in `clusterName` that has not started any step yet.
    public init(clusterName: String, jobName: String) {
        state = Mutex(.init(phase: .pending, clusterName: clusterName, jobName: jobName, attempts: 0))
    }

    /// The current progress.
    public var snapshot: Components.Schemas.BootstrapProgress { state.withLock { $0 } }

    /// Applies `change` to the progress.
    public func update(_ change: (inout Components.Schemas.BootstrapProgress) -> Void) {
        state.withLock { change(&$0) }
    }
}
