import KubeClient
import Logging
import ServiceLifecycle

/// The operator's background work as a lifecycle service: the reflectors always, the workers while leading, a
/// slow resync as a safety net. Graceful shutdown cancels it; the lease is released on the way out.
struct OperatorService: Service {
    let controller: OperatorController
    let elector: LeaderElector
    let workers: Int
    let resyncInterval: Duration
    /// Closes what the process opened (HTTP clients), after the work stopped.
    let cleanup: @Sendable () async -> Void

    func run() async throws {
        let controller = controller
        let workers = workers
        do {
            try await cancelWhenGracefulShutdown {
                try await elector.runController(
                    reflectors: controller.reflectors(), resyncInterval: resyncInterval,
                    leadership: { controller.metrics.leader.set($0 ? 1.0 : 0.0) },
                    resync: { await controller.enqueueAll() },
                    whileLeading: {
                        await controller.enqueueAll()
                        await controller.runWorkers(count: workers)
                    }
                )
            }
        } catch {
            await cleanup()  // HTTP clients must be shut down on every path
            throw error
        }
        await cleanup()
    }
}
