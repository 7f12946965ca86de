import BootstrapKit
import ServiceKit
import ToolboxAPI

/// Handlers of the bootstrap's progress API (`/bootstrap/v1`).
struct BootstrapHandlers: ToolboxAPIHandlers {
    let progress: BootstrapProgress

    /// The bootstrap's progress as it stands.
    func getBootstrapProgress(_ input: Operations.GetBootstrapProgress.Input) async throws -> Operations.GetBootstrapProgress.Output {
        .ok(.init(body: .json(progress.snapshot)))
    }
}
