import KubeClient
import Logging
import ServiceLifecycle

/// The supervisor's background work as a lifecycle service: reflectors always, the worker while leading.
struct SupervisorService: Service {
    let controller: SupervisorController
    let elector: LeaderElector
    let resyncInterval: Duration
    /// Closes what the process opened (HTTP clients), after the work stopped.
    let cleanup: @Sendable () async -> Void

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for reflector in controller.reflectors() { group.addTask { try await reflector() } }
                group.addTask {
                    try await elector.run {
                        controller.metrics.leader.set(1.0)
                        defer { controller.metrics.leader.set(0.0) }
                        await withTaskGroup(of: Void.self) { leading in
                            leading.addTask { await controller.runWorker() }
                            leading.addTask { await resync() }
                        }
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
        await cleanup()
    }

    private func resync() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: resyncInterval)
            controller.nudge()
        }
    }
}
