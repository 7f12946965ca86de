extension LeaderElector {
    /// Runs a controller: `reflectors` always (every replica keeps its cache), and while this replica leads,
    /// `whileLeading` together with a periodic `resync` every `resyncInterval` (a safety net; changes are acted on
    /// at once). `leadership` is told when leading starts (true) and ends (false). Returns when cancelled; throws
    /// when a reflector or the election fails.
    public func runController(
        reflectors: [@Sendable () async throws -> Void], resyncInterval: Duration,
        leadership: @escaping @Sendable (Bool) -> Void = { _ in },
        resync: @escaping @Sendable () async -> Void,
        whileLeading: @escaping @Sendable () async -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for reflector in reflectors { group.addTask { try await reflector() } }
            group.addTask {
                try await self.run {
                    leadership(true)
                    defer { leadership(false) }
                    await withTaskGroup(of: Void.self) { leading in
                        leading.addTask { await whileLeading() }
                        leading.addTask {
                            while !Task.isCancelled {
                                try? await Task.sleep(for: resyncInterval)
                                await resync()
                            }
                        }
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
