import KubeClient
import Logging
import ServiceLifecycle
import SupervisorKit

/// The supervisor's background work as a lifecycle service: reflectors always, the worker while leading.
struct SupervisorService: Service {
    let controller: SupervisorController
    /// The concrete client whose watches feed the controller's cache.
    let kube: KubeClient
    let elector: LeaderElector
    let resyncInterval: Duration
    /// Closes what the process opened (HTTP clients), after the work stopped.
    let cleanup: @Sendable () async -> Void

    func run() async throws {
        let controller = controller
        do {
            try await cancelWhenGracefulShutdown {
                try await elector.runController(
                    reflectors: controller.reflectors(watching: kube), resyncInterval: resyncInterval,
                    leadership: { controller.metrics.leader.set($0 ? 1.0 : 0.0) },
                    resync: { controller.nudge() },
                    whileLeading: { await controller.runWorker() }
                )
            }
        } catch {
            await cleanup()  // HTTP clients must be shut down on every path
            throw error
        }
        await cleanup()
    }
}
