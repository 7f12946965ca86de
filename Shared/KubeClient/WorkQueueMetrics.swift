/// What a `WorkQueue` reports, for metrics (the shape of client-go's work-queue metrics).
public struct WorkQueueMetrics: Sendable {
    /// A key was added that was not already waiting (a deduplicated add reports nothing).
    public var added: @Sendable () -> Void
    /// A key was queued again after a failure (`addRateLimited`).
    public var retried: @Sendable () -> Void
    /// A key was handed to a worker after waiting this long since it was added.
    public var waited: @Sendable (Duration) -> Void
    /// The number of keys waiting changed to this.
    public var depthChanged: @Sendable (Int) -> Void

    /// Metrics reported to these closures.
    public init(
        added: @escaping @Sendable () -> Void, retried: @escaping @Sendable () -> Void, waited: @escaping @Sendable (Duration) -> Void,
        depthChanged: @escaping @Sendable (Int) -> Void
    ) {
        self.added = added
        self.retried = retried
        self.waited = waited
        self.depthChanged = depthChanged
    }

    /// Reports nothing.
    public static let none = WorkQueueMetrics(added: {}, retried: {}, waited: { _ in }, depthChanged: { _ in })
}
